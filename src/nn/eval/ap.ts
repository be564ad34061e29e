/**
 * Average precision by all-point interpolation (PASCAL VOC 2010+): with detections of all frames
 * sorted by descending score, AP = sum over recall steps of (R_i - R_{i-1}) * max_{j >= i} P_j,
 * i.e. the exact area under the monotone precision envelope (not COCO's 101-point sampling).
 */

export interface ScoredOutcome {
  score: number;
  truePositive: boolean;
}

/** AP of one class. `groundTruth` = number of boxes of the class; NaN when it is 0 (AP undefined). */
export function averagePrecision(outcomes: ReadonlyArray<ScoredOutcome>, groundTruth: number): number {
  if (groundTruth === 0) return Number.NaN;
  // Stable sort keeps the given order among equal scores.
  const sorted = outcomes.map((o, i) => ({ o, i })).sort((p, q) => q.o.score - p.o.score || p.i - q.i);
  const n = sorted.length;
  const precision = new Float64Array(n), recall = new Float64Array(n);
  let tp = 0;
  for (let k = 0; k < n; k++) {
    if (sorted[k].o.truePositive) tp++;
    precision[k] = tp / (k + 1);
    recall[k] = tp / groundTruth;
  }
  for (let k = n - 2; k >= 0; k--) precision[k] = Math.max(precision[k], precision[k + 1]);
  let ap = 0, prevRecall = 0;
  for (let k = 0; k < n; k++) {
    if (recall[k] > prevRecall) {
      ap += (recall[k] - prevRecall) * precision[k];
      prevRecall = recall[k];
    }
  }
  return ap;
}
