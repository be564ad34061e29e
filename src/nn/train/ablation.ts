/**
 * `mcusim train --ablation`: train the detector once per ablation variant (all components on, then
 * each one switched off, see loss/config.ts `ablationVariants`) with the same seed, frames and
 * schedule, evaluate every model on the same held-out frames, and write one Markdown table + JSON.
 * Only the loss config (and the CutMix switch that follows from it) differs between variants, so a
 * difference in the table is due to that component (or to training noise on short schedules).
 */
import { ablationVariants, type AblationVariant, type LossConfig } from '../loss/config.js';
import { cutmixConfigFrom } from '../augment/cutmix.js';
import { buildAnchors } from '../detect/anchors.js';
import { postprocess } from '../detect/postprocess.js';
import { detectorAnchorSpec } from '../model/detector.js';
import { evaluate, type DetectionMetrics } from '../eval/evaluate.js';
import { formatMetricsTable, type MetricColumn } from '../eval/format.js';
import type { ThermalFrame } from '../data/types.js';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../common/write-atomic.js';
import { openFrameSource, type FrameSourceSpec } from './frames.js';
import { predict } from './validate.js';
import { train, type EpochMetrics, type TrainOptions, type TrainResult } from './loop.js';
import { UserError } from '../../common/errors.js';

/** The ablation table's columns (the reporting set). */
export const ABLATION_COLUMNS: MetricColumn[] = [
  { key: 'mAP50', header: 'mAP@0.5', value: (m) => m.mAP50, digits: 3 },
  { key: 'f1Iou', header: 'F1 (IoU>=0.5)', value: (m) => m.f1Iou.f1, digits: 3 },
  { key: 'overlapRecall', header: 'recall, overlapping people (IoU>=0.5)', value: (m) => m.overlapRecallIou, digits: 3 },
  { key: 'fpEmpty', header: 'FP per empty frame', value: (m) => m.fpPerEmptyFrame, digits: 3 },
  { key: 'countMAE', header: 'count MAE', value: (m) => m.countMAE, digits: 3 },
];

export interface AblationRun {
  name: string;
  describe: string;
  /** The loss config handed to `train` for this variant. */
  loss: LossConfig;
  /** Mean training loss of the last epoch (each variant's own loss, so not comparable across rows). */
  finalTrainLoss: number;
  seconds: number;
  metrics: DetectionMetrics;
}

export interface AblationHooks {
  onVariant?(index: number, total: number, variant: AblationVariant): void;
  onEpoch?(index: number, metrics: EpochMetrics): void;
  /** After each variant with all rows so far: the CLI rewrites its reports so a long run loses no finished row. */
  onRun?(runsSoFar: AblationRun[]): void;
}

/**
 * The variants named in `--variants a,b,...` (in the standard order), so a long ablation can be split
 * over processes or machines; unknown names are an error that lists the known ones.
 */
export function selectVariants(all: AblationVariant[], names: string | undefined): AblationVariant[] {
  if (names === undefined) return all;
  const wanted = names.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const known = new Set(all.map((v) => v.name));
  const unknown = wanted.filter((n) => !known.has(n));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new UserError(`--variants: unknown variant '${unknown[0] ?? names}' (known: ${[...known].join(', ')})`);
  }
  return all.filter((v) => wanted.includes(v.name));
}

export type TrainFunction = (options: TrainOptions, hooks: { onEpoch?(m: EpochMetrics): void }) => Promise<TrainResult>;

/** Held-out frames: the validation stream (a seed never used for training) or the dataset's val split. */
export function heldOutFrames(spec: FrameSourceSpec): ThermalFrame[] {
  const source = openFrameSource(spec);
  return Array.from({ length: source.valCount }, (_, i) => source.val(i));
}

/** Training frames without per-epoch validation: the ablation evaluates once, at the end. */
function withoutValidation(spec: FrameSourceSpec): FrameSourceSpec {
  return spec.kind === 'synthetic' ? { ...spec, valFrames: 0 } : { ...spec, val: [] };
}

