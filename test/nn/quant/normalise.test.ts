// The integer input normalisation the firmware repeats: hand-computed frames (rounding ties away
// from zero, clamping) and agreement with training's float transform (src/nn/train/batch.ts).
import { describe, expect, it } from 'vitest';
import { celsiusToCenti, inputScale, normaliseFrameToInt8 } from '../../../src/nn/quant/normalise.js';
import { inputTensor } from '../../../src/nn/train/batch.js';
import { DEFAULT_INPUT_TRANSFORM } from '../../../src/nn/model/serialize.js';
import { heldOutFrames } from '../../../src/nn/quant/evaluate.js';

describe('normaliseFrameToInt8', () => {
  it('subtracts the exact frame mean and rounds once (hand-computed)', () => {
    // n = 4, sum = 1600 (mean 4.00 °C), 10 centi per step, zero point -5:
    // (400 - 1600) / 40 = -30, (800 - 1600) / 40 = -20, (1200 - 1600) / 40 = -10, (4000 - 1600) / 40 = 60
    expect(Array.from(normaliseFrameToInt8([100, 200, 300, 1000], { subtractFrameMean: true, centiPerStep: 10, zeroPoint: -5 })))
      .toEqual([-35, -25, -15, 55]);
  });

  it('rounds ties away from zero and clamps to int8', () => {
    // n = 2, sum = 5: (0 - 5) / 10 = -0.5 -> -1, (10 - 5) / 10 = 0.5 -> 1
    expect(Array.from(normaliseFrameToInt8([0, 5], { subtractFrameMean: true, centiPerStep: 5, zeroPoint: 0 }))).toEqual([-1, 1]);
    expect(Array.from(normaliseFrameToInt8([-30000, 30000], { subtractFrameMean: true, centiPerStep: 1, zeroPoint: 0 }))).toEqual([-128, 127]);
    expect(Array.from(normaliseFrameToInt8([250, -250], { subtractFrameMean: false, centiPerStep: 100, zeroPoint: 3 }))).toEqual([6, 0]);
  });

  it('agrees with the training transform within half a step on real frames', () => {
    const q = { subtractFrameMean: true, centiPerStep: 25, zeroPoint: -66 };
    const s = inputScale(q, DEFAULT_INPUT_TRANSFORM.scale);
    expect(s).toBeCloseTo(0.0625, 12);
    for (const frame of heldOutFrames(4)) {
      const ref = inputTensor([frame], DEFAULT_INPUT_TRANSFORM).data;
      const int8 = normaliseFrameToInt8(celsiusToCenti(frame.celsius), q);
      int8.forEach((v, i) => {
        if (v === -128 || v === 127) return; // clamped
        expect(Math.abs(s * (v - q.zeroPoint) - ref[i]!)).toBeLessThanOrEqual(s * 0.5 + 1e-5);
      });
    }
  });

  it('rounds °C to centi-degrees as the TFRM writer does, and refuses what int16 cannot hold', () => {
    expect(Array.from(celsiusToCenti([25.37, -0.004, 327.67]))).toEqual([2537, 0, 32767]);
    expect(() => celsiusToCenti([400])).toThrow(/does not fit int16/);
  });
});
