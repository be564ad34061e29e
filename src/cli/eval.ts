/**
 * `mcusim eval`: the detection metrics of a trained model (float, or its int8 host reference with
 * --int8) on a dataset folder (src/nn/data/dataset-format.ts, generated or imported) or on synthetic
 * frames generated on the fly (--synthetic). Prints the metric set with `difficult` boxes ignored
 * and with every box counted, breakdowns (--by), writes the JSON report (--json, atomic) and a
 * contact sheet of the worst frames (--sheet). Exit codes: 0 done; 2 usage, or a missing/malformed
 * dataset or model (one line naming the file and field); 70 internal error.
 */
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import chalk from 'chalk';
import type { Argv } from 'yargs';
import type { Command } from './command.js';
import { checkoutPath } from '../common/checkout.js';
import { HELD_OUT_SEED } from '../nn/quant/evaluate.js';
import { UserError } from '../common/errors.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { nonNegativeInteger, numberBetween, positiveInteger } from './flags.js';
import { writeFileAtomic } from '../common/write-atomic.js';
import type { ThermalFrame } from '../nn/data/types.js';
import type { Detection } from '../nn/detect/types.js';
import type { BreakdownKind, BreakdownRow } from '../nn/eval/breakdown.js';
import type { DetectionMetrics } from '../nn/eval/evaluate.js';
import type { EvalReport } from '../nn/eval/model-eval.js';

export const DEFAULT_EVAL_MODEL = checkoutPath('models', 'detector-default.weights.json');
const BY_CHOICES = ['size', 'visibility', 'count', 'mount', 'tag'] as const;

export interface EvalArgs {
  model?: string;
  data?: string;
  split: string;
  json?: string;
  by: string[];
  sheet?: string;
  sheetCount: number;
  int8: boolean;
  synthetic: boolean;
  sensor: string;
  mount: string;
  count: number;
  seed: number;
  threshold: number;
  quiet: boolean;
}

