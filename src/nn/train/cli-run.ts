/**
 * What `mcusim train` does once yargs has parsed: turn flags into TrainOptions, draw the progress
 * bar (stderr: epoch, loss terms, samples/s, ETA), write metrics JSON after every epoch, and save
 * the trained weights. Config problems surface as one-line UserErrors naming file and field.
 */
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { UserError } from '../../common/errors.js';
import { positiveInteger, positiveNumber, type TrainArgs } from '../../cli/train.js';
import { ConfigError, loadDetectorConfig } from '../model/config.js';
import { DEFAULT_INPUT_TRANSFORM, toWeightsFile } from '../model/serialize.js';
import { LOSS_CONFIG_FIELDS, makeLossConfig, type LossConfig } from '../loss/config.js';
import { loadDataset } from '../data/dataset-load.js';
import { cutmixConfigFrom } from '../augment/cutmix.js';
import type { FrameSourceSpec } from './frames.js';
import { writeFileAtomic } from '../../common/write-atomic.js';
import { train, type EpochMetrics, type StepInfo, type TrainOptions } from './loop.js';

function lossFromArgs(args: TrainArgs): LossConfig {
  const overrides: Record<string, unknown> = {};
  for (const f of LOSS_CONFIG_FIELDS) {
    const camel = f.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = args[f.flag] ?? args[camel];
    if (v !== undefined) overrides[f.key] = v;
  }
  try {
    return makeLossConfig(overrides);
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
  return {
    kind: 'synthetic', seed: args.seed,
    trainFrames: positiveInteger(args.trainFrames, 'train-frames'),
    valFrames: positiveInteger(args.valFrames, 'val-frames'),
  };
}

export function optionsFromArgs(args: TrainArgs): TrainOptions {
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
  if (!Number.isSafeInteger(args.seed) || args.seed < 0) throw new UserError(`--seed: must be a non-negative integer, got ${args.seed}`);
  return {
    config,
    epochs: positiveInteger(args.epochs, 'epochs'),
    batchSize: positiveInteger(args.batchSize, 'batch-size'),
    lr: positiveNumber(args.lr, 'lr'),
    weightDecay: positiveNumber(args.weightDecay, 'weight-decay', true),
    warmupEpochs: positiveNumber(args.warmupEpochs, 'warmup-epochs', true),
    threads: args.threads === undefined ? availableParallelism() : positiveInteger(args.threads, 'threads'),
    seed: args.seed,
    frames: framesFromArgs(args),
    loss,
    augment: { flip: args.flip, cutmix: loss.cutmix ? cutmixConfigFrom(loss) : null },
    inputTransform: DEFAULT_INPUT_TRANSFORM,
    checkpointPath: args.checkpoint,
    resumeFrom: args.resume,
  };
}

function fmt(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(3);
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export async function runTrain(args: TrainArgs): Promise<number> {
  const options = optionsFromArgs(args);
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'epoch {epochNo}/{epochs} {bar} {value}/{total} | loss {loss} (box {box} cls {cls} conf {conf}) | {sps} samples/s | ETA {etaAll}',
    hideCursor: false,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  }, cliProgress.Presets.shades_classic);
  const started = performance.now();
  let firstEpoch = -1;
  let barStarted = false;
  const history: EpochMetrics[] = [];
  const onStep = (s: StepInfo): void => {
    if (firstEpoch < 0) firstEpoch = s.epoch;
    const done = (s.epoch - firstEpoch) * s.stepsPerEpoch + s.step + 1;
    const remaining = (options.epochs - s.epoch) * s.stepsPerEpoch - s.step - 1;
    const perStep = (performance.now() - started) / 1000 / done;
    const payload = {
      epochNo: s.epoch + 1, epochs: options.epochs, loss: fmt(s.loss), box: fmt(s.terms.box),
      cls: fmt(s.terms.clsCombined ?? s.terms.cls), conf: fmt(s.terms.conf), sps: s.samplesPerSecond.toFixed(0),
      etaAll: formatEta(remaining * perStep),
    };
    if (!barStarted) {
      bar.start(s.stepsPerEpoch, s.step + 1, payload);
      barStarted = true;
    } else {
      if (s.step === 0) bar.setTotal(s.stepsPerEpoch);
      bar.update(s.step + 1, payload);
    }
  };
  const onEpoch = (m: EpochMetrics): void => {
    history.push(m);
    const v = m.val;
    bar.stop();
    barStarted = false;
    process.stderr.write(
      `epoch ${m.epoch}: train loss ${fmt(m.trainLoss)}, ${m.samplesPerSecond.toFixed(0)} samples/s, ${m.seconds.toFixed(1)} s` +
      (v ? ` | val loss ${fmt(v.loss)}, mAP@0.5 ${fmt(v.mAP50)}, F1 ${fmt(v.f1)} (P ${fmt(v.precision)} R ${fmt(v.recall)})` : '') + '\n',
    );
    if (args.json) writeFileAtomic(args.json, JSON.stringify({ config: args.config, epochs: history }, null, 2) + '\n');
  };
  const result = await train(options, { onStep, onEpoch });
  bar.stop();
  const last = result.history[result.history.length - 1];
  const weights = toWeightsFile(result.model, options.inputTransform, false, {
    epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed,
    frames: options.frames.kind === 'synthetic' ? options.frames : { kind: 'dataset', dir: args.data },
    loss: options.loss, seconds: (performance.now() - started) / 1000, finalMetrics: last ?? null,
  });
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileAtomic(args.out, JSON.stringify(weights) + '\n');
  process.stderr.write(`trained ${result.model.parameterCount()} parameters in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`${args.out}\n`);
  return 0;
}
