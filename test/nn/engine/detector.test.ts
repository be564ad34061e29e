// The detector as a whole: output layout, end-to-end gradient check on a tiny config, BatchNorm
// folding (folded output == unfolded eval-mode output) and the default config's size.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/nn/layers/rng.js';
import { Tensor } from '../../../src/nn/tensor.js';
import { loadDetectorConfig, type DetectorConfig } from '../../../src/nn/model/config.js';
import { tinyConfig } from './tiny-config.js';
import { Detector, detectorAnchorSpec, foldBatchNorm } from '../../../src/nn/model/detector.js';
import { buildAnchors } from '../../../src/nn/detect/anchors.js';
import { gradCheck, randomTensor } from './gradcheck.js';
import { fromWeightsFile, readWeightsFile } from '../../../src/nn/model/serialize.js';
import { openFrameSource } from '../../../src/nn/train/frames.js';
import { validate } from '../../../src/nn/train/validate.js';
import { makeLossConfig } from '../../../src/nn/loss/config.js';

describe('detector', () => {
  it('emits [N, anchors, 4 + classes] in the anchor order of src/nn/detect', () => {
    const config = tinyConfig();
    const model = new Detector(config, 3);
    const out = model.forward(null, randomTensor([2, 8, 16, 1], new Rng(1), 1, false));
    const anchors = buildAnchors(detectorAnchorSpec(config));
    // p2_out is 4x2 cells, p3_out 2x1 cells, 2 anchors each: (8 + 2) * 2 = 20
    expect(anchors.count).toBe(20);
    expect(out.shape).toEqual([2, 20, 5]);
  });

  function endToEnd(activation: string, eps: number): ReturnType<typeof gradCheck> {
    const rng = new Rng(31);
    // sigmoid is not a deployable activation (validation rejects it); here it makes the network
    // smooth so finite differences see no kinks (kinks are covered op by op)
    const model = new Detector({ ...tinyConfig(), activation: activation as DetectorConfig['activation'] }, 5);
    for (const p of model.parameters()) for (let i = 0; i < p.tensor.size; i++) p.tensor.data[i] += rng.normal() * 0.1;
    const x = randomTensor([2, 8, 16, 1], rng);
    const wrt: Array<[string, Tensor]> = [['input', x], ...model.parameters().map((p) => [p.name, p.tensor] as [string, Tensor])];
    return gradCheck((t) => model.forward(t, x), wrt, rng, { eps, maxProbes: 3 });
  }

  it('backpropagates correctly end to end (tiny config, smooth activation, every probe)', () => {
    const r = endToEnd('sigmoid', 1e-3);
    expect(r.probes).toBeGreaterThan(150);
    expect(r.failures).toEqual([]);
    expect(r.relativeError).toBeLessThan(1e-3);
  });

  it('backpropagates correctly end to end (tiny config, leaky ReLU, gradient vector)', () => {
    // With kinks, eps must stay below the distance of most pre-activations from 0 (measured:
    // relative error 8e-2 at eps 1e-2, 2e-3 at 1e-3, 4e-4 at 3e-4).
    const r = endToEnd('leaky', 3e-4);
    expect(r.relativeError).toBeLessThan(3e-3);
    expect(r.failures.length).toBeLessThanOrEqual(3);
  });

  it('folded BatchNorm gives the eval-mode output of the unfolded model', () => {
    const rng = new Rng(41);
    const model = new Detector(tinyConfig('relu'), 7);
    // a few training-mode passes give non-trivial running statistics
    for (let i = 0; i < 3; i++) model.forward(null, randomTensor([4, 8, 16, 1], rng, 2, false));
    for (const p of model.parameters()) for (let i = 0; i < p.tensor.size; i++) p.tensor.data[i] += rng.normal() * 0.1;
    const x = randomTensor([3, 8, 16, 1], rng, 1, false);
    model.setTraining(false);
    const before = model.forward(null, x).data.slice();
    const bnCount = model.buffers().length;
    foldBatchNorm(model);
    const after = model.forward(null, x).data;
    expect(bnCount).toBeGreaterThan(0);
    expect(model.buffers().length).toBe(0);
    let worst = 0;
    for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i]! - after[i]!) / (1 + Math.abs(before[i]!)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('default config: 32x24x1 MLX90640 input, one class, 20-60k parameters', () => {
    const config = loadDetectorConfig('models/detector-default.json');
    const model = new Detector(config);
    expect(config.input).toEqual({ width: 32, height: 24, channels: 1 });
    expect(config.classes).toEqual(['person']);
    expect(model.parameterCount()).toBeGreaterThan(20_000);
    expect(model.parameterCount()).toBeLessThan(60_000);
    expect(model.geometry.totalAnchors).toBe((8 * 6 + 4 * 3) * 3);
  });

  it('the shipped trained model loads and finds people in fresh synthetic frames', () => {
    const { model, inputTransform } = fromWeightsFile(readWeightsFile('models/detector-default.weights.json'), 'models/detector-default.weights.json');
    const config = model.config;
    // frames from a seed the training never saw (training used seed 1 and its validation stream)
    const source = openFrameSource({ kind: 'synthetic', seed: 4242, trainFrames: 0, valFrames: 96 });
    const m = validate(model, source, makeLossConfig(), inputTransform, buildAnchors(detectorAnchorSpec(config)));
    expect(m.mAP50).toBeGreaterThan(0.4); // shipped: 0.58 on these 96 frames (0.64 on 512)
    expect(m.f1).toBeGreaterThan(0.45); // shipped: 0.65
    // and through the 110° lens, which the session-3 model never trained on (it scored mAP@0.5 0.16 here)
    const wide = openFrameSource({ kind: 'synthetic', seed: 4242, trainFrames: 0, valFrames: 96, sensors: ['mlx90640-wide'] });
    const w = validate(model, wide, makeLossConfig(), inputTransform, buildAnchors(detectorAnchorSpec(config)));
    expect(w.mAP50).toBeGreaterThan(0.35); // shipped: 0.45
    expect(w.f1).toBeGreaterThan(0.4); // shipped: 0.53
  });
});

