/**
 * Choosing the deployed score threshold: the one that maximises F1 on a validation set. Greedy
 * matching by score is prefix-stable (a detection's match depends only on higher-scored ones), so
 * one matching of all detections gives the TP/FP flags of every threshold at once.
 */
import type { Box } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { matchFrame, type MatchCriterion } from './matching.js';

export interface OperatingPoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Threshold (one of the detection scores) with the best F1; ties go to the higher threshold. */
export function bestF1Threshold(
  predictions: ReadonlyArray<ReadonlyArray<Detection>>, groundTruth: ReadonlyArray<ReadonlyArray<Box>>, criterion: MatchCriterion,
): OperatingPoint {
  if (predictions.length !== groundTruth.length) throw new Error(`bestF1Threshold: ${predictions.length} prediction lists for ${groundTruth.length} frames`);
  const outcomes: { score: number; tp: boolean }[] = [];
  let gt = 0;
  predictions.forEach((dets, f) => {
    const m = matchFrame(dets, groundTruth[f], criterion);
    dets.forEach((d, i) => outcomes.push({ score: d.score, tp: m.detectionMatched[i] }));
    gt += groundTruth[f].length;
  });
  outcomes.sort((a, b) => b.score - a.score);
  let best: OperatingPoint = { threshold: Infinity, precision: 1, recall: gt === 0 ? 1 : 0, f1: gt === 0 ? 1 : 0 };
  let tp = 0;
  for (let k = 0; k < outcomes.length; k++) {
    if (outcomes[k].tp) tp++;
    // Only evaluate at the end of a run of equal scores: a threshold keeps all of them or none.
    if (k + 1 < outcomes.length && outcomes[k + 1].score === outcomes[k].score) continue;
    const precision = tp / (k + 1), recall = gt > 0 ? tp / gt : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > best.f1) best = { threshold: outcomes[k].score, precision, recall, f1 };
  }
  return best;
}
