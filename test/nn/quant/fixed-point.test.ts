// Requantisation against hand-computed TFLite / gemmlowp cases (negative values, rounding ties,
// saturation, shift extremes) and against a BigInt transcription of gemmlowp's
// SaturatingRoundingDoublingHighMul on random operands.
import { describe, expect, it } from 'vitest';
import {
  multiplierValue, quantizeMultiplier, requantize, roundHalfAwayDiv, roundingDivideByPOT,
  saturatingRoundingDoublingHighMul as srdhm,
} from '../../../src/nn/quant/fixed-point.js';
import { xorshift32 } from '../../support/xorshift.js';

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;
const HALF = 1 << 30; // Q31 0.5

/** gemmlowp, literally: nudge = ab >= 0 ? 2^30 : 1 - 2^30; (ab + nudge) / 2^31 truncated. */
function srdhmBigInt(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n));
}

describe('SaturatingRoundingDoublingHighMul', () => {
  it('matches hand-computed cases', () => {
    expect(srdhm(HALF, HALF)).toBe(1 << 29); // 0.5 * 0.5 in Q31
    expect(srdhm(-HALF, HALF)).toBe(-(1 << 29));
    expect(srdhm(1, HALF)).toBe(1); // +0.5 ties up
    expect(srdhm(-1, HALF)).toBe(0); // -0.5 ties up (towards +inf), not away from zero
    expect(srdhm(3, HALF)).toBe(2); // 1.5 -> 2
    expect(srdhm(-3, HALF)).toBe(-1); // -1.5 -> -1
    expect(srdhm(INT32_MIN, INT32_MIN)).toBe(INT32_MAX); // the one saturating case
    expect(srdhm(INT32_MIN, INT32_MAX)).toBe(-INT32_MAX); // -(2^31 - 1) exactly
    expect(srdhm(INT32_MAX, INT32_MAX)).toBe(INT32_MAX - 1); // (2^31-1)^2 / 2^31 = 2^31 - 2 + 2^-31
  });

  it('equals the BigInt transcription on 100k random operand pairs', () => {
    const rnd = xorshift32(7);
    for (let i = 0; i < 100_000; i++) {
      const a = rnd() | 0, b = rnd() | 0;
      const a2 = i % 3 === 0 ? a >> (rnd() % 31) : a; // accumulator-sized values too
      expect(srdhm(a2, b)).toBe(srdhmBigInt(a2, b));
    }
  });
});

describe('RoundingDivideByPOT', () => {
  it('rounds half away from zero', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(4, 1)).toBe(2);
    expect(roundingDivideByPOT(6, 2)).toBe(2); // 1.5
    expect(roundingDivideByPOT(-6, 2)).toBe(-2); // -1.5
    expect(roundingDivideByPOT(7, 2)).toBe(2); // 1.75
    expect(roundingDivideByPOT(-7, 2)).toBe(-2);
    expect(roundingDivideByPOT(-5, 2)).toBe(-1); // -1.25
    expect(roundingDivideByPOT(123, 0)).toBe(123);
  });

  it('handles exponent 31 like the C expression (mask 0x7fffffff)', () => {
    expect(roundingDivideByPOT(1 << 30, 31)).toBe(1); // 0.5 -> 1
    expect(roundingDivideByPOT(-(1 << 30), 31)).toBe(-1); // -0.5 -> -1
    expect(roundingDivideByPOT((1 << 30) - 1, 31)).toBe(0);
    expect(roundingDivideByPOT(INT32_MIN, 31)).toBe(-1);
    expect(roundingDivideByPOT(INT32_MAX, 31)).toBe(1);
  });
});

