/**
 * `mcusim train`'s parsed flags -> the trainer's TrainOptions: every flag checked and named in a
 * one-line UserError, the loss options through src/cli/loss-options.ts. The trainer (src/nn/train)
 * never sees command-line arguments.
 */
import { availableParallelism } from 'node:os';
import { UserError } from '../common/errors.js';
import type { TrainArgs } from './train.js';
import { lossOverridesFromArgs } from './loss-options.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from './flags.js';
import { ConfigError, loadDetectorConfig } from '../nn/model/config.js';
import { DEFAULT_INPUT_TRANSFORM } from '../nn/model/serialize.js';
import { makeLossConfig, type LossConfig } from '../nn/loss/config.js';
import { loadDataset } from '../nn/data/dataset-load.js';
import { cutmixConfigFrom } from '../nn/augment/cutmix.js';
import type { FrameSourceSpec } from '../nn/train/frames.js';
import type { TrainOptions } from '../nn/train/loop.js';
import { TRAIN_SCHEDULES, type TrainSchedule } from './train-schedules.js';

function lossFromArgs(args: TrainArgs): LossConfig {
  try {
    return makeLossConfig(lossOverridesFromArgs(args));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

function framesFromArgs(args: TrainArgs): FrameSourceSpec {
  if (args.data) {
    const train = loadDataset(args.data, { split: 'train' }).frames;
    const val = loadDataset(args.data, { split: 'val' }).frames;
    if (train.length === 0) throw new UserError(`${args.data}: the train split has no frames`);
    return { kind: 'list', train, val };
  }
  const sensors = args.sensors.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const s of sensors) {
    if (!TRAIN_SENSOR_CHOICES.includes(s)) throw new UserError(`--sensors: unknown sensor '${s}' (choose ${TRAIN_SENSOR_CHOICES.join(', ')})`);
  }
  if (sensors.length === 0) throw new UserError('--sensors: name at least one sensor');
  return {
    kind: 'synthetic', seed: args.seed,
    trainFrames: positiveInteger(args.trainFrames ?? scheduleOf(args).trainFrames, 'train-frames'),
    valFrames: positiveInteger(args.valFrames, 'val-frames'),
    sensors, fresh: args.freshFrames,
  };
}

/** The 32x24 lenses one detector can train on together (the Lepton's 80x60 frames do not fit its input). */
const TRAIN_SENSOR_CHOICES = ['mlx90640', 'mlx90640-wide'];

function scheduleOf(args: TrainArgs): TrainSchedule {
  return TRAIN_SCHEDULES[(args.schedule ?? 'default') as keyof typeof TRAIN_SCHEDULES];
}

export function trainOptionsFromArgs(args: TrainArgs): TrainOptions {
  let config;
  try {
    config = loadDetectorConfig(args.config);
  } catch (e) {
    if (e instanceof ConfigError) throw new UserError(e.message);
    throw e;
  }
  const loss = lossFromArgs(args);
  if (loss.numClasses !== config.classes.length) {
    throw new UserError(`--num-classes ${loss.numClasses} does not match ${args.config}: classes (${config.classes.length})`);
  }
  return {
    config,
    epochs: positiveInteger(args.epochs ?? scheduleOf(args).epochs, 'epochs'),
    batchSize: positiveInteger(args.batchSize, 'batch-size'),
    lr: positiveNumber(args.lr, 'lr'),
    weightDecay: positiveNumber(args.weightDecay, 'weight-decay', true),
    warmupEpochs: positiveNumber(args.warmupEpochs, 'warmup-epochs', true),
    threads: args.threads === undefined ? availableParallelism() : positiveInteger(args.threads, 'threads'),
    seed: nonNegativeInteger(args.seed, 'seed'),
    frames: framesFromArgs(args),
    loss,
    augment: { flip: args.flip, cutmix: loss.cutmix ? cutmixConfigFrom(loss) : null },
    inputTransform: DEFAULT_INPUT_TRANSFORM,
    checkpointPath: args.checkpoint,
    calibrateScore: args.calibrateScore,
    resumeFrom: args.resume,
  };
}
