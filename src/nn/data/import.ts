/**
 * `mcusim dataset import`: recorded frames (text/CSV, import-text.ts, or TFRM frame files,
 * frame-file.ts) plus optional COCO labels (import-labels.ts) -> a dataset folder in the format of
 * dataset-format.ts, so `mcusim eval`, `dataset inspect` and training read recordings like
 * generated data. Frames are numbered across the input files in the order given.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.js';
import { saveDataset, type CocoDataset, type SplitFrame } from './dataset-format.js';
import { decodeFrameFile, FRAME_FILE_MAGIC } from './frame-file.js';
import { parseSplitFractions, splitCounts, SPLIT_NAMES, type SplitName } from './generate.js';
import { mapLabels, type RecordingFile } from './import-labels.js';
import { parseTextFrames } from './import-text.js';
import { markOverlaps } from './render.js';
import type { ThermalFrame } from './types.js';

export interface ImportOptions {
  inputs: string[];
  labels?: string;
  out: string;
  sensor: string;
  width: number;
  height: number;
  /** A split name (every frame goes there) or fractions `train=.8,val=.1,test=.1` (contiguous ranges). */
  split: string;
  /** Frame numbers in label file names start here (0 or 1). */
  firstIndex: number;
  /** Tag added to every frame, e.g. the mount (`side`, `overhead`). */
  tags: string[];
}

export interface ImportSummary {
  frames: number;
  labelledFrames: number;
  boxes: number;
  skippedAnnotations: number;
  files: { path: string; kind: 'tfrm' | 'text'; frames: number }[];
  coco: CocoDataset;
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`}`);
  }
}

/** Reads one recording: TFRM when it starts with the magic, text otherwise. */
export function readRecording(path: string, width: number, height: number): { kind: 'tfrm' | 'text'; frames: Float32Array[] } {
  const bytes = readBytes(path);
  if (bytes.subarray(0, 4).toString('latin1') === FRAME_FILE_MAGIC) {
    const file = decodeFrameFile(bytes, path);
    if (file.width !== width || file.height !== height) {
      throw new UserError(`${path}: width: frames are ${file.width}x${file.height}, the import is ${width}x${height} (--width/--height)`);
    }
    return { kind: 'tfrm', frames: file.frames };
  }
  return { kind: 'text', frames: parseTextFrames(bytes.toString('utf8'), path, width, height).frames };
}

function splitsFor(count: number, spec: string): SplitName[] {
  if ((SPLIT_NAMES as readonly string[]).includes(spec)) return new Array<SplitName>(count).fill(spec as SplitName);
  const c = splitCounts(count, parseSplitFractions(spec));
  return Array.from({ length: count }, (_, i) => (i < c.train ? 'train' : i < c.train + c.val ? 'val' : 'test'));
}

export function importRecordings(o: ImportOptions): ImportSummary {
  if (o.inputs.length === 0) throw new UserError('dataset import: name at least one recording file');
  const files: ImportSummary['files'] = [];
  const pixels: Float32Array[] = [];
  for (const path of o.inputs) {
    const r = readRecording(path, o.width, o.height);
    files.push({ path, kind: r.kind, frames: r.frames.length });
    pixels.push(...r.frames);
  }
  let labels: ReturnType<typeof mapLabels> | undefined;
  if (o.labels) {
    let doc: unknown;
    try {
      doc = JSON.parse(readBytes(o.labels).toString('utf8'));
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`${o.labels}: invalid JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    labels = mapLabels(doc, o.labels, files as RecordingFile[], o.width, o.height, o.firstIndex);
  }
  const splits = splitsFor(pixels.length, o.split);
  const frames: SplitFrame[] = pixels.map((celsius, i) => {
    const boxes = labels?.boxesOf[i];
    const frame: ThermalFrame = { width: o.width, height: o.height, celsius, boxes: boxes ?? [], tags: [...o.tags] };
    if (!boxes) frame.tags!.push('unlabelled');
    else if (boxes.length === 0) frame.tags!.push('empty');
    else if (markOverlaps(boxes)) frame.tags!.push('overlapping');
    return { frame, split: splits[i] };
  });
  const coco = saveDataset(o.out, frames, {
    sensor: o.sensor, seed: null, created: new Date().toISOString(),
    source: { recorded: files, labels: o.labels ?? null, firstIndex: o.firstIndex },
  });
  return {
    frames: frames.length, labelledFrames: labels?.labelledFrames ?? 0, boxes: coco.annotations.length,
    skippedAnnotations: labels?.skippedAnnotations ?? 0, files, coco,
  };
}