export const evalCommand: Command<EvalArgs> = {
  command: 'eval',
  describe: 'Detection metrics of a model on a dataset folder or on synthetic frames',
  builder: (y: Argv) =>
    y
      .option('model', { alias: 'm', type: 'string', describe: 'trained weights file (default: the shipped models/detector-default.weights.json)' })
      .option('data', { alias: 'd', type: 'string', describe: 'dataset folder (mcusim dataset generate / import)' })
      .option('split', { type: 'string', default: 'test', choices: ['train', 'val', 'test', 'all'], describe: 'split of --data to evaluate' })
      .option('json', { type: 'string', describe: 'write the full report as JSON to this file (atomic)' })
      .option('by', { type: 'array', string: true, default: [], choices: BY_CHOICES as unknown as string[], describe: 'breakdowns: box size, visible fraction, people per frame, mount, frame tags' })
      .option('sheet', { type: 'string', describe: 'contact sheet PNG of the worst frames (ground truth green, detections cyan)' })
      .option('sheet-count', { type: 'number', default: 24, describe: 'frames on the contact sheet' })
      .option('int8', { type: 'boolean', default: false, describe: 'evaluate the int8 host reference (quantised as mcusim build does)' })
      .option('synthetic', { type: 'boolean', default: false, describe: 'generate frames on the fly instead of --data' })
      .option('sensor', { type: 'string', default: 'mlx90640', choices: ['mlx90640', 'mlx90640-wide'], describe: '--synthetic: sensor profile (lens)' })
      .option('mount', { type: 'string', default: 'mixed', choices: ['side', 'overhead', 'mixed'], describe: '--synthetic: camera mount' })
      .option('count', { type: 'number', default: 512, describe: '--synthetic: frames' })
      .option('seed', { type: 'number', default: HELD_OUT_SEED, describe: '--synthetic: generator seed (default: the held-out stream)' })
      .option('threshold', { type: 'number', default: 0.5, describe: 'operating score threshold for F1, counting and false positives' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no table on stdout (with --json)' })
      .example('$0 eval --data models/datasets/sample --split all --by size count', 'shipped model on the sample set')
      .example('$0 eval --synthetic --sensor mlx90640-wide --mount overhead --count 300 --json r.json --sheet worst.png', 'held-out synthetic frames')
      .epilogue(`${exitCodesEpilogue('eval', '0 done')} A missing or malformed dataset or model is a usage error: one line naming the file and field.`) as unknown as Argv<EvalArgs>,
  handler: async (args) => runEval(args),
};

interface Source { frames: ThermalFrame[]; imageIds: number[]; description: Record<string, unknown>; skippedUnlabelled: number }

async function loadSource(args: EvalArgs): Promise<Source> {
  if (args.synthetic) {
    if (args.data) throw new UserError('eval: give either --data DIR or --synthetic, not both');
    positiveInteger(args.count, 'count');
    nonNegativeInteger(args.seed, 'seed');
    const { generateFrame, resolveGeneratorConfig } = await import('../nn/data/generate.js');
    const config = resolveGeneratorConfig({ sensor: args.sensor, scene: { mount: args.mount as 'side' | 'overhead' | 'mixed' } });
    const bar = progressBar(args, args.count, 'generating');
    const frames = Array.from({ length: args.count }, (_, i) => {
      const f = generateFrame(config, args.seed, i);
      if ((i + 1) % 32 === 0) bar?.update(i + 1);
      return f;
    });
    bar?.stop();
    return {
      frames, imageIds: frames.map((_, i) => i), skippedUnlabelled: 0,
      description: { synthetic: { sensor: args.sensor, mount: args.mount, count: args.count, seed: args.seed } },
    };
  }
  if (!args.data) throw new UserError('eval: --data DIR (a dataset folder) or --synthetic is required');
  const { loadDataset } = await import('../nn/data/dataset-load.js');
  const data = loadDataset(args.data, args.split === 'all' ? {} : { split: args.split as 'train' | 'val' | 'test' });
  // Imported recordings may hold frames nobody labelled: they are neither empty nor missed.
  const keep = data.frames.map((f, i) => i).filter((i) => !(data.frames[i].tags ?? []).includes('unlabelled'));
  if (keep.length === 0) {
    throw new UserError(`${args.data}: no labelled frames in split '${args.split}' (${data.frames.length} frames, ${data.frames.length - keep.length} unlabelled)`);
  }
  return {
    frames: keep.map((i) => data.frames[i]), imageIds: keep.map((i) => data.imageIds[i]), skippedUnlabelled: data.frames.length - keep.length,
    description: { dir: args.data, split: args.split, sensor: data.info.sensor, seed: data.info.seed ?? null },
  };
}

function progressBar(args: EvalArgs, total: number, what: string): cliProgress.SingleBar | null {
  if (!process.stderr.isTTY || total < 128) return null;
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${what} {bar} {value}/{total} frames | {eta}s left` },
    cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}

export async function runEval(args: EvalArgs): Promise<number> {
  numberBetween(args.threshold, 'threshold', 0, 1);
  positiveInteger(args.sheetCount, 'sheet-count');
  const { loadEvalModel, checkFrameSize, evaluateDetections } = await import('../nn/eval/model-eval.js');
  const modelPath = args.model ?? DEFAULT_EVAL_MODEL;
  if (args.int8 && process.stderr.isTTY) process.stderr.write('quantising the model (calibration on 256 synthetic frames, ~10 s)...\n');
  const model = loadEvalModel(modelPath, { int8: args.int8 });
  const source = await loadSource(args);
  checkFrameSize(model, source.frames, args.data ?? 'synthetic frames');
  const started = performance.now();
  const bar = progressBar(args, source.frames.length, model.int8 ? 'int8 inference' : 'inference');
  const detections = model.detect(source.frames, (done) => bar?.update(done));
  bar?.stop();
  const by = [...new Set(args.by)] as BreakdownKind[];
  const report = evaluateDetections(source.frames, detections, by, { scoreThreshold: args.threshold });
  const seconds = (performance.now() - started) / 1000;
  if (args.json) {
    const doc = {
      format: 'mcusim-eval-report', version: 1, model: { path: modelPath, int8: model.int8 }, data: source.description,
      skippedUnlabelledFrames: source.skippedUnlabelled, seconds: +seconds.toFixed(2), ...report,
      worstFrames: report.worstFrames.slice(0, 50).map((e) => ({ ...e, imageId: source.imageIds[e.frame] })),
    };
    writeFileAtomic(args.json, `${JSON.stringify(doc, null, 1)}\n`);
  }
  if (args.sheet) await writeEvalSheet(args, source, detections, report);
  if (!args.quiet) process.stdout.write(renderEvalTables(report, `${modelPath}${model.int8 ? ' (int8)' : ''}`, source));
  return 0;
}

async function writeEvalSheet(args: EvalArgs, source: Source, detections: Detection[][], report: EvalReport): Promise<void> {
  const { writeContactSheet } = await import('../nn/viz/contact-sheet.js');
  const t = report.config.scoreThreshold;
  const tiles = report.worstFrames.slice(0, args.sheetCount).map((e) => ({
    frame: source.frames[e.frame],
    detections: detections[e.frame].filter((d) => d.score >= t),
    caption: [`#${source.imageIds[e.frame]} gt ${e.people} det ${e.detections}`, `miss ${e.falseNegatives} FP ${e.falsePositives}`],
  }));
  writeContactSheet(args.sheet!, tiles, { legend: `worst frames first. green: ground truth (dashed: difficult), cyan: detections score >= ${t}` });
}

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const head = (cells: string[]) => (process.stdout.isTTY ? cells.map((c) => chalk.bold(c)) : cells);
// no cli-table3 colours: escape codes would reach a pipe
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const table = (header: string[]) => new Table({ head: head(header), chars: COMPACT, style: { head: [], border: [] } });

