/**
 * `mcusim dataset`: synthetic thermal datasets (generate), their statistics (inspect), and the
 * int16 frame file the detector firmware reads (export-frames). Formats: src/nn/data/dataset-format.ts
 * and src/nn/data/frame-file.ts.
 */
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { nonNegativeInteger, positiveInteger } from './flags.js';
import { DATASET_EXTRA_OPTIONS, type DatasetExtraArgs } from './dataset-import.js';

export interface DatasetArgs extends DatasetExtraArgs {
  action: string;
  dir?: string;
  out?: string;
  sensor: string;
  count?: number;
  seed: number;
  split?: string;
  start: number;
  mount?: string;
  refreshHz?: number;
  oversample: number;
  units: number;
  json: boolean;
}

const ACTIONS = ['generate', 'inspect', 'export-frames', 'import'] as const;
const DEFAULT_SPLIT = 'train=0.8,val=0.1,test=0.1';

export const datasetCommand: Command<DatasetArgs> = {
  command: 'dataset <action> [dir]',
  describe: 'Generate, inspect and export synthetic thermal datasets',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ACTIONS, describe: 'generate | inspect | export-frames | import', type: 'string', demandOption: true })
      .positional('dir', { type: 'string', describe: 'dataset folder (inspect, export-frames; generate: same as --out)' })
      .option('out', { alias: 'o', type: 'string', describe: 'generate: output folder; export-frames: output .bin file' })
      .option('sensor', { type: 'string', default: 'mlx90640', choices: ['mlx90640', 'mlx90640-wide', 'lepton'], describe: 'sensor profile' })
      .option('count', { type: 'number', describe: 'generate: frames (default 1000); export-frames: frames (default 8)' })
      .option('seed', { type: 'number', default: 1, describe: 'generator seed: same seed, same frames' })
      .option('split', { type: 'string', describe: `generate: fractions (default ${DEFAULT_SPLIT}); export-frames: split name (default test)` })
      .option('start', { type: 'number', default: 0, describe: 'export-frames: first frame within the split' })
      .option('mount', { type: 'string', choices: ['side', 'overhead', 'mixed'], describe: 'generate: camera mount (default mixed)' })
      .option('refresh-hz', { type: 'number', describe: 'generate: sensor refresh rate (noise grows with it)' })
      .option('oversample', { type: 'number', default: 8, describe: 'generate: render supersampling per axis' })
      .option('units', { type: 'number', default: 8, describe: 'generate: simulated physical sensor units' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output on stdout' })
      .options(DATASET_EXTRA_OPTIONS)
      .example('$0 dataset generate --out data/thermal --count 5000 --seed 7', '5000 MLX90640 frames, 80/10/10 split')
      .example('$0 dataset inspect models/datasets/sample', 'counts, people histogram, overlap share')
      .example('$0 dataset export-frames models/datasets/sample --split test --count 8 -o frames.bin', 'firmware frame file')
      .example('$0 dataset import rec.csv --labels coco.json -o data/recorded', 'recorded MLX90640 frames (768 °C per line) + COCO boxes')
      .epilogue(exitCodesEpilogue('dataset', '0 done')) as unknown as Argv<DatasetArgs>,
  handler: async (args) => {
    if (args.action === 'generate') return runGenerate(args);
    if (args.action === 'inspect') return runInspect(args);
    if (args.action === 'export-frames') return runExport(args);
    if (args.action === 'import') return (await import('./dataset-import.js')).runImport(args, args.sensor);
    throw new UserError(`dataset: unknown action '${args.action}' (choose ${ACTIONS.join(', ')})`);
  },
};

async function runGenerate(args: DatasetArgs): Promise<number> {
  const { generateSplitFrames, parseSplitFractions, resolveGeneratorConfig } = await import('../nn/data/generate.js');
  const { saveDataset } = await import('../nn/data/dataset-format.js');
  const out = args.out ?? args.dir;
  if (!out) throw new UserError('dataset generate: --out DIR is required');
  nonNegativeInteger(args.seed, 'seed');
  const count = positiveInteger(args.count ?? 1000, 'count');
  const fractions = parseSplitFractions(args.split ?? DEFAULT_SPLIT);
  const config = resolveGeneratorConfig({
    sensor: args.sensor,
    sensorOverrides: args.refreshHz !== undefined ? { refreshHz: args.refreshHz } : {},
    scene: args.mount ? { mount: args.mount as 'side' | 'overhead' | 'mixed' } : {},
    oversample: args.oversample,
    sensorUnits: args.units,
  });
  const started = performance.now();
  const bar = process.stderr.isTTY && !args.json && count >= 200
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'generating {bar} {value}/{total} frames | {eta}s left' },
      cliProgress.Presets.shades_classic)
    : null;
  bar?.start(count, 0);
  const frames = generateSplitFrames(config, args.seed, count, fractions, (done) => bar?.update(done));
  bar?.stop();
  const coco = saveDataset(out, frames, {
    sensor: config.sensor.name, seed: args.seed, generator: config, created: new Date().toISOString(),
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    dir: resolve(out), sensor: config.sensor.name, seed: args.seed, frames: count, splits: coco.info.splits,
    boxes: coco.annotations.length, seconds: +seconds.toFixed(2),
  };
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const s = coco.info.splits ?? {};
    process.stdout.write(`wrote ${count} ${config.sensor.name} frames (train ${s.train ?? 0}, val ${s.val ?? 0}, ` +
      `test ${s.test ?? 0}; ${coco.annotations.length} person boxes) to ${out} in ${seconds.toFixed(1)} s\n`);
  }
  return 0;
}