export function evaluateModel(result: TrainResult, options: TrainOptions, frames: ThermalFrame[]): DetectionMetrics {
  const anchors = buildAnchors(detectorAnchorSpec(options.config));
  const output = predict(result.model, frames, options.inputTransform);
  // a low score threshold keeps the whole precision-recall curve for mAP; F1 etc. use the eval threshold
  const detections = postprocess(output, anchors, { numClasses: options.config.classes.length, scoreThreshold: 0.05 });
  return evaluate(detections, frames.map((f) => f.boxes), frames.map((f) => f.tags));
}

/**
 * Trains and evaluates every variant. `base` fixes everything except the loss config; `trainFn` is
 * injectable so a test can see exactly which options reach training.
 */
export async function runAblation(
  base: TrainOptions, variants: AblationVariant[] = ablationVariants(base.loss), hooks: AblationHooks = {},
  trainFn: TrainFunction = train,
): Promise<AblationRun[]> {
  const frames = heldOutFrames(base.frames);
  if (frames.length === 0) throw new Error('ablation needs held-out frames (--val-frames, or a dataset with a val split)');
  const runs: AblationRun[] = [];
  for (let k = 0; k < variants.length; k++) {
    const v = variants[k]!;
    hooks.onVariant?.(k, variants.length, v);
    const options: TrainOptions = {
      ...base,
      frames: withoutValidation(base.frames),
      loss: v.config,
      augment: { ...base.augment, cutmix: v.config.cutmix ? cutmixConfigFrom(v.config) : null },
      checkpointPath: undefined,
      resumeFrom: undefined,
    };
    const started = performance.now();
    const result = await trainFn(options, { onEpoch: (m) => hooks.onEpoch?.(k, m) });
    const last = result.history[result.history.length - 1];
    runs.push({
      name: v.name, describe: v.describe, loss: v.config, finalTrainLoss: last ? last.trainLoss : Number.NaN,
      seconds: (performance.now() - started) / 1000, metrics: evaluateModel(result, options, frames),
    });
    hooks.onRun?.(runs);
  }
  return runs;
}

export interface AblationSchedule {
  config: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  trainFrames: number | string;
  heldOutFrames: number;
  threads: number;
}

export function ablationMarkdown(runs: AblationRun[], schedule: AblationSchedule): string {
  const lines = [
    '# Loss ablation',
    '',
    `Detector \`${schedule.config}\`, ${schedule.epochs} epoch(s) x ${schedule.trainFrames} training frames, batch ${schedule.batchSize}, ` +
      `lr ${schedule.lr}, seed ${schedule.seed}; every variant trained from scratch with the same seed, frames and schedule, ` +
      `evaluated on the same ${schedule.heldOutFrames} held-out frames (seed never used for training).`,
    '',
    formatMetricsTable(runs, 'markdown', ABLATION_COLUMNS),
    '',
    'Variants:',
    '',
    ...runs.map((r) => `- \`${r.name}\`: ${r.describe} (${r.seconds.toFixed(0)} s)`),
    '',
  ];
  return lines.join('\n');
}