function metricRows(m: DetectionMetrics): [string, string][] {
  const c = m.config;
  return [
    ['boxes', `${m.groundTruthBoxes}`],
    ['mAP@0.5', fmt(m.mAP50)],
    ['mAP@[.5:.95]', fmt(m.mAP50to95)],
    [`F1 (IoU>=${c.iouThreshold}, score>=${c.scoreThreshold})`, fmt(m.f1Iou.f1)],
    ['  precision / recall', `${fmt(m.f1Iou.precision)} / ${fmt(m.f1Iou.recall)}`],
    [`F1 (centre <= ${c.centreDistancePx} px)`, fmt(m.f1Centre.f1)],
    [`overlap recall (IoU), ${m.overlapFrames} frames`, fmt(m.overlapRecallIou)],
    [`FP per empty frame, ${m.emptyFrames} frames`, fmt(m.fpPerEmptyFrame)],
    ['count MAE (people/frame)', fmt(m.countMAE)],
  ];
}

export function renderEvalTables(report: EvalReport, modelName: string, source: Pick<Source, 'frames' | 'description' | 'skippedUnlabelled'>): string {
  const out: string[] = [];
  const where = source.description.dir ? `${source.description.dir as string} (${source.description.split as string})` : `synthetic ${JSON.stringify(source.description.synthetic)}`;
  out.push(`model ${modelName}\ndata ${where}: ${report.frames} frames, ${report.boxes} boxes, ${report.difficultBoxes} difficult` +
    (source.skippedUnlabelled ? `, ${source.skippedUnlabelled} unlabelled frames skipped` : ''));
  const t = table(['metric', 'difficult ignored', 'every box']);
  const counted = metricRows(report.counted), all = metricRows(report.all);
  counted.forEach(([name, v], i) => t.push([name, v, all[i][1]]));
  out.push(t.toString());
  const k = report.errorKinds, b = report.bestThreshold;
  out.push(`misses: ${k.misses.notFound} not found, ${k.misses.mislocalised} mislocalised (IoU 0.1-0.5), ${k.misses.lowScore} below the score threshold; ` +
    `false positives: ${k.falsePositives.background} background, ${k.falsePositives.localisation} localisation, ${k.falsePositives.duplicate} duplicates\n` +
    `best F1 threshold on these frames (hindsight): ${fmt(b.threshold)} -> F1 ${fmt(b.f1)} (P ${fmt(b.precision)}, R ${fmt(b.recall)})`);
  for (const [kind, rows] of Object.entries(report.breakdowns) as [BreakdownKind, BreakdownRow[]][]) {
    const bt = table([`by ${kind}`, 'frames', 'boxes', 'AP@0.5', 'precision', 'recall', 'F1', 'recall (centre)', 'FP/empty frame', 'count MAE']);
    // Per-box buckets share every frame: frame-level numbers (empty frames, counting) are not theirs.
    const perBox = kind === 'size' || kind === 'visibility';
    for (const r of rows) {
      const m = r.metrics;
      // A detection has no visible fraction: visibility buckets measure recall only (breakdown.ts).
      const recallOnly = kind === 'visibility';
      bt.push([r.group, perBox ? '(all)' : `${r.frames}`, `${m.groundTruthBoxes}`, recallOnly ? '-' : fmt(m.mAP50), recallOnly ? '-' : fmt(m.f1Iou.precision),
        fmt(m.f1Iou.recall), recallOnly ? '-' : fmt(m.f1Iou.f1), fmt(m.f1Centre.recall), perBox ? '-' : fmt(m.fpPerEmptyFrame), perBox ? '-' : fmt(m.countMAE)]);
    }
    out.push(bt.toString());
  }
  return `${out.join('\n')}\n`;
}
