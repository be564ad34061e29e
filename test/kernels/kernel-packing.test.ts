// The offline packing for the Cortex-M4 kernels (src/codegen/kernel-packing.ts): the precomputed
// requantisation words reproduce arm_nn_requantize (src/nn/quant/fixed-point.ts) through the
// kernels' 4-instruction form, modelled here instruction by instruction; the conv layout (kernel rows
// padded to 4, zero rows, zIn folded, 2^(ls+1) scaling) and the refusals.
import { describe, expect, it } from 'vitest';
import { channelRecord, packConv2d, packDepthwise } from '../../src/codegen/kernel-packing.js';
import { quantizeMultiplier, requantize } from '../../src/nn/quant/fixed-point.js';
import { xorshift32 } from '../support/xorshift.js';

const I32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** The ARM instructions of nn_rq_t (nn_requant.h) on t = acc << (ls + 1). */
function fastForm(t: number, record: [number, number, number, number]): number {
  const [, mult, round, shifts] = record;
  const y = I32((BigInt(round) * 2n ** 32n + BigInt(t) * BigInt(mult) + 0x80000000n) >> 32n); // SMMLAR
  const c = (t & shifts) | 0; // AND
  const y2 = (y + (c >> 31)) | 0; // ADD y, y, c, ASR #31
  const rs = shifts & 0xff; // ASR by register: its bottom byte
  return rs >= 32 ? (y2 < 0 ? -1 : 0) : y2 >> rs;
}

/** nn_rq_out's ReLU form: SMMLAR, ASR, USAT #31, + zOut, SSAT #8 (no sign correction). */
function reluForm(t: number, record: [number, number, number, number], zOut: number): number {
  const [, mult, round, shifts] = record;
  const y = I32((BigInt(round) * 2n ** 32n + BigInt(t) * BigInt(mult) + 0x80000000n) >> 32n) >> (shifts & 0xff);
  return Math.min(127, Math.max(-128, Math.max(y, 0) + zOut));
}

describe('kernel packing', () => {
  it('gives requantisation words that reproduce arm_nn_requantize bit for bit', () => {
    const next = xorshift32(0x5eed);
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      const { multiplier, shift } = quantizeMultiplier(2 ** -((next() % 300) / 10) * (0.5 + (next() % 1000) / 1000));
      if (shift > 7) continue;
      const left = Math.max(shift, 0);
      const limit = Math.floor(2 ** (30 - left)) - 1; // |acc| * 2^(ls+1) < 2^31
      const acc = ((next() % (2 * limit + 1)) - limit) >> (next() % 20);
      const record = channelRecord(0, multiplier, shift);
      const want = requantize(acc, multiplier, shift);
      expect(fastForm(acc * 2 ** (left + 1), record), `acc ${acc} mult ${multiplier} shift ${shift}`).toBe(want);
      const zOut = (next() % 256) - 128;
      expect(reluForm(acc * 2 ** (left + 1), record, zOut)).toBe(Math.min(127, Math.max(zOut, zOut + want)));
      checked++;
    }
    expect(checked).toBeGreaterThan(15000);
  });

  it('covers the edge multipliers and shifts (2^30, shift 0, shift -31, ties)', () => {
    for (const [mult, shift] of [[1 << 30, 0], [1 << 30, -1], [0x7fffffff, -31], [1 << 30, 3], [1518500250, -7]] as const) {
      for (const acc of [0, 1, -1, 2, -2, 63, -64, 64, -65, 12345, -12345, 1 << 20, -(1 << 20)]) {
        const t = acc * 2 ** (Math.max(shift, 0) + 1);
        if (Math.abs(t) >= 2 ** 31) continue;
        expect(fastForm(t, channelRecord(0, mult, shift)), `acc ${acc} mult ${mult} shift ${shift}`).toBe(requantize(acc, mult, shift));
      }
    }
  });

  it('lays out conv weights by padded kernel rows, pads channels to 4 and folds zIn and 2^(ls+1) into the bias', () => {
    // 2 output channels, 3x3, 1 input channel: rows of 3 taps become rows of 4.
    const weights = Int8Array.from({ length: 18 }, (_, i) => i - 9);
    const layer = { kh: 3, kw: 3, weights, bias: Int32Array.of(100, -50), requant: { multiplier: Int32Array.of(1 << 30, 1 << 30), shift: Int32Array.of(-8, 1) } };
    const p = packConv2d(layer, 1, -3);
    expect(p.paddedChannels).toBe(4);
    expect(p.weights.length).toBe(4 * 12);
    expect(Array.from(p.weights.subarray(0, 12))).toEqual([-9, -8, -7, 0, -6, -5, -4, 0, -3, -2, -1, 0]);
    expect(Array.from(p.weights.subarray(24))).toEqual(new Array(24).fill(0));
    const sum0 = -45, sum1 = 36;
    expect(p.channels[0]).toBe((100 + 3 * sum0) * 2); // ls = 0: times 2
    expect(p.channels[4]).toBe((-50 + 3 * sum1) * 4); // ls = 1: times 4
    expect(p.scratchBytes).toBe(16 * 4 + (2 * 4 + 5) * 12);
  });

  it('refuses a layer whose accumulators could leave the fast requantisation range, or a shift beyond 7', () => {
    const big = { kh: 1, kw: 1, weights: new Int8Array(512).fill(127), bias: Int32Array.of(0), requant: { multiplier: Int32Array.of(1 << 30), shift: Int32Array.of(7) } };
    expect(() => packConv2d(big, 512, 0, 'big')).toThrow(/big: channel 0 accumulator bound/);
    const shifted = { kh: 1, kw: 1, weights: Int8Array.of(1), bias: Int32Array.of(0), requant: { multiplier: Int32Array.of(1 << 30), shift: Int32Array.of(8) } };
    expect(() => packConv2d(shifted, 1, 0, 'shifted')).toThrow(/shifted: channel 0 shift 8 > 7/);
  });

  it('keeps depthwise weights as they are and sizes the scratch for both depthwise layouts', () => {
    const weights = Int8Array.from({ length: 9 * 5 }, (_, i) => (i % 7) - 3);
    const layer = { kh: 3, kw: 3, padH: 1, padW: 1, stride: 1, weights, bias: new Int32Array(5).fill(7), requant: { multiplier: new Int32Array(5).fill(1 << 30), shift: new Int32Array(5).fill(-6) } };
    const p = packDepthwise(layer, 6, 8);
    expect(Array.from(p.weights)).toEqual(Array.from(weights));
    expect(p.channels[0]).toBe(14);
    const group = (8 * 10 + 9) * 8 * 2 + 48 * 16, rows = 8 * 5 * 12 * 2 + 48 * 4;
    expect(p.scratchBytes).toBe(Math.max(group, rows));
  });
});