/** JSON with NaN (undefined metric) written as null, as JSON has no NaN. */
export function ablationJson(runs: AblationRun[], schedule: AblationSchedule): string {
  return JSON.stringify({ schedule, runs }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/**
 * Joins ablation JSON files written by separate runs (`--variants` splits one ablation over
 * processes or machines) into one result: the schedules must be identical and each variant appear
 * once; rows come out in the standard variant order.
 */
export function mergeAblationFiles(files: { path: string; text: string }[]): { runs: AblationRun[]; schedule: AblationSchedule } {
  let schedule: AblationSchedule | undefined;
  let first = '';
  const byName = new Map<string, AblationRun>();
  for (const { path, text } of files) {
    let parsed: { schedule?: AblationSchedule; runs?: AblationRun[] };
    try {
      parsed = JSON.parse(text, (_, v: unknown) => (v === null ? Number.NaN : v)) as typeof parsed;
    } catch (e) {
      throw new UserError(`${path}: not JSON (${(e as Error).message})`);
    }
    if (typeof parsed.schedule !== 'object' || !Array.isArray(parsed.runs)) throw new UserError(`${path}: not an ablation result (needs 'schedule' and 'runs')`);
    if (schedule === undefined) {
      schedule = parsed.schedule;
      first = path;
    } else {
      for (const key of Object.keys({ ...schedule, ...parsed.schedule }) as (keyof AblationSchedule)[]) {
        if (JSON.stringify(schedule[key]) !== JSON.stringify(parsed.schedule[key])) {
          throw new UserError(`${path}: schedule.${key} is ${JSON.stringify(parsed.schedule[key])} but ${JSON.stringify(schedule[key])} in ${first}`);
        }
      }
    }
    for (const run of parsed.runs) {
      if (typeof run?.name !== 'string' || typeof run.metrics !== 'object') throw new UserError(`${path}: a run without 'name' or 'metrics'`);
      if (byName.has(run.name)) throw new UserError(`${path}: variant '${run.name}' appears twice`);
      byName.set(run.name, run);
    }
  }
  if (schedule === undefined) throw new UserError('--merge: no files given');
  const order = ablationVariants().map((v) => v.name);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return { runs: [...byName.values()].sort((a, b) => rank(a.name) - rank(b.name)), schedule };
}

/** The report files an ablation writes (both optional); they are rewritten after every variant. */
export interface AblationReportFiles {
  /** Markdown table. */
  table?: string;
  /** JSON results (the input of a later merge). */
  json?: string;
}

export function writeAblationReports(runs: AblationRun[], schedule: AblationSchedule, files: AblationReportFiles): void {
  if (files.table) writeFileAtomic(files.table, ablationMarkdown(runs, schedule));
  if (files.json) writeFileAtomic(files.json, ablationJson(runs, schedule));
}

/** The ablation table as printed on stdout. */
export function ablationTable(runs: AblationRun[]): string {
  return formatMetricsTable(runs, 'markdown', ABLATION_COLUMNS);
}

/** Reads and joins the JSON results of an ablation split with `--variants`, and writes the reports. */
export function mergeAblationReports(paths: string[], files: AblationReportFiles): AblationRun[] {
  const inputs = paths.map((path) => {
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (e) {
      throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  });
  const { runs, schedule } = mergeAblationFiles(inputs);
  writeAblationReports(runs, schedule, files);
  return runs;
}

/** The schedule every variant shares, as the reports state it. */
export function ablationSchedule(base: TrainOptions, configPath: string, dataDir?: string): AblationSchedule {
  const frames = base.frames;
  return {
    config: configPath, epochs: base.epochs, batchSize: base.batchSize, lr: base.lr, seed: base.seed,
    trainFrames: frames.kind === 'synthetic' ? frames.trainFrames : `${frames.train.length} (${dataDir})`,
    heldOutFrames: frames.kind === 'synthetic' ? frames.valFrames : frames.val.length, threads: base.threads,
  };
}

/** `runAblation` with progress lines on stderr and the reports rewritten after every variant. */
export async function runAblationWithProgress(
  base: TrainOptions, variants: AblationVariant[], schedule: AblationSchedule, files: AblationReportFiles,
): Promise<AblationRun[]> {
  const started = performance.now();
  const runs = await runAblation(base, variants, {
    onRun: (soFar) => writeAblationReports(soFar, schedule, files),
    onVariant: (k, n, v) => process.stderr.write(`variant ${k + 1}/${n}: ${v.name} (${v.describe})\n`),
    onEpoch: (_, m) => process.stderr.write(
      `  epoch ${m.epoch}/${base.epochs}: train loss ${m.trainLoss.toFixed(3)}, ${m.samplesPerSecond.toFixed(0)} samples/s, ${m.seconds.toFixed(1)} s\n`,
    ),
  });
  writeAblationReports(runs, schedule, files);
  process.stderr.write(`ablation of ${runs.length} variants in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return runs;
}
