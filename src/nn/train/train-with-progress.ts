/**
 * A training run as `mcusim train` shows it: the progress bar on stderr (epoch, loss terms,
 * samples/s, ETA), the metrics JSON rewritten after every epoch, and the trained weights written
 * atomically; the weights' path is the last stdout line. Takes parsed options (src/cli/train-options.ts
 * turns flags into them).
 */
import cliProgress from 'cli-progress';
import { fromWeightsFile, readWeightsFile, toWeightsFile, type WeightsFile } from '../model/serialize.js';
import type { Detector } from '../model/detector.js';
import { openFrameSource, type FrameSourceSpec } from './frames.js';
import { calibrateScores, type ScoreCalibration } from './score-calibration.js';
import { writeFileAtomic } from '../../common/write-atomic.js';
import { train, type EpochMetrics, type StepInfo, type TrainOptions } from './loop.js';

/** Where a run's results go, and what its metrics file names as its source. */
export interface TrainOutputs {
  /** The trained weights file. */
  weights: string;
  /** Per-epoch metrics JSON, rewritten after every epoch. */
  metricsJson?: string;
  /** The architecture config's path, recorded in the metrics file. */
  configPath: string;
  /** The dataset folder trained on, when not synthetic frames (recorded in the weights file). */
  dataDir?: string;
}

function fmt(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(3);
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export async function trainWithProgress(options: TrainOptions, outputs: TrainOutputs): Promise<void> {
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
    if (outputs.metricsJson) writeFileAtomic(outputs.metricsJson, JSON.stringify({ config: outputs.configPath, epochs: history }, null, 2) + '\n');
  };
  const result = await train(options, { onStep, onEpoch });
  bar.stop();
  const last = result.history[result.history.length - 1];
  const calibration = options.calibrateScore ? calibrateWithProgress(result.model, options) : null;
  const weights = toWeightsFile(result.model, options.inputTransform, false, {
    epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed,
    frames: options.frames.kind === 'synthetic' ? options.frames : { kind: 'dataset', dir: outputs.dataDir },
    loss: options.loss, seconds: (performance.now() - started) / 1000, finalMetrics: last ?? null, scoreCalibration: calibration,
  });
  writeFileAtomic(outputs.weights, JSON.stringify(weights) + '\n');
  process.stderr.write(`trained ${result.model.parameterCount()} parameters in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`${outputs.weights}\n`);
}

/** Synthetic runs calibrate on this many frames of their validation stream (a list source: its val split). */
const CALIBRATION_FRAMES = 1024;

function calibrateWithProgress(model: Detector, options: Pick<TrainOptions, 'frames' | 'inputTransform'>): ScoreCalibration {
  const source = openFrameSource(options.frames);
  const count = options.frames.kind === 'synthetic' ? Math.max(source.valCount, CALIBRATION_FRAMES) : source.valCount;
  if (count === 0) throw new Error('score calibration needs validation frames (--val-frames, or a val split)');
  const frames = Array.from({ length: count }, (_, i) => source.val(i));
  const c = calibrateScores(model, frames, options.inputTransform);
  const p = c.operatingPoint;
  process.stderr.write(`score calibration on ${c.frames} validation frames: best F1 ${p.f1.toFixed(3)} at score ${p.threshold.toFixed(3)} ` +
    `(P ${p.precision.toFixed(3)} R ${p.recall.toFixed(3)}); class logits shifted by ${c.logitShift.toFixed(3)} so it is 0.5\n`);
  return c;
}

/**
 * `mcusim train --calibrate-from W`: the calibration step alone, on a model trained without it, with
 * the validation frames `frames` describes (the same the training run would have used).
 */
export function calibrateWeightsFile(path: string, frames: FrameSourceSpec, out: string): void {
  const file: WeightsFile = readWeightsFile(path);
  const { model, inputTransform } = fromWeightsFile(file, path);
  const calibration = calibrateWithProgress(model, { frames, inputTransform });
  const weights = toWeightsFile(model, inputTransform, false, { ...(file.training ?? {}), scoreCalibration: calibration });
  writeFileAtomic(out, JSON.stringify(weights) + '\n');
  process.stdout.write(`${out}\n`);
}
