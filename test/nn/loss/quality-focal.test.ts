/**
 * Quality focal loss (src/nn/loss/quality-focal.ts): the focal loss with soft targets. Oracles: the
 * focal loss itself on 0/1 targets (the two must agree exactly), the definition written out by hand,
 * and central finite differences for the gradient.
 */
import { describe, expect, it } from 'vitest';
import { focalLoss } from '../../../src/nn/loss/index.js';
import { qualityFocalLoss } from '../../../src/nn/loss/quality-focal.js';
import { lcg, numericGradient, worstError } from './helpers.js';

const n = 40;
function data(seed: number, soft: boolean) {
  const r = lcg(seed);
  const x = Float64Array.from({ length: n }, () => (r() - 0.5) * 12);
  // soft: positives aim at an IoU in (0, 1], the rest at 0
  const y = Float64Array.from({ length: n }, () => (r() < 0.4 ? (soft ? 0.05 + 0.95 * r() : 1) : 0));
  const w = Float64Array.from({ length: n }, () => [0, 1, 2][Math.floor(r() * 3)]);
  return { x, y, w };
}

describe('quality focal loss', () => {
  it('equals the focal loss, value and gradient, on 0/1 targets', () => {
    for (const gamma of [0, 1, 2, 3.5]) {
      const { x, y, w } = data(3 + gamma, false);
      const gq = new Float64Array(n), gf = new Float64Array(n);
      const pq = new Float64Array(n), pf = new Float64Array(n);
      expect(qualityFocalLoss(x, y, w, 0.25, gamma, gq, pq)).toBeCloseTo(focalLoss(x, y, w, 0.25, gamma, gf, pf), 10);
      expect(worstError(gq, gf, 1e-12, 1e-9)).toBeLessThan(1);
      expect(worstError(pq, pf, 1e-12, 1e-9)).toBeLessThan(1);
    }
  });
  it('matches the definition by hand on a soft target', () => {
    // x = 0: p = 0.5; y = 0.7: |y - p|^2 = 0.04; BCE = -(0.7 ln 0.5 + 0.3 ln 0.5) = ln 2; alpha_t = alpha
    expect(qualityFocalLoss([0], [0.7], [1], 0.25, 2)).toBeCloseTo(0.25 * 0.04 * Math.LN2, 12);
    // the loss vanishes where the score equals the target, and grows on either side of it
    const x = Math.log(0.7 / 0.3);
    expect(qualityFocalLoss([x], [0.7], [1], 0.25, 2)).toBeCloseTo(0, 12);
    expect(qualityFocalLoss([x + 1], [0.7], [1], 0.25, 2)).toBeGreaterThan(0);
    expect(qualityFocalLoss([x - 1], [0.7], [1], 0.25, 2)).toBeGreaterThan(0);
  });
  it('pushes a score towards its soft target from both sides', () => {
    const g = new Float64Array(1);
    qualityFocalLoss([3], [0.6], [1], 0.25, 2, g); // p = 0.95 > 0.6: lower the logit
    expect(g[0]).toBeGreaterThan(0);
    qualityFocalLoss([-1], [0.6], [1], 0.25, 2, g); // p = 0.27 < 0.6: raise it
    expect(g[0]).toBeLessThan(0);
  });
  for (const gamma of [0, 1.5, 2, 4]) {
    it(`gradient matches finite differences on soft targets (gamma ${gamma})`, () => {
      const { x, y, w } = data(20 + gamma, true);
      const g = new Float64Array(n);
      qualityFocalLoss(x, y, w, 0.3, gamma, g);
      const fd = numericGradient((v) => qualityFocalLoss(v, y, w, 0.3, gamma), x);
      expect(worstError(g, fd, 1e-8, 1e-5)).toBeLessThan(1);
    });
  }
  it('stays finite for large logits', () => {
    const g = new Float64Array(2);
    expect(Number.isFinite(qualityFocalLoss([800, -800], [0.3, 0.9], [1, 1], 0.25, 2, g))).toBe(true);
    expect(g.every(Number.isFinite)).toBe(true);
  });
});
