/**
 * Detector evaluation with the reporting set of src/nn/data/THERMAL.md §7:
 *  - mAP@0.5 and AP@[.5:.95] (mean over IoU 0.50, 0.55, ..., 0.95), all-point interpolated, over all
 *    detections given (threshold them only as post-processing already did);
 *  - precision/recall/F1 at the operating score threshold with IoU >= 0.5 matching, and again with
 *    centre-distance matching (default <= 1.5 px, src/nn/data/THERMAL.md's suggested value);
 *  - counting: per frame |#detections >= threshold - #boxes|, mean (MAE), exact-count accuracy, and
 *    MAE by true count 0 / 1 / 2 / 3+;
 *  - recall on frames with overlapping people (a box flagged `overlapping`, or a tag 'overlap'/
 *    'overlapping'), with both matchings;
 *  - false positives per frame on person-free frames, all of them and those tagged with a distractor
 *    (a tag equal to or starting with 'distractor'). Frames tagged 'unlabelled-person' (the generator's
 *    mark for a person too little visible to label) are not person-free and are left out of both.
 * Classes: mAP averages the APs of classes that have ground truth; F1 and counting pool all classes.
 * `EvalSubset` restricts what counts (matching.ts, COCO's ignore rule): boxes it ignores (e.g. VOC
 * `difficult`, or boxes outside a size range) are neither found nor missed, and a detection that
 * lands on one, or that is unmatched and itself outside the subset, is neither a true nor a false
 * positive. Counting compares the counted detections with the counted boxes.
 */
import type { Box } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { averagePrecision, type ScoredOutcome } from './ap.js';
import { matchFrame, type MatchCriterion } from './matching.js';

export interface EvalConfig {
  /** Operating threshold: detections with score >= this count for F1, counting, recall and FP. */
  scoreThreshold: number;
  /** IoU for "IoU matching" in the F1 numbers. */
  iouThreshold: number;
  /** Centre-distance matching radius, in input pixels. */
  centreDistancePx: number;
}

export const DEFAULT_EVAL: EvalConfig = { scoreThreshold: 0.5, iouThreshold: 0.5, centreDistancePx: 1.5 };

export interface PrfCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface DetectionMetrics {
  frames: number;
  groundTruthBoxes: number;
  config: EvalConfig;
  mAP50: number;
  mAP50to95: number;
  /** AP@0.5 per class index (NaN for a class without ground truth). */
  ap50PerClass: number[];
  f1Iou: PrfCounts;
  f1Centre: PrfCounts;
  countMAE: number;
  countExactAccuracy: number;
  countMAEByTrueCount: { trueCount: string; frames: number; mae: number }[];
  overlapFrames: number;
  overlapRecallCentre: number;
  overlapRecallIou: number;
  emptyFrames: number;
  fpPerEmptyFrame: number;
  emptyDistractorFrames: number;
  fpPerEmptyDistractorFrame: number;
}

/** Which boxes and unmatched detections an evaluation counts (all, when absent). */
export interface EvalSubset {
  ignoreBox?: (box: Box, frame: number) => boolean;
  /** Applied to detections that matched no box, counted or ignored. */
  ignoreUnmatchedDetection?: (det: Detection, frame: number) => boolean;
}

/** The PASCAL VOC convention: boxes flagged `difficult` are ignored. */
export const IGNORE_DIFFICULT: EvalSubset = { ignoreBox: (b) => b.difficult === true };

/** Per detection: true positive (counted), or ignored; anything else is a false positive. */
interface FrameOutcome { tp: boolean[]; ignored: boolean[]; countedBoxes: number }

function frameOutcome(dets: ReadonlyArray<Detection>, boxes: ReadonlyArray<Box>, frame: number, criterion: MatchCriterion,
  subset: EvalSubset): FrameOutcome {
  const ignoredBox = subset.ignoreBox ? boxes.map((b) => subset.ignoreBox!(b, frame)) : undefined;
  const m = matchFrame(dets, boxes, criterion, ignoredBox);
  const unmatchedOut = subset.ignoreUnmatchedDetection;
  const ignored = dets.map((d, i) => m.detectionIgnored[i] || (!m.detectionMatched[i] && unmatchedOut !== undefined && unmatchedOut(d, frame)));
  const countedBoxes = ignoredBox ? ignoredBox.filter((x) => !x).length : boxes.length;
  return { tp: m.detectionMatched, ignored, countedBoxes };
}

const countTrue = (flags: boolean[]) => flags.reduce((n, f) => n + (f ? 1 : 0), 0);

export const IOU_THRESHOLDS_50_95 = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);

function prf(tp: number, fp: number, fn: number): PrfCounts {
  const precision = tp + fp > 0 ? tp / (tp + fp) : tp + fn === 0 ? 1 : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

function meanDefined(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x));
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN;
}

function isOverlapFrame(boxes: ReadonlyArray<Box>, tags: ReadonlyArray<string> | undefined): boolean {
  return boxes.some((b) => b.overlapping === true) || (tags ?? []).some((t) => t === 'overlap' || t === 'overlapping');
}

function hasDistractor(tags: ReadonlyArray<string> | undefined): boolean {
  return (tags ?? []).some((t) => t.startsWith('distractor'));
}

