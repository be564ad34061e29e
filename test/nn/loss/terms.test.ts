import { describe, expect, it } from 'vitest';
import { confidenceLoss, focalLoss, huberLoss, softFbetaLoss } from '../../../src/nn/loss/index.js';
import { lcg, numericGradient, worstError } from './helpers.js';

const n = 40;
function data(seed: number) {
  const r = lcg(seed);
  const x = Float64Array.from({ length: n }, () => (r() - 0.5) * 12);
  const y = Float64Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
  const w = Float64Array.from({ length: n }, () => [0, 1, 2][Math.floor(r() * 3)]);
  return { x, y, w };
}

/** Plain BCE written from the definition: -y ln p - (1 - y) ln(1 - p). */
function bce(x: number, y: number): number {
  const p = 1 / (1 + Math.exp(-x));
  return -y * Math.log(p) - (1 - y) * Math.log(1 - p);
}

describe('focal loss', () => {
  it('is 0.5 x BCE at gamma 0, alpha 0.5', () => {
    const { x, y, w } = data(1);
    for (let i = 0; i < n; i++) {
      const fl = focalLoss([x[i]], [y[i]], [1], 0.5, 0);
      expect(fl).toBeCloseTo(0.5 * bce(x[i], y[i]), 9);
    }
    const sum = focalLoss(x, y, w, 0.5, 0);
    let want = 0;
    for (let i = 0; i < n; i++) want += w[i] * 0.5 * bce(x[i], y[i]);
    expect(sum).toBeCloseTo(want, 9);
  });
  it('matches a hand value: x = 0, y = 1, alpha 0.25, gamma 2', () => {
    // p_t = 0.5: FL = -0.25 * 0.25 * ln 0.5
    expect(focalLoss([0], [1], [1], 0.25, 2)).toBeCloseTo(0.0625 * Math.LN2, 12);
    // y = 0 uses 1 - alpha
    expect(focalLoss([0], [0], [1], 0.25, 2)).toBeCloseTo(0.75 * 0.25 * Math.LN2, 12);
  });
  for (const gamma of [0, 0.5, 2, 4.5]) {
    it(`gradient matches finite differences (gamma ${gamma})`, () => {
      const { x, y, w } = data(2 + gamma * 10);
      const g = new Float64Array(n);
      focalLoss(x, y, w, 0.3, gamma, g);
      const fd = numericGradient((v) => focalLoss(v, y, w, 0.3, gamma), x);
      expect(worstError(g, fd, 1e-8, 1e-5)).toBeLessThan(1);
    });
  }
  it('stays finite for large logits', () => {
    const g = new Float64Array(2);
    const v = focalLoss([800, -800], [0, 1], [1, 1], 0.25, 2, g);
    expect(Number.isFinite(v)).toBe(true);
    expect(g.every(Number.isFinite)).toBe(true);
  });
});

describe('confidence loss', () => {
  it('matches -a y ln p - b (1 - y) ln(1 - p) by hand', () => {
    const p = 1 / (1 + Math.exp(-0.7));
    expect(confidenceLoss([0.7], [1], [1], 3, 5)).toBeCloseTo(-3 * Math.log(p), 12);
    expect(confidenceLoss([0.7], [0], [1], 3, 5)).toBeCloseTo(-5 * Math.log(1 - p), 12);
  });
  it('gradient matches finite differences', () => {
    const { x, y, w } = data(7);
    const g = new Float64Array(n);
    confidenceLoss(x, y, w, 1.7, 0.6, g);
    const fd = numericGradient((v) => confidenceLoss(v, y, w, 1.7, 0.6), x);
    expect(worstError(g, fd, 1e-8, 1e-5)).toBeLessThan(1);
  });
});

describe('Huber loss', () => {
  it('matches hand values on both branches', () => {
    expect(huberLoss([0.5], [0], [1], 1)).toBeCloseTo(0.125, 12);
    expect(huberLoss([3], [0], [1], 1)).toBeCloseTo(2.5, 12);
    expect(huberLoss([-3], [1], [1], 2)).toBeCloseTo(2 * (4 - 1), 12);
    expect(huberLoss([1], [0], [1], 1)).toBeCloseTo(0.5, 12); // at the threshold both branches agree
    expect(huberLoss([3, 5], [0, 0], [2, 0], 1)).toBeCloseTo(5, 12);
  });
  it('gradient matches finite differences', () => {
    const { x, y, w } = data(9);
    const target = Float64Array.from(y, (v, i) => v * 2 - x[i] * 0.3);
    const g = new Float64Array(n);
    huberLoss(x, target, w, 0.8, g);
    const fd = numericGradient((v) => huberLoss(v, target, w, 0.8), x);
    expect(worstError(g, fd, 1e-7, 1e-5)).toBeLessThan(1);
  });
});

describe('soft F-beta loss', () => {
  it('equals 1 - (1+b^2) P R / (b^2 P + R) from hand soft precision and recall', () => {
    const x = [2, -1, 0.5, 3, -2];
    const y = [1, 1, 0, 0, 1];
    const p = x.map((v) => 1 / (1 + Math.exp(-v)));
    const tp = p[0] + p[1] + p[4];
    const fp = p[2] + p[3];
    const fn = 1 - p[0] + (1 - p[1]) + (1 - p[4]);
    const P = tp / (tp + fp), R = tp / (tp + fn);
    for (const beta of [0.5, 1, 2, 3]) {
      const b2 = beta * beta;
      const want = 1 - ((1 + b2) * P * R) / (b2 * P + R);
      expect(softFbetaLoss(x, y, [1, 1, 1, 1, 1], beta, 0)).toBeCloseTo(want, 12);
    }
  });
  it('weights act as sample multiplicities', () => {
    const x = [2, -1, 0.5];
    const y = [1, 1, 0];
    expect(softFbetaLoss(x, y, [2, 1, 1], 2, 0)).toBeCloseTo(softFbetaLoss([2, 2, -1, 0.5], [1, 1, 1, 0], [1, 1, 1, 1], 2, 0), 12);
  });
  it('gradient matches finite differences', () => {
    const { x, y, w } = data(11);
    const g = new Float64Array(n);
    softFbetaLoss(x, y, w, 2, 1e-6, g);
    const fd = numericGradient((v) => softFbetaLoss(v, y, w, 2, 1e-6), x);
    expect(worstError(g, fd, 1e-9, 1e-5)).toBeLessThan(1);
  });
});
