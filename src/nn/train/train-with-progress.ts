/**
 * A training run as `mcusim train` shows it: the progress bar on stderr (epoch, loss terms,
 * samples/s, ETA), the metrics JSON rewritten after every epoch, and the trained weights written
 * atomically; the weights' path is the last stdout line. Takes parsed options (src/cli/train-options.ts
 * turns flags into them).
 */
import cliProgress from 'cli-progress';
import { toWeightsFile } from '../model/serialize.js';
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
  const weights = toWeightsFile(result.model, options.inputTransform, false, {
    epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed,
    frames: options.frames.kind === 'synthetic' ? options.frames : { kind: 'dataset', dir: outputs.dataDir },
    loss: options.loss, seconds: (performance.now() - started) / 1000, finalMetrics: last ?? null,
  });
  writeFileAtomic(outputs.weights, JSON.stringify(weights) + '\n');
  process.stderr.write(`trained ${result.model.parameterCount()} parameters in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`${outputs.weights}\n`);
}
