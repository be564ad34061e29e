/**
 * Channel pruning (src/search/prune.ts). The oracle is the original model with the pruned channels
 * silenced by hand: every conv that produces one of them has that output zeroed (BatchNorm gamma
 * and beta, or weight and bias where it has no BatchNorm), written here from the architecture of
 * src/nn/model/detector.ts independently of prune.ts's site table. Such channels are then dead
 * (importance -Infinity, so pruning picks them) and contribute nothing, so the pruned model's
 * forward must equal the silenced original's.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/nn/tensor.js';
import { Detector } from '../../src/nn/model/detector.js';
import { Rng } from '../../src/nn/layers/rng.js';
import { loadDetectorConfig } from '../../src/nn/model/config.js';
import { channelImportance, detectorWidths, pruneDetector } from '../../src/search/prune.js';

// The channel indices below are written for FPN 16 / head 32: a pinned architecture, not the shipped one.
const config = loadDetectorConfig('test/support/detector-session4.json');

/** Random BatchNorm statistics and affines, so BN shifts are non-zero and channels differ. */
function randomised(seed: number): Detector {
  const model = new Detector(config, seed);
  const rng = new Rng(seed + 100);
  for (const p of model.parameters()) {
    if (/bn\.(gamma|beta)$|\.bias$/.test(p.name)) for (let i = 0; i < p.tensor.size; i++) p.tensor.data[i] = 0.5 + rng.normal() * 0.3;
  }
  for (const b of model.buffers()) {
    for (let i = 0; i < b.data.length; i++) b.data[i] = b.name.endsWith('runningVar') ? 0.5 + rng.next() : rng.normal() * 0.2;
  }
  model.setTraining(false);
  return model;
}

/** Zeroes output channels `channels` of the conv blocks at these parameter prefixes. */
function silence(model: Detector, prefixes: string[], channels: number[]): void {
  const params = new Map(model.parameters().map((p) => [p.name, p.tensor]));
  for (const prefix of prefixes) {
    const gamma = params.get(`${prefix}.bn.gamma`);
    const zero = (t: Tensor | undefined): void => {
      if (!t) return;
      const cout = t.shape[t.shape.length - 1]!;
      for (let i = 0; i < t.size; i++) if (channels.includes(i % cout)) t.data[i] = 0;
    };
    if (gamma) {
      zero(gamma);
      zero(params.get(`${prefix}.bn.beta`));
    } else {
      zero(params.get(`${prefix}.conv.weight`) ?? params.get(`${prefix}.weight`));
      zero(params.get(`${prefix}.conv.bias`) ?? params.get(`${prefix}.bias`));
    }
  }
}

function input(seed: number): Tensor {
  const rng = new Rng(seed);
  const x = new Tensor([2, config.input.height, config.input.width, config.input.channels]);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();
  return x;
}

function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let worst = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  expect(scale).toBeGreaterThan(0.01);
  expect(worst).toBeLessThan(1e-5 * scale);
}

describe('pruneDetector', () => {
  it('removing dead channels of every space leaves the forward unchanged', () => {
    const original = randomised(3);
    // The default widths: stage1 8, stage2 16, stage3 24, stage4 32, fpn 16, head 32.
    silence(original, ['backbone.stage1.conv'], [1, 5]);
    silence(original, ['backbone.stage2.conv'], [3, 9]);
    silence(original, ['backbone.stage2.sppf.reduce'], [2]); // hidden 8 -> 7
    silence(original, ['backbone.stage2.sppf.fuse'], [0, 7]); // p1
    silence(original, ['backbone.stage3.conv', 'backbone.stage3.depthwise'], [4, 10]);
    silence(original, ['backbone.stage3.sppf.reduce'], [1, 6]); // hidden (24+16)/2 = 20 -> (22+14)/2 = 18
    silence(original, ['backbone.stage3.sppf.fuse'], [2, 20]); // p2
    silence(original, ['backbone.stage4.conv', 'backbone.stage4.depthwise'], [0, 31]);
    // FPN: lateral channel 3 of l1, 7 of l2, 15 of l3, and where the fused maps carry them
    // (fused = [l1, l2, l3], 48 channels; fpn.p3's input = [fused, l3], 64 channels).
    silence(original, ['fpn.lateral1'], [3]);
    silence(original, ['fpn.lateral2'], [7]);
    silence(original, ['fpn.lateral3'], [15]);
    silence(original, ['fpn.p2', 'head.p2.spread.depthwise'], [3, 16 + 7, 32 + 15]);
    silence(original, ['fpn.p3', 'head.p3.spread.depthwise'], [3, 16 + 7, 32 + 15, 48 + 15]);
    silence(original, ['head.p2.spread.pointwise', 'head.p2.predict.depthwise'], [5, 6]);
    silence(original, ['head.p3.spread.pointwise', 'head.p3.predict.depthwise'], [0, 1]);

    const widths = { stage1: 6, stage2: 14, stage3: 22, stage4: 30, fpn: 15, head: 30 };
    const { model, kept } = pruneDetector(original, widths);
    expect(detectorWidths(model.config)).toEqual(widths);
    expect(kept.s1).not.toContain(1);
    expect(kept.l3).not.toContain(15);
    expect(model.parameterCount()).toBeLessThan(original.parameterCount());
    const x = input(7);
    expectClose(model.forward(null, x).data, original.forward(null, x).data);
  });

  it('keeps the most important channels and changes the output when live channels go', () => {
    const original = randomised(5);
    const score = channelImportance(original);
    const widths = { ...detectorWidths(config), stage4: 16 };
    const { kept, model } = pruneDetector(original, widths);
    const s4 = score.s4;
    const dropped = Array.from(s4.keys()).filter((k) => !kept.s4!.includes(k));
    expect(Math.min(...kept.s4!.map((k) => s4[k]!))).toBeGreaterThanOrEqual(Math.max(...dropped.map((k) => s4[k]!)));
    const x = input(2);
    const a = model.forward(null, x).data, b = original.forward(null, x).data;
    expect(a.some((v, i) => Math.abs(v - b[i]!) > 1e-3)).toBe(true);
  });

  it('counts the convs reading a channel: a strongly made channel no consumer reads goes first', () => {
    // Stage 4's channel 3 gets the largest BatchNorm scale of its conv, but fpn.lateral3, its only
    // reader (input channels 0..31 are stage 4's, detector.ts concat order), ignores it.
    const original = randomised(6);
    const params = new Map(original.parameters().map((p) => [p.name, p.tensor]));
    params.get('backbone.stage4.conv.bn.gamma')!.data[3] = 10;
    params.get('backbone.stage4.depthwise.bn.gamma')!.data[3] = 10;
    const lateral = params.get('fpn.lateral3.conv.weight')!;
    const [kh, kw, cin, cout] = lateral.shape as [number, number, number, number];
    for (let tap = 0; tap < kh * kw; tap++) for (let co = 0; co < cout; co++) lateral.data[(tap * cin + 3) * cout + co] = 1e-6;
    const widths = { ...detectorWidths(config), stage4: 16 };
    expect(channelImportance(original).s4[3]).toBe(Math.min(...channelImportance(original).s4));
    expect(channelImportance(original, false).s4[3]).toBe(Math.max(...channelImportance(original, false).s4));
    expect(pruneDetector(original, widths).kept.s4).not.toContain(3);
  });

  it('rejects widths above the source model', () => {
    const original = randomised(1);
    expect(() => pruneDetector(original, { ...detectorWidths(config), fpn: 17 })).toThrow(/fpn width 17 must be an integer in 1..16/);
  });
});
