/**
 * BatchNorm recalibration (src/search/recalibrate.ts): statistics thrown away (mean 0, variance 1)
 * are re-estimated well enough that the shipped model's held-out accuracy comes back, the estimate
 * equals the mean and variance of the BatchNorm's input measured directly on the same frames (first
 * BatchNorm: its input is the first conv of the frame), and it does not depend on the batch order.
 */
import { describe, expect, it } from 'vitest';
import { fromWeightsFile, readWeightsFile } from '../../src/nn/model/serialize.js';
import { heldOutAccuracy, setupFromWeightsFile } from '../../src/search/fine-tune.js';
import { recalibrateBatchNorm, RECALIBRATION_SEED } from '../../src/search/recalibrate.js';
import { openFrameSource } from '../../src/nn/train/frames.js';
import { inputTensor } from '../../src/nn/train/batch.js';

const file = readWeightsFile('models/detector-default.weights.json');
const setup = setupFromWeightsFile(file);
const load = () => fromWeightsFile(file, 'shipped').model;
const FIRST_BN = 'backbone.stage1.conv.bn';

describe('recalibrateBatchNorm', () => {
  it('brings back the accuracy of a model whose statistics were reset', () => {
    const shipped = heldOutAccuracy(load(), setup, 64).mAP50;
    const broken = load();
    for (const b of broken.buffers()) b.data.fill(b.name.endsWith('runningVar') ? 1 : 0);
    const brokenMap = heldOutAccuracy(broken, setup, 64).mAP50;
    recalibrateBatchNorm(broken, setup.inputTransform, setup.augment, 256, RECALIBRATION_SEED, setup.scenes);
    const recalibrated = heldOutAccuracy(broken, setup, 64).mAP50;
    expect(brokenMap).toBeLessThan(shipped - 0.2);
    expect(recalibrated).toBeGreaterThan(shipped - 0.05);
  }, 120_000);

  it('the first BatchNorm gets the mean and variance of its input over the frames', () => {
    const model = load();
    const frames = 64;
    recalibrateBatchNorm(model, setup.inputTransform, { flip: false, cutmix: null }, frames, RECALIBRATION_SEED, setup.scenes);
    const buffers = new Map(model.buffers().map((b) => [b.name, b.data]));
    const conv = model.stage1Conv.conv;
    const source = openFrameSource({ ...setup.scenes, kind: 'synthetic', seed: RECALIBRATION_SEED, trainFrames: frames, valFrames: 0 });
    const cout = conv.spec.cout;
    // Two batches of 32 (the module's batch): the average of their means and unbiased variances,
    // plus the variance of the two means.
    const mean = new Float64Array(cout), variance = new Float64Array(cout), square = new Float64Array(cout);
    for (let s = 0; s < frames; s += 32) {
      const x = inputTensor(Array.from({ length: 32 }, (_, i) => source.train(s + i)), setup.inputTransform);
      const y = conv.forward(null, x).data;
      const rows = y.length / cout;
      for (let c = 0; c < cout; c++) {
        let sum = 0, sq = 0;
        for (let r = 0; r < rows; r++) sum += y[r * cout + c]!;
        const m = sum / rows;
        for (let r = 0; r < rows; r++) sq += (y[r * cout + c]! - m) ** 2;
        mean[c] += m / 2;
        square[c] += (m * m) / 2;
        variance[c] += sq / (rows - 1) / 2;
      }
    }
    for (let c = 0; c < cout; c++) variance[c] += square[c]! - mean[c]! ** 2;
    const runningMean = buffers.get(`${FIRST_BN}.runningMean`)!, runningVar = buffers.get(`${FIRST_BN}.runningVar`)!;
    for (let c = 0; c < cout; c++) {
      expect(runningMean[c]).toBeCloseTo(mean[c]!, 3);
      expect(runningVar[c]! / variance[c]!).toBeCloseTo(1, 3);
    }
  });
});
