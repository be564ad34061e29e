/**
 * A candidate's accuracy: a short fine-tune of its inherited weights with the project's training
 * loop (src/nn/train/loop.ts, `initialWeights`), then detection metrics on held-out synthetic
 * frames (a seed the shipped model never trained on). Deterministic for the same inputs.
 */
import { train } from '../nn/train/loop.js';
import { validate } from '../nn/train/validate.js';
import { openFrameSource } from '../nn/train/frames.js';
import { buildAnchors } from '../nn/detect/anchors.js';
import { detectorAnchorSpec, type Detector } from '../nn/model/detector.js';
import { defaultLossConfig, type LossConfig } from '../nn/loss/index.js';
import { toWeightsFile, type InputTransform, type WeightsFile } from '../nn/model/serialize.js';
import type { Accuracy } from './state.js';

/** Seed of the held-out evaluation frames: not the training stream's (seed 1) nor its validation offset. */
export const EVAL_SEED = 7_000;
const BATCH = 16;

export interface FineTuneSetup {
  inputTransform: InputTransform;
  loss: LossConfig;
}

/** The loss the model was trained with (its weights file says), else the default. */
export function setupFromWeightsFile(file: WeightsFile): FineTuneSetup {
  const trained = file.training?.loss as LossConfig | undefined;
  const loss = trained ?? { ...defaultLossConfig, numClasses: file.config.classes.length };
  return { inputTransform: file.inputTransform, loss };
}

/**
 * `frames` synthetic training frames, one epoch, from the model's weights; `seed` picks the frames
 * (each step sees fresh ones). Returns the fine-tuned model (a new object).
 */
export async function fineTune(model: Detector, setup: FineTuneSetup, frames: number, seed: number, lr = 2e-3): Promise<Detector> {
  if (frames <= 0) return model;
  const weights = toWeightsFile(model, setup.inputTransform, false);
  const result = await train({
    config: model.config, epochs: 1, batchSize: Math.min(BATCH, frames), lr, weightDecay: 1e-4, warmupEpochs: 0,
    threads: 1, seed, frames: { kind: 'synthetic', seed, trainFrames: frames, valFrames: 0 },
    loss: setup.loss, augment: { flip: true, cutmix: null }, inputTransform: setup.inputTransform,
    initialWeights: weights,
  });
  return result.model;
}

export function heldOutAccuracy(model: Detector, setup: FineTuneSetup, frames: number): Accuracy {
  const source = openFrameSource({ kind: 'synthetic', seed: EVAL_SEED, trainFrames: 0, valFrames: frames });
  const m = validate(model, source, setup.loss, setup.inputTransform, buildAnchors(detectorAnchorSpec(model.config)));
  model.setTraining(false);
  return { mAP50: m.mAP50, f1: m.f1 };
}
