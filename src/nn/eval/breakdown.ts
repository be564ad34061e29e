/**
 * Metrics broken down by what makes a person hard to find (issue 16, point 1): per box (size,
 * visibility) through the COCO area-range rule of evaluate.ts's EvalSubset, and per frame (people per
 * frame, mount, any tag such as `distractor:radiator` or `chess-motion`) by evaluating the frames of
 * each group on their own. Breakdowns count every box (difficult ones too): `difficult` is itself a
 * size/visibility rule, so ignoring it would empty exactly the buckets worth looking at.
 */
import type { Box } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { evaluate, type DetectionMetrics, type EvalConfig, type EvalSubset } from './evaluate.js';

export const BREAKDOWN_KINDS = ['size', 'visibility', 'count', 'mount', 'tag'] as const;
export type BreakdownKind = (typeof BREAKDOWN_KINDS)[number];

export interface BreakdownRow {
  /** Bucket label, e.g. `4-16 px²`, `2 people`, `overhead`, `distractor:lamp`. */
  group: string;
  frames: number;
  metrics: DetectionMetrics;
}

export interface EvalInput {
  predictions: ReadonlyArray<ReadonlyArray<Detection>>;
  groundTruth: ReadonlyArray<ReadonlyArray<Box>>;
  tags: ReadonlyArray<ReadonlyArray<string> | undefined>;
  config?: Partial<EvalConfig>;
}

interface Bucket { label: string; lo: number; hi: number }

/** Box area in px² by powers of four: under 2x2, 2x2..4x4, 4x4..8x8, 8x8..16x16, larger. */
export const SIZE_BUCKETS: Bucket[] = [
  { label: '<4 px²', lo: 0, hi: 4 }, { label: '4-16 px²', lo: 4, hi: 16 }, { label: '16-64 px²', lo: 16, hi: 64 },
  { label: '64-256 px²', lo: 64, hi: 256 }, { label: '>=256 px²', lo: 256, hi: Infinity },
];

/** Visible share of the silhouette; 0.8 is the generator's `occluded` line, 0.3 the `difficult` one. */
export const VISIBILITY_BUCKETS: Bucket[] = [
  { label: 'visible <30 %', lo: 0, hi: 0.3 }, { label: 'visible 30-50 %', lo: 0.3, hi: 0.5 },
  { label: 'visible 50-80 %', lo: 0.5, hi: 0.8 }, { label: 'visible >=80 %', lo: 0.8, hi: Infinity },
];

const inBucket = (v: number, b: Bucket) => v >= b.lo && v < b.hi;

/** Rows for one kind of breakdown; groups without frames or boxes are left out. */
export function breakdown(kind: BreakdownKind, input: EvalInput): BreakdownRow[] {
  if (kind === 'size') return boxBuckets(input, SIZE_BUCKETS, (r) => r.w * r.h, true);
  if (kind === 'visibility') return boxBuckets(input, VISIBILITY_BUCKETS, (r) => (r as Box).visibleFraction ?? 1, false);
  const groups = new Map<string, number[]>();
  const add = (label: string, f: number) => groups.set(label, [...(groups.get(label) ?? []), f]);
  input.groundTruth.forEach((boxes, f) => {
    const tags = input.tags[f] ?? [];
    if (kind === 'count') add(boxes.length >= 4 ? '4+ people' : `${boxes.length} ${boxes.length === 1 ? 'person' : 'people'}`, f);
    else if (kind === 'mount') add(tags.find((t) => t === 'side' || t === 'overhead') ?? 'mount unknown', f);
    else for (const t of tags) add(t, f);
  });
  const order = [...groups.keys()].sort((a, b) => (kind === 'tag' ? a.localeCompare(b) : a.localeCompare(b, 'en', { numeric: true })));
  return order.map((group) => {
    const frames = groups.get(group)!;
    const pick = <T>(list: ReadonlyArray<T>) => frames.map((f) => list[f]);
    const metrics = evaluate(pick(input.predictions), pick(input.groundTruth), input.tags.length ? pick(input.tags) : [], input.config);
    return { group, frames: frames.length, metrics };
  });
}

/**
 * COCO's area ranges: boxes outside the bucket are ignored, and so are unmatched detections outside
 * it (when `detectionsToo`: a detection has a size but no visibility, so visibility buckets keep
 * every unmatched detection as a false positive of every bucket and report recall only).
 */
function boxBuckets(input: EvalInput, buckets: Bucket[], measure: (r: { w: number; h: number }) => number, detectionsToo: boolean): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  for (const b of buckets) {
    const subset: EvalSubset = { ignoreBox: (box) => !inBucket(measure(box), b) };
    if (detectionsToo) subset.ignoreUnmatchedDetection = (d) => !inBucket(measure(d), b);
    const metrics = evaluate(input.predictions, input.groundTruth, input.tags, input.config, subset);
    if (metrics.groundTruthBoxes > 0) rows.push({ group: b.label, frames: input.groundTruth.length, metrics });
  }
  return rows;
}
