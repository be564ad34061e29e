/**
 * The parts of `mcusim dataset` that bring recorded frames in and show frames as pictures:
 * `dataset import` (src/nn/data/import.ts: MLX90640 text/CSV lines or TFRM files, COCO labels from
 * any labelling tool) and `dataset inspect --sheet` (a contact sheet of the ground truth,
 * src/nn/viz). dataset.ts registers the options and calls these; heavy modules load on use.
 */
import { resolve } from 'node:path';
import type { Options } from 'yargs';
import { UserError } from '../common/errors.js';
import { integerInRange, positiveInteger } from './flags.js';

export interface DatasetExtraArgs {
  input?: string[];
  labels?: string;
  width: number;
  height: number;
  firstIndex: number;
  tag?: string[];
  sheet?: string;
  sheetCount: number;
}

export const DATASET_EXTRA_OPTIONS: Record<string, Options> = {
  input: { type: 'array', string: true, describe: 'import: more recording files (text/CSV, 768 °C per line; or TFRM .bin) after [dir]' },
  labels: { type: 'string', describe: 'import: COCO labels (any labelling tool); frames without an image entry stay unlabelled' },
  width: { type: 'number', default: 32, describe: 'import: frame width in pixels' },
  height: { type: 'number', default: 24, describe: 'import: frame height in pixels' },
  'first-index': { type: 'number', default: 0, describe: 'import: number of the first frame in label file names (0 or 1)' },
  tag: { type: 'array', string: true, describe: 'import: tags for every frame (e.g. side, overhead: the mount)' },
  sheet: { type: 'string', describe: 'inspect: contact sheet PNG of the frames with their ground-truth boxes' },
  'sheet-count': { type: 'number', default: 24, describe: 'inspect: frames on the contact sheet' },
};

interface ImportArgs extends DatasetExtraArgs { dir?: string; out?: string; sensor: string; split?: string; json: boolean; rawArgv?: unknown }

export async function runImport(args: ImportArgs, sensorName: string): Promise<number> {
  const { importRecordings } = await import('../nn/data/import.js');
  const inputs = [...(args.dir ? [args.dir] : []), ...(args.input ?? [])];
  if (inputs.length === 0) throw new UserError('dataset import: name the recording file(s): mcusim dataset import rec.csv [--input more.csv] -o DIR');
  if (!args.out) throw new UserError('dataset import: -o DIR (the dataset folder to write) is required');
  integerInRange(args.width, 'width', 1, 4096);
  integerInRange(args.height, 'height', 1, 4096);
  integerInRange(args.firstIndex, 'first-index', 0, 1);
  const s = importRecordings({
    inputs, labels: args.labels, out: args.out, sensor: sensorName, width: args.width, height: args.height,
    split: args.split ?? 'test', firstIndex: args.firstIndex, tags: args.tag ?? [],
  });
  const summary = {
    dir: resolve(args.out), frames: s.frames, labelledFrames: s.labelledFrames, boxes: s.boxes,
    skippedAnnotations: s.skippedAnnotations, splits: s.coco.info.splits, files: s.files,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(`imported ${s.frames} ${args.width}x${args.height} frames from ${s.files.map((f) => `${f.path} (${f.kind}, ${f.frames})`).join(', ')} ` +
      `to ${args.out}: ${s.labelledFrames} labelled, ${s.boxes} person boxes` +
      (s.skippedAnnotations ? `, ${s.skippedAnnotations} annotations of other categories skipped` : '') + '\n');
  }
  return 0;
}

/** `dataset inspect DIR --sheet out.png`: the first frames with their ground truth. */
export async function writeInspectSheet(args: { dir: string; sheet: string; sheetCount: number }): Promise<void> {
  const { loadDataset } = await import('../nn/data/dataset-load.js');
  const { writeContactSheet } = await import('../nn/viz/contact-sheet.js');
  positiveInteger(args.sheetCount, 'sheet-count');
  const data = loadDataset(args.dir);
  const tiles = data.frames.slice(0, args.sheetCount).map((frame, k) => ({
    frame,
    caption: [`#${data.imageIds[k]} ${data.splitOf[k]} ${frame.boxes.length} ${frame.boxes.length === 1 ? 'person' : 'people'}`,
      (frame.tags ?? []).filter((t) => !t.startsWith('scenario:')).slice(0, 2).join(' ')],
  }));
  if (tiles.length === 0) throw new UserError(`${args.dir}: the dataset has no frames`);
  writeContactSheet(args.sheet, tiles, { legend: `${args.dir}: green = ground truth (dashed: difficult)` });
}