describe('requantize (arm_nn_requantize)', () => {
  it('matches hand-computed cases, including the double rounding', () => {
    expect(requantize(100, HALF, 0)).toBe(50);
    expect(requantize(101, HALF, 0)).toBe(51); // 50.5 -> 51
    expect(requantize(-101, HALF, 0)).toBe(-50); // -50.5 -> -50 (high-mul ties up)
    expect(requantize(-101, HALF, -1)).toBe(-25); // -25.25: -50 then -25
    expect(requantize(3, HALF, -1)).toBe(1); // 0.75: 2 then 1
    expect(requantize(-3, HALF, -1)).toBe(-1); // -0.75: -1 then -0.5 -> -1
    expect(requantize(2, HALF, -1)).toBe(1); // 0.5 exactly: 1 then 0.5 -> 1 (away)
    expect(requantize(-2, HALF, -1)).toBe(-1); // -0.5 exactly: -1 then -0.5 -> -1 (away)
    expect(requantize(5, 3 << 29, -1)).toBe(2); // 5 * 0.75 / 2 = 1.875: high-mul 4 (3.75) then 2
  });

  it('left shifts for scales above 1 and reaches the shift extremes', () => {
    expect(requantize(3, HALF, 2)).toBe(6); // 3 * 0.5 * 4
    expect(requantize(1, HALF, 30)).toBe(1 << 29); // 0.5 * 2^30
    expect(requantize(-1, HALF, 30)).toBe(-(1 << 29));
    // shift -31 with multiplier ~1: acc 2^30 * (1 - 2^-31) = 2^30 - 0.5 -> 2^30, then / 2^31 = 0.5 -> 1
    expect(requantize(1 << 30, INT32_MAX, -31)).toBe(1);
    // negative side: -2^30 + 0.5 ties up to -(2^30 - 1), then / 2^31 = -0.49999... -> 0 (not -1)
    expect(requantize(-(1 << 30), INT32_MAX, -31)).toBe(0);
    expect(requantize(-(1 << 30) - 1, INT32_MAX, -31)).toBe(-1);
    expect(requantize(INT32_MAX, INT32_MAX, -31)).toBe(1);
    expect(requantize(1000, INT32_MAX, -31)).toBe(0);
  });

  it('stays within one output step of the exact product over random accumulators and scales', () => {
    const rnd = xorshift32(11);
    for (let i = 0; i < 20_000; i++) {
      const real = 2 ** (-20 + (rnd() % 2000) / 100); // 2^-20 .. 2^0
      const m = quantizeMultiplier(real);
      const acc = (rnd() % 2_000_001) - 1_000_000;
      expect(Math.abs(requantize(acc, m.multiplier, m.shift) - acc * real)).toBeLessThanOrEqual(1);
    }
  });
});

describe('quantizeMultiplier (TFLite QuantizeMultiplier)', () => {
  it('gives a Q31 multiplier in [2^30, 2^31) and the shift', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: HALF, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: HALF, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    expect(quantizeMultiplier(2 ** -32)).toEqual({ multiplier: HALF, shift: -31 });
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: HALF, shift: 1 }); // rounds up to 2^31: halved
    expect(quantizeMultiplier(2 ** 29)).toEqual({ multiplier: HALF, shift: 30 });
    const m = quantizeMultiplier(0.0123456);
    expect(m.multiplier).toBeGreaterThanOrEqual(HALF);
    expect(m.multiplier).toBeLessThan(2 ** 31);
    expect(Math.abs(multiplierValue(m) / 0.0123456 - 1)).toBeLessThan(2 ** -30);
  });

  it('refuses scales no shift in [-31, 30] can express, and non-positive ones', () => {
    expect(() => quantizeMultiplier(2 ** -33)).toThrow(/shift -32/);
    expect(() => quantizeMultiplier(2 ** 30)).toThrow(/shift 31/);
    expect(() => quantizeMultiplier(0)).toThrow(/positive/);
  });
});

describe('roundHalfAwayDiv (C truncating division)', () => {
  it('rounds half away from zero for even and odd divisors', () => {
    expect(roundHalfAwayDiv(5, 2)).toBe(3);
    expect(roundHalfAwayDiv(-5, 2)).toBe(-3);
    expect(roundHalfAwayDiv(7, 3)).toBe(2); // 2.33
    expect(roundHalfAwayDiv(8, 3)).toBe(3); // 2.67
    expect(roundHalfAwayDiv(-8, 3)).toBe(-3);
    expect(roundHalfAwayDiv(-7, 3)).toBe(-2);
    expect(roundHalfAwayDiv(0, 9)).toBe(0);
  });
});