async function runInspect(args: DatasetArgs): Promise<number> {
  const { loadDataset } = await import('../nn/data/dataset-load.js');
  const { datasetStats, PEOPLE_BUCKET_LABELS } = await import('../nn/data/inspect.js');
  if (!args.dir) throw new UserError('dataset inspect: the dataset folder is required (mcusim dataset inspect DIR)');
  const data = loadDataset(args.dir);
  const stats = datasetStats(data.frames, data.splitOf);
  if (args.sheet) await (await import('./dataset-import.js')).writeInspectSheet({ dir: args.dir, sheet: args.sheet, sheetCount: args.sheetCount });
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ dir: resolve(args.dir), sensor: data.info.sensor, seed: data.info.seed ?? null, ...stats })}\n`);
    return 0;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const deg = (x: number) => `${x.toFixed(2)} °C`;
  // no cli-table3 colours: escape codes would reach a pipe (`mcusim dataset inspect D | cat`)
  const t = new Table({ head: ['dataset', args.dir], colWidths: [22, 78], wordWrap: true, style: { head: [], border: [] } });
  t.push(
    ['sensor', `${data.info.sensor} (${stats.width}x${stats.height}), seed ${data.info.seed ?? '-'}`],
    ['frames', `${stats.frames} (${Object.entries(stats.framesPerSplit).map(([k, v]) => `${k} ${v}`).join(', ')})`],
    ['person boxes', `${stats.boxes}`],
    ['people per frame', PEOPLE_BUCKET_LABELS.map((l, k) => `${l}: ${stats.peoplePerFrame[k]}`).join('  ')],
    ['overlapping boxes', pct(stats.overlappingBoxShare)],
    ['frames with overlap', pct(stats.overlappingFrameShare)],
    ['empty frames', pct(stats.emptyFrameShare)],
    ['temperature', `min ${deg(stats.celsius.min)}, p1 ${deg(stats.celsius.p1)}, median ${deg(stats.celsius.p50)}, ` +
      `p99 ${deg(stats.celsius.p99)}, max ${deg(stats.celsius.max)}, mean ${deg(stats.celsius.mean)}`],
    ['box width (px)', `min ${stats.boxWidthPx.min}, median ${stats.boxWidthPx.median}, max ${stats.boxWidthPx.max}`],
    ['box height (px)', `min ${stats.boxHeightPx.min}, median ${stats.boxHeightPx.median}, max ${stats.boxHeightPx.max}`],
    ['tags', Object.entries(stats.tags).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')],
  );
  process.stdout.write(`${t.toString()}\n`);
  return 0;
}

async function runExport(args: DatasetArgs): Promise<number> {
  const { loadDataset } = await import('../nn/data/dataset-load.js');
  const { writeFrameFile } = await import('../nn/data/frame-file.js');
  const { SPLIT_NAMES } = await import('../nn/data/generate.js');
  if (!args.dir) throw new UserError('dataset export-frames: the dataset folder is required');
  if (!args.out) throw new UserError('dataset export-frames: -o FILE.bin is required');
  const split = args.split ?? 'test';
  if (!(SPLIT_NAMES as readonly string[]).includes(split)) {
    throw new UserError(`--split: must be one of ${SPLIT_NAMES.join(', ')} for export-frames, got '${split}'`);
  }
  const count = positiveInteger(args.count ?? 8, 'count');
  nonNegativeInteger(args.start, 'start');
  const data = loadDataset(args.dir, { split: split as 'train' | 'val' | 'test' });
  if (args.start + count > data.frames.length) {
    throw new UserError(`--count: split '${split}' of ${args.dir} has ${data.frames.length} frames, ` +
      `cannot take ${count} from frame ${args.start}`);
  }
  const frames = data.frames.slice(args.start, args.start + count);
  writeFrameFile(args.out, { width: frames[0].width, height: frames[0].height, frames: frames.map((f) => f.celsius) });
  const listing = frames.map((f, k) => ({
    frame: k, imageId: data.imageIds[args.start + k], people: f.boxes.length,
    overlapping: f.boxes.filter((b) => b.overlapping).length, tags: f.tags ?? [],
  }));
  if (args.json) process.stdout.write(`${JSON.stringify({ file: resolve(args.out), split, frames: listing })}\n`);
  else {
    process.stdout.write(`wrote ${count} ${frames[0].width}x${frames[0].height} frames of split '${split}' to ${args.out}\n`);
    for (const l of listing) {
      const who = `${l.people} ${l.people === 1 ? 'person' : 'people'}`;
      process.stdout.write(`  frame ${l.frame} (image ${l.imageId}): ${who}, ${l.overlapping} overlapping; ${l.tags.join(' ')}\n`);
    }
  }
  return 0;
}
