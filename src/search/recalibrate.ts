/**
 * BatchNorm statistics recalibration after pruning: the kept channels of a pruned model see inputs
 * with fewer channels behind them, so the running means and variances inherited from the unpruned
 * model no longer describe their activations, and much of the accuracy lost by a prune is this
 * mismatch rather than lost capacity (the "BN recalibration" of Li et al., "EagleEye", ECCV 2020).
 * The fix needs no gradient: forward passes in training mode over a few hundred frames, with every
 * BatchNorm's running statistics replaced by the plain average of the batch statistics (PyTorch's
 * cumulative average, momentum=None), so the result does not depend on the order of the batches.
 *
 * The frames must be augmented as in training: the weights learnt to work with statistics of
 * augmented batches. Measured on the one-lens model shipped at commit 0af0ff8 (trained with
 * CutMix): recalibrated on plain frames its mAP@0.5 fell from 0.544 to 0.42 (first-conv variance
 * 30-50 % below the trained one).
 */
import { BatchNorm } from '../nn/layers/basic.js';
import type { Layer } from '../nn/layers/layer.js';
import type { Detector } from '../nn/model/detector.js';
import { openFrameSource, type SyntheticSourceSpec } from '../nn/train/frames.js';
import { augmentBatch, inputTensor, type AugmentOptions } from '../nn/train/batch.js';
import { Rng } from '../nn/layers/rng.js';
import type { InputTransform } from '../nn/model/serialize.js';

/** Seed of the recalibration frames: training-distribution frames the held-out score never sees. */
export const RECALIBRATION_SEED = 8_000;
const BATCH = 32;

/** What synthetic frames a model was trained on: generator options and lens mix (src/nn/train/frames.ts). */
export type FrameScenes = Pick<SyntheticSourceSpec, 'generator' | 'sensors'>;

function batchNorms(layer: Layer): BatchNorm[] {
  const own = layer instanceof BatchNorm ? [layer] : [];
  return own.concat(...layer.children().map(([, child]) => batchNorms(child)));
}

/**
 * Re-estimates every BatchNorm's running mean and variance of `model` (in place) on `frames`
 * synthetic training frames. Each batch's statistics are read back from the layer's own running
 * update (the layer keeps no other record of them): with the running values zeroed before the
 * batch, after it they are momentum x the batch's mean and unbiased variance.
 */
export function recalibrateBatchNorm(
  model: Detector, transform: InputTransform, augment: AugmentOptions, frames: number, seed = RECALIBRATION_SEED,
  scenes: FrameScenes = {},
): void {
  const layers = batchNorms(model);
  if (layers.length === 0 || frames <= 0) return;
  const source = openFrameSource({ ...scenes, kind: 'synthetic', seed, trainFrames: frames, valFrames: 0 });
  const rng = new Rng(seed);
  const sums = layers.map((bn) => ({ mean: new Float64Array(bn.channels), square: new Float64Array(bn.channels), variance: new Float64Array(bn.channels) }));
  let batches = 0;
  const wasTraining = model.training;
  model.setTraining(true);
  for (let s = 0; s + 1 < frames; s += BATCH) {
    const count = Math.min(BATCH, frames - s);
    if (count < 2) break;
    for (const bn of layers) {
      bn.runningMean.fill(0);
      bn.runningVar.fill(0);
    }
    const batch = augmentBatch(Array.from({ length: count }, (_, i) => source.train(s + i)), augment, rng);
    model.forward(null, inputTensor(batch, transform));
    layers.forEach((bn, l) => {
      for (let c = 0; c < bn.channels; c++) {
        const mean = bn.runningMean[c]! / bn.momentum;
        sums[l]!.mean[c] += mean;
        sums[l]!.square[c] += mean * mean;
        sums[l]!.variance[c] += bn.runningVar[c]! / bn.momentum;
      }
    });
    batches++;
  }
  layers.forEach((bn, l) => {
    for (let c = 0; c < bn.channels; c++) {
      const mean = sums[l]!.mean[c]! / batches;
      bn.runningMean[c] = mean;
      // The variance over all the frames: within batches plus between the batch means (deep maps
      // are a few pixels, so a batch's mean moves with its frames).
      bn.runningVar[c] = sums[l]!.variance[c]! / batches + Math.max(0, sums[l]!.square[c]! / batches - mean * mean);
    }
  });
  model.setTraining(wasTraining);
}
