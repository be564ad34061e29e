// Finite-difference gradient checks of the layers: BatchNorm (train mode), conv blocks, CBAM
// channel/spatial attention, SPPF, depthwise-separable conv; plus a check that the checker
// itself rejects a wrong backward.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/nn/layers/rng.js';
import { Tensor, type Tape } from '../../../src/nn/tensor.js';
import { BatchNorm, ConvBlock } from '../../../src/nn/layers/basic.js';
import { Cbam, ChannelAttention, DepthwiseSeparable, SpatialAttention, Sppf } from '../../../src/nn/layers/blocks.js';
import type { Layer } from '../../../src/nn/layers/layer.js';
import { activation } from '../../../src/nn/layers/ops.js';
import { gradCheck, randomTensor, spacedTensor } from './gradcheck.js';

function checkLayer(layer: Layer, x: Tensor, rng: Rng, options = {}): ReturnType<typeof gradCheck> {
  const wrt: Array<[string, Tensor]> = [['input', x], ...layer.parameters().map((p) => [p.name, p.tensor] as [string, Tensor])];
  // parameters start at tidy values (BN gamma = 1, beta = 0); randomise so every path carries signal
  for (const p of layer.parameters()) for (let i = 0; i < p.tensor.size; i++) p.tensor.data[i] += rng.normal() * 0.2;
  return gradCheck((t) => layer.forward(t, x), wrt, rng, options);
}

describe('layer gradients', () => {
  it('BatchNorm in training mode (batch statistics)', () => {
    const rng = new Rng(21);
    const bn = new BatchNorm(3);
    const x = randomTensor([3, 4, 2, 3], rng, 2);
    const r = checkLayer(bn, x, rng);
    expect(r.failures).toEqual([]);
  });

  it('BatchNorm in eval mode (running statistics)', () => {
    const rng = new Rng(29);
    const bn = new BatchNorm(4);
    for (let i = 0; i < 3; i++) bn.forward(null, randomTensor([2, 3, 3, 4], rng, 3));
    bn.setTraining(false);
    const r = checkLayer(bn, randomTensor([2, 3, 2, 4], rng), rng);
    expect(r.failures).toEqual([]);
  });

  it('conv -> BatchNorm -> leaky ReLU block', () => {
    const rng = new Rng(22);
    const block = new ConvBlock(3, { cout: 4, kh: 3, kw: 3, pad: 'same' }, 'leaky', rng);
    const r = checkLayer(block, randomTensor([2, 5, 4, 3], rng), rng, { eps: 1e-3 });
    expect(r.failures).toEqual([]);
  });

  it('conv -> BatchNorm -> ReLU block (BatchNorm and ReLU fused in training mode)', () => {
    const rng = new Rng(31);
    const block = new ConvBlock(3, { cout: 4, kh: 3, kw: 3, pad: 'same' }, 'relu', rng);
    const x = randomTensor([2, 5, 4, 3], rng);
    const r = checkLayer(block, x, rng, { eps: 1e-3 });
    expect(r.failures).toEqual([]);
    // and the fused pass gives the very bits of BatchNorm followed by a separate ReLU
    const separate = activation(null, block.bn!.forward(null, block.conv.forward(null, x)), 'relu');
    expect(Array.from(block.forward(null, x).data)).toEqual(Array.from(separate.data));
  });

  it('CBAM channel attention (shared MLP over avg and max pools)', () => {
    const rng = new Rng(23);
    const layer = new ChannelAttention(8, 2, rng);
    const r = checkLayer(layer, spacedTensor([2, 3, 3, 8], rng, 0.02), rng, { eps: 1e-3 });
    expect(r.failures).toEqual([]);
  });

  it('CBAM spatial attention (3x3 conv over channel mean and max)', () => {
    const rng = new Rng(24);
    const layer = new SpatialAttention(3, rng);
    const r = checkLayer(layer, spacedTensor([2, 4, 3, 5], rng, 0.02), rng, { eps: 1e-3 });
    expect(r.failures).toEqual([]);
  });

  it('CBAM (channel then spatial attention)', () => {
    const rng = new Rng(25);
    const layer = new Cbam(6, 3, 3, rng);
    const r = checkLayer(layer, spacedTensor([2, 4, 4, 6], rng, 0.02), rng, { eps: 1e-3 });
    expect(r.failures).toEqual([]);
  });

  it('SPPF (chained max pools, concat, 1x1 convs with BatchNorm)', () => {
    const rng = new Rng(26);
    const layer = new Sppf(4, 5, 3, 'leaky', rng);
    const r = checkLayer(layer, randomTensor([2, 5, 4, 4], rng), rng, { eps: 1e-3 });
    // Through BatchNorm one input moves every value of its channel, so some max-pool winners swap
    // within any eps large enough to beat float32 noise (measured: eps 1e-2 -> 5 kinks, 3e-4 ->
    // 6 noisy entries). At eps 1e-3 the gradient vector agrees to 3e-4 relative error; allow at
    // most one entry of the ~120 probed to be hit by a kink or noise.
    expect(r.failures.length).toBeLessThanOrEqual(1);
    expect(r.relativeError).toBeLessThan(2e-3);
  });

  it('depthwise-separable conv, linear output (head form)', () => {
    const rng = new Rng(27);
    const layer = new DepthwiseSeparable(4, 6, 3, 'relu6', rng, true);
    const r = checkLayer(layer, randomTensor([2, 4, 3, 4], rng), rng, { eps: 1e-3 });
    expect(r.failures).toEqual([]);
  });
});

describe('the gradient checker', () => {
  it('rejects an op whose backward is off by a factor', () => {
    const rng = new Rng(28);
    const x = randomTensor([1, 2, 2, 2], rng);
    // y = x^2 with a backward that forgets the factor 2
    const wrongSquare = (t: Tape | null): Tensor => {
      const y = new Tensor(x.shape);
      y.requiresGrad = true;
      for (let i = 0; i < x.size; i++) y.data[i] = x.data[i]! * x.data[i]!;
      t?.record(() => {
        const g = x.gradBuffer();
        for (let i = 0; i < x.size; i++) g[i] += y.grad![i]! * x.data[i]!;
      });
      return y;
    };
    const r = gradCheck(wrongSquare, [['x', x]], rng);
    expect(r.failures.length).toBeGreaterThan(0);
  });
});