/** mAP over classes at one IoU threshold, using every detection given. */
export function meanAveragePrecision(predictions: ReadonlyArray<ReadonlyArray<Detection>>, groundTruth: ReadonlyArray<ReadonlyArray<Box>>, iouThreshold: number,
  subset: EvalSubset = {}): { mAP: number; perClass: number[] } {
  let numClasses = 0;
  for (const f of groundTruth) for (const b of f) numClasses = Math.max(numClasses, b.cls + 1);
  for (const f of predictions) for (const d of f) numClasses = Math.max(numClasses, d.cls + 1);
  const outcomes: ScoredOutcome[][] = Array.from({ length: numClasses }, () => []);
  const gtCount = new Array<number>(numClasses).fill(0);
  predictions.forEach((dets, f) => {
    const o = frameOutcome(dets, groundTruth[f], f, { kind: 'iou', threshold: iouThreshold }, subset);
    dets.forEach((d, i) => { if (!o.ignored[i]) outcomes[d.cls].push({ score: d.score, truePositive: o.tp[i] }); });
    for (const b of groundTruth[f]) if (!subset.ignoreBox?.(b, f)) gtCount[b.cls]++;
  });
  const perClass = outcomes.map((o, c) => averagePrecision(o, gtCount[c]));
  return { mAP: meanDefined(perClass), perClass };
}

export function evaluate(
  predictions: ReadonlyArray<ReadonlyArray<Detection>>,
  groundTruth: ReadonlyArray<ReadonlyArray<Box>>,
  frameTags: ReadonlyArray<ReadonlyArray<string> | undefined> = [],
  cfg: Partial<EvalConfig> = {},
  subset: EvalSubset = {},
): DetectionMetrics {
  const config: EvalConfig = { ...DEFAULT_EVAL, ...cfg };
  if (predictions.length !== groundTruth.length) throw new Error(`evaluate: ${predictions.length} prediction lists for ${groundTruth.length} frames`);
  if (frameTags.length !== 0 && frameTags.length !== groundTruth.length) throw new Error(`evaluate: ${frameTags.length} tag lists for ${groundTruth.length} frames`);
  const frames = groundTruth.length;

  const map50 = meanAveragePrecision(predictions, groundTruth, 0.5, subset);
  const mAP50to95 = meanDefined(IOU_THRESHOLDS_50_95.map((t) => meanAveragePrecision(predictions, groundTruth, t, subset).mAP));

  const iouCrit: MatchCriterion = { kind: 'iou', threshold: config.iouThreshold };
  const centreCrit: MatchCriterion = { kind: 'centre', maxDistancePx: config.centreDistancePx };
  const sums = { iouTp: 0, iouFp: 0, cTp: 0, cFp: 0, gt: 0, absErr: 0, exact: 0 };
  const byCount = new Map<string, { frames: number; absErr: number }>(['0', '1', '2', '3+'].map((k) => [k, { frames: 0, absErr: 0 }]));
  const overlap = { frames: 0, gt: 0, centreTp: 0, iouTp: 0 };
  const empty = { frames: 0, fp: 0, distractorFrames: 0, distractorFp: 0 };

  for (let f = 0; f < frames; f++) {
    const boxes = groundTruth[f];
    const kept = predictions[f].filter((d) => d.score >= config.scoreThreshold);
    const mi = frameOutcome(kept, boxes, f, iouCrit, subset), mc = frameOutcome(kept, boxes, f, centreCrit, subset);
    const iouTp = countTrue(mi.tp), cTp = countTrue(mc.tp);
    const iouCounted = kept.length - countTrue(mi.ignored), cCounted = kept.length - countTrue(mc.ignored);
    sums.iouTp += iouTp; sums.iouFp += iouCounted - iouTp;
    sums.cTp += cTp; sums.cFp += cCounted - cTp;
    const counted = mi.countedBoxes;
    sums.gt += counted;
    const err = Math.abs(iouCounted - counted);
    sums.absErr += err;
    if (err === 0) sums.exact++;
    const bucket = byCount.get(counted >= 3 ? '3+' : String(counted))!;
    bucket.frames++; bucket.absErr += err;
    const tags = frameTags[f];
    if (counted > 0 && isOverlapFrame(boxes, tags)) {
      overlap.frames++; overlap.gt += counted; overlap.centreTp += cTp; overlap.iouTp += iouTp;
    }
    if (boxes.length === 0 && !(tags ?? []).includes('unlabelled-person')) {
      empty.frames++; empty.fp += iouCounted;
      if (hasDistractor(tags)) { empty.distractorFrames++; empty.distractorFp += iouCounted; }
    }
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  return {
    frames,
    groundTruthBoxes: sums.gt,
    config,
    mAP50: map50.mAP,
    mAP50to95,
    ap50PerClass: map50.perClass,
    f1Iou: prf(sums.iouTp, sums.iouFp, sums.gt - sums.iouTp),
    f1Centre: prf(sums.cTp, sums.cFp, sums.gt - sums.cTp),
    countMAE: ratio(sums.absErr, frames),
    countExactAccuracy: ratio(sums.exact, frames),
    countMAEByTrueCount: [...byCount].map(([trueCount, v]) => ({ trueCount, frames: v.frames, mae: ratio(v.absErr, v.frames) })),
    overlapFrames: overlap.frames,
    overlapRecallCentre: ratio(overlap.centreTp, overlap.gt),
    overlapRecallIou: ratio(overlap.iouTp, overlap.gt),
    emptyFrames: empty.frames,
    fpPerEmptyFrame: ratio(empty.fp, empty.frames),
    emptyDistractorFrames: empty.distractorFrames,
    fpPerEmptyDistractorFrame: ratio(empty.distractorFp, empty.distractorFrames),
  };
}
