/**
 * Dataset statistics for `mcusim dataset inspect`: frame counts, people-per-frame histogram,
 * overlap share, temperature and box-size statistics, tag counts.
 */
import type { SplitName } from './generate.js';
import type { ThermalFrame } from './types.js';

export interface DatasetStats {
  frames: number;
  width: number;
  height: number;
  framesPerSplit: Record<string, number>;
  /** peoplePerFrame[k] = frames with k labelled people; the last bucket is "this many or more". */
  peoplePerFrame: number[];
  boxes: number;
  /** Share of boxes flagged `overlapping`, and of frames holding at least one such box. */
  overlappingBoxShare: number;
  overlappingFrameShare: number;
  emptyFrameShare: number;
  celsius: { min: number; max: number; mean: number; p1: number; p50: number; p99: number };
  boxWidthPx: { min: number; median: number; max: number };
  boxHeightPx: { min: number; median: number; max: number };
  tags: Record<string, number>;
}

/** Histogram buckets 0..MAX_BUCKET-1 and MAX_BUCKET+ people. */
const MAX_BUCKET = 6;

export function datasetStats(frames: ThermalFrame[], splitOf: SplitName[]): DatasetStats {
  const framesPerSplit: Record<string, number> = {};
  for (const s of splitOf) framesPerSplit[s] = (framesPerSplit[s] ?? 0) + 1;
  const peoplePerFrame = new Array<number>(MAX_BUCKET + 1).fill(0);
  const widths: number[] = [];
  const heights: number[] = [];
  const tags: Record<string, number> = {};
  let overlappingBoxes = 0;
  let overlappingFrames = 0;
  let pixelCount = 0;
  for (const f of frames) {
    peoplePerFrame[Math.min(f.boxes.length, MAX_BUCKET)]++;
    let any = false;
    for (const b of f.boxes) {
      widths.push(b.w);
      heights.push(b.h);
      if (b.overlapping) {
        overlappingBoxes++;
        any = true;
      }
    }
    if (any) overlappingFrames++;
    for (const t of f.tags ?? []) tags[t] = (tags[t] ?? 0) + 1;
    pixelCount += f.celsius.length;
  }
  // Temperatures: one pass for min/max/mean, then percentiles from a sorted copy.
  const all = new Float32Array(pixelCount);
  let offset = 0;
  let sum = 0;
  for (const f of frames) {
    all.set(f.celsius, offset);
    offset += f.celsius.length;
    for (const v of f.celsius) sum += v;
  }
  all.sort();
  const pick = (q: number) => (all.length ? all[Math.min(all.length - 1, Math.floor(q * all.length))] : Number.NaN);
  const nBoxes = widths.length;
  return {
    frames: frames.length,
    width: frames[0]?.width ?? 0,
    height: frames[0]?.height ?? 0,
    framesPerSplit,
    peoplePerFrame,
    boxes: nBoxes,
    overlappingBoxShare: nBoxes ? overlappingBoxes / nBoxes : 0,
    overlappingFrameShare: frames.length ? overlappingFrames / frames.length : 0,
    emptyFrameShare: frames.length ? peoplePerFrame[0] / frames.length : 0,
    celsius: {
      min: all.length ? all[0] : Number.NaN, max: all.length ? all[all.length - 1] : Number.NaN,
      mean: all.length ? sum / all.length : Number.NaN, p1: pick(0.01), p50: pick(0.5), p99: pick(0.99),
    },
    boxWidthPx: summary(widths),
    boxHeightPx: summary(heights),
    tags,
  };
}

function summary(values: number[]): { min: number; median: number; max: number } {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

export const PEOPLE_BUCKET_LABELS = Array.from({ length: MAX_BUCKET + 1 }, (_, k) => (k === MAX_BUCKET ? `${k}+` : `${k}`));
