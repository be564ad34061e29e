// Finite-difference gradient checks of every differentiable op (see gradcheck.ts for tolerances).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/nn/layers/rng.js';
import {
  activation, add, avgPool, channelPool, concatChannels, conv2d, downsampleStrided, flattenConcat,
  globalPool, maxPool, reshape, resizeNearest, scale, upsampleNearest,
} from '../../../src/nn/layers/ops.js';
import type { ConvSpec } from '../../../src/nn/kernels/conv-geometry.js';
import { gradCheck, randomTensor, spacedTensor } from './gradcheck.js';

function expectPass(r: ReturnType<typeof gradCheck>): void {
  expect(r.failures).toEqual([]);
  expect(r.probes).toBeGreaterThan(0);
}

describe('conv2d gradients (input, weight, bias)', () => {
  const cases: Array<[string, number, ConvSpec]> = [
    ['3x3 same', 3, { cout: 5, kh: 3, kw: 3, pad: 'same' }],
    ['3x3 stride 2 pad 1', 3, { cout: 4, kh: 3, kw: 3, stride: 2, pad: 1 }],
    ['5x3 no padding', 2, { cout: 3, kh: 5, kw: 3 }],
    ['1x1 pointwise', 6, { cout: 4, kh: 1, kw: 1 }],
    ['1x1 stride 2', 4, { cout: 3, kh: 1, kw: 1, stride: 2 }],
    ['3x3 groups 2', 4, { cout: 6, kh: 3, kw: 3, pad: 1, groups: 2 }],
    ['3x3 depthwise', 5, { cout: 5, kh: 3, kw: 3, pad: 'same', groups: 5 }],
    ['3x3 depthwise stride 2', 3, { cout: 3, kh: 3, kw: 3, stride: 2, pad: 1, groups: 3 }],
    ['1x1 depthwise', 4, { cout: 4, kh: 1, kw: 1, groups: 4 }],
  ];
  for (const [name, cin, spec] of cases) {
    it(name, () => {
      const rng = new Rng(11);
      const x = randomTensor([2, 7, 6, cin], rng);
      const w = randomTensor([spec.kh, spec.kw, cin / (spec.groups ?? 1), spec.cout], rng, 0.5);
      const b = randomTensor([spec.cout], rng);
      expectPass(gradCheck((t) => conv2d(t, x, w, b, spec), [['x', x], ['w', w], ['b', b]], rng));
    });
  }
});

describe('pooling gradients', () => {
  it('max pool 2x2 stride 2', () => {
    const rng = new Rng(2);
    const x = spacedTensor([2, 6, 4, 3], rng);
    expectPass(gradCheck((t) => maxPool(t, x, { k: 2, stride: 2, pad: 0 }), [['x', x]], rng, { eps: 1e-3 }));
  });
  it('max pool 3x3 stride 1 pad 1 (SPPF form)', () => {
    const rng = new Rng(3);
    const x = spacedTensor([1, 5, 6, 2], rng);
    expectPass(gradCheck((t) => maxPool(t, x, { k: 3, stride: 1, pad: 1 }), [['x', x]], rng, { eps: 1e-3 }));
  });
  it('avg pool 3x3 stride 2 pad 1', () => {
    const rng = new Rng(4);
    const x = randomTensor([2, 5, 6, 3], rng);
    expectPass(gradCheck((t) => avgPool(t, x, { k: 3, stride: 2, pad: 1 }), [['x', x]], rng));
  });
  for (const kind of ['avg', 'max'] as const) {
    it(`global ${kind} pool`, () => {
      const rng = new Rng(5);
      const x = spacedTensor([2, 3, 4, 3], rng);
      expectPass(gradCheck((t) => globalPool(t, x, kind), [['x', x]], rng, { eps: 1e-3 }));
    });
    it(`channel ${kind} pool`, () => {
      const rng = new Rng(6);
      const x = spacedTensor([2, 3, 2, 5], rng);
      expectPass(gradCheck((t) => channelPool(t, x, kind), [['x', x]], rng, { eps: 1e-3 }));
    });
  }
});

describe('activation gradients', () => {
  for (const kind of ['relu', 'relu6', 'leaky', 'sigmoid'] as const) {
    it(kind, () => {
      const rng = new Rng(7);
      // spaced values in [-4.8, 4.8] plus a few above 6 for relu6; none within 1e-2 of a kink
      const x = spacedTensor([1, 4, 4, 6], rng, 0.1);
      for (let i = 0; i < 5; i++) x.data[i] = 6.5 + i * 0.1;
      expectPass(gradCheck((t) => activation(t, x, kind, 0.1), [['x', x]], rng, { maxProbes: 96 }));
    });
  }
});

describe('structural op gradients', () => {
  it('concat (three inputs)', () => {
    const rng = new Rng(8);
    const a = randomTensor([2, 3, 2, 2], rng), b = randomTensor([2, 3, 2, 3], rng), c = randomTensor([2, 3, 2, 1], rng);
    expectPass(gradCheck((t) => concatChannels(t, [a, b, c]), [['a', a], ['b', b], ['c', c]], rng));
  });
  it('nearest upsample x2', () => {
    const rng = new Rng(9);
    const x = randomTensor([2, 3, 2, 3], rng);
    expectPass(gradCheck((t) => upsampleNearest(t, x, 2), [['x', x]], rng));
  });
  it('strided downsample x2 (odd size)', () => {
    const rng = new Rng(10);
    const x = randomTensor([2, 5, 4, 2], rng);
    expectPass(gradCheck((t) => downsampleStrided(t, x, 2), [['x', x]], rng));
  });
  it('nearest resize to a non-integer ratio', () => {
    const rng = new Rng(12);
    const x = randomTensor([1, 3, 5, 2], rng);
    expectPass(gradCheck((t) => resizeNearest(t, x, 5, 3), [['x', x]], rng));
  });
  it('add and broadcast scale (per channel and per pixel)', () => {
    const rng = new Rng(13);
    const x = randomTensor([2, 3, 3, 4], rng), y = randomTensor([2, 3, 3, 4], rng);
    const sc = randomTensor([2, 1, 1, 4], rng), sp = randomTensor([2, 3, 3, 1], rng);
    expectPass(gradCheck((t) => scale(t, scale(t, add(t, x, y), sc), sp), [['x', x], ['y', y], ['sc', sc], ['sp', sp]], rng));
  });
  it('flatten-concat and reshape (head output assembly)', () => {
    const rng = new Rng(14);
    const a = randomTensor([2, 2, 2, 6], rng), b = randomTensor([2, 1, 1, 6], rng);
    expectPass(gradCheck((t) => reshape(t, flattenConcat(t, [a, b]), [2, 10, 3]), [['a', a], ['b', b]], rng));
  });
});
