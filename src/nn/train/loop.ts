/**
 * The training loop: epochs over a shuffled frame set, data-parallel gradient steps (pool.ts),
 * AdamW with warm-up + cosine schedule, validation (loss, mAP, F1 via src/nn/eval) after every
 * epoch, checkpoints with resume. Progress and metrics go to hooks; rendering is the CLI's job.
 */
import { Rng } from '../layers/rng.js';
import { Detector } from '../model/detector.js';
import type { DetectorConfig } from '../model/config.js';
import { loadState, flattenBuffers, flattenParameters, unflattenBuffers, type InputTransform, type WeightsFile } from '../model/serialize.js';
import { Adam } from '../optim/adam.js';
import { learningRateAt } from '../optim/schedule.js';
import type { LossConfig } from '../loss/index.js';
import { ShardPool } from './pool.js';
import type { FrameSourceSpec } from './frames.js';
import type { AugmentOptions } from './batch.js';
import { readCheckpoint, restoreOptimizer, saveCheckpoint } from './checkpoint.js';
import { validate, type ValidationMetrics } from './validate.js';

export interface TrainOptions {
  config: DetectorConfig;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupEpochs: number;
  /** Threads computing gradients, main thread included. */
  threads: number;
  seed: number;
  frames: FrameSourceSpec;
  loss: LossConfig;
  augment: AugmentOptions;
  inputTransform: InputTransform;
  checkpointPath?: string;
  resumeFrom?: string;
  /** After training, move the best-F1 validation threshold to score 0.5 (score-calibration.ts). */
  calibrateScore?: boolean;
  /** Start from these weights instead of a fresh initialisation (fine-tuning a pruned model, src/search). */
  initialWeights?: Pick<WeightsFile, 'tensors' | 'buffers'>;
}

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  terms: Record<string, number>;
  samplesPerSecond: number;
  lr: number;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainTerms: Record<string, number>;
  samplesPerSecond: number;
  seconds: number;
  lr: number;
  val: ValidationMetrics | null;
}

export interface TrainHooks {
  onStep?(info: StepInfo): void;
  onEpoch?(metrics: EpochMetrics): void;
}

export interface TrainResult {
  model: Detector;
  history: EpochMetrics[];
}

export async function train(options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const model = new Detector(options.config, options.seed);
  if (options.initialWeights) loadState(model, options.initialWeights, 'initial weights');
  const params = model.parameters();
  const optimizer = new Adam(params, { lr: options.lr, weightDecay: options.weightDecay, decoupled: true, clipNorm: 10 });
  const rng = new Rng(options.seed ^ 0x5eed);
  const identity = { config: options.config, batchSize: options.batchSize, seed: options.seed, frames: summariseFrames(options.frames) };
  let history: EpochMetrics[] = [];
  let startEpoch = 0;
  if (options.resumeFrom) {
    const checkpoint = readCheckpoint(options.resumeFrom);
    if (JSON.stringify(checkpoint.identity) !== JSON.stringify(identity)) {
      throw new Error(`${options.resumeFrom}: checkpoint was made with a different config, batch size, seed or frame set`);
    }
    loadState(model, checkpoint.weights, options.resumeFrom);
    restoreOptimizer(optimizer, checkpoint);
    rng.setState(checkpoint.rng);
    startEpoch = checkpoint.epoch;
    history = checkpoint.history as EpochMetrics[];
  }

  const pool = await ShardPool.create({
    config: options.config, loss: options.loss, augment: options.augment,
    inputTransform: options.inputTransform, frames: options.frames,
  }, options.threads);
  try {
    const source = pool.local.source;
    const trainCount = source.trainCount;
    const stepsPerEpoch = Math.max(1, Math.floor(trainCount / options.batchSize));
    const schedule = {
      lr: options.lr, warmupSteps: Math.round(options.warmupEpochs * stepsPerEpoch),
      totalSteps: options.epochs * stepsPerEpoch,
    };
    for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      model.setTraining(true);
      // a fresh permutation per epoch depends only on the RNG state, which checkpoints restore
      const order = Array.from({ length: trainCount }, (_, i) => i);
      rng.shuffle(order);
      const started = performance.now();
      let lossSum = 0, samples = 0;
      const termSums: Record<string, number> = {};
      for (let s = 0; s < stepsPerEpoch; s++) {
        optimizer.lr = learningRateAt(schedule, optimizer.step);
        const batch = order.slice(s * options.batchSize, (s + 1) * options.batchSize).map((i) => source.trainIndex(epoch, i));
        const result = await pool.step(flattenParameters(model), flattenBuffers(model), batch, rng.nextUint32());
        let o = 0;
        for (const p of params) {
          p.tensor.gradBuffer().set(result.gradients.subarray(o, o + p.tensor.size));
          o += p.tensor.size;
        }
        unflattenBuffers(model, result.buffers);
        optimizer.update();
        lossSum += result.loss * result.samples;
        samples += result.samples;
        for (const [k, v] of Object.entries(result.terms)) termSums[k] = (termSums[k] ?? 0) + v * result.samples;
        const seconds = (performance.now() - started) / 1000;
        hooks.onStep?.({
          epoch, step: s, stepsPerEpoch, loss: result.loss, terms: result.terms,
          samplesPerSecond: samples / seconds, lr: optimizer.lr,
        });
      }
      const seconds = (performance.now() - started) / 1000;
      const val = pool.local.source.valCount > 0
        ? validate(model, pool.local.source, options.loss, options.inputTransform, pool.local.anchors)
        : null;
      const metrics: EpochMetrics = {
        epoch: epoch + 1, trainLoss: lossSum / samples,
        trainTerms: Object.fromEntries(Object.entries(termSums).map(([k, v]) => [k, v / samples])),
        samplesPerSecond: samples / seconds, seconds, lr: optimizer.lr, val,
      };
      history.push(metrics);
      if (options.checkpointPath) {
        saveCheckpoint(options.checkpointPath, model, options.inputTransform, optimizer, rng, epoch + 1, identity, history);
      }
      hooks.onEpoch?.(metrics);
    }
  } finally {
    await pool.close();
  }
  model.setTraining(false);
  return { model, history };
}

function summariseFrames(spec: FrameSourceSpec): unknown {
  return spec.kind === 'synthetic' ? spec : { kind: 'list', train: spec.train.length, val: spec.val.length };
}
