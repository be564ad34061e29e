/**
 * Hard example mining (PAPER.md): hard negatives are the negatives with the largest confidence loss,
 * k_neg = ceil(neg_pos_ratio * max(N_pos, 1)) per batch; hard positives are the positives with the
 * largest classification loss, k_pos = ceil(hard_pos_ratio * N_pos). Mining is over the whole batch
 * (PAPER.md normalises "in the batch"), and the max(N_pos, 1) keeps a batch of empty scenes teaching
 * the background instead of contributing nothing.
 */

/** Mask of the k eligible indices with the largest score; ties go to the lower index. */
export function topKMask(score: ArrayLike<number>, eligible: ArrayLike<number>, k: number): Uint8Array {
  const mask = new Uint8Array(score.length);
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) if (eligible[i]) idx.push(i);
  if (k <= 0) return mask;
  if (k >= idx.length) {
    for (const i of idx) mask[i] = 1;
    return mask;
  }
  idx.sort((i, j) => score[j] - score[i] || i - j);
  for (let t = 0; t < k; t++) mask[idx[t]] = 1;
  return mask;
}

export function hardNegativeCount(negatives: number, positives: number, negPosRatio: number): number {
  return Math.min(negatives, Math.ceil(negPosRatio * Math.max(positives, 1)));
}

export function hardPositiveCount(positives: number, hardPosRatio: number): number {
  return Math.min(positives, Math.ceil(hardPosRatio * positives));
}

/** Hard negatives: top k_neg of `confLoss` among anchors with isNegative[i] = 1. */
export function hardNegativeMask(confLoss: ArrayLike<number>, isNegative: Uint8Array, positives: number, negPosRatio: number): Uint8Array {
  let negatives = 0;
  for (let i = 0; i < isNegative.length; i++) negatives += isNegative[i];
  return topKMask(confLoss, isNegative, hardNegativeCount(negatives, positives, negPosRatio));
}

/** Hard positives: top k_pos of `clsLoss` among anchors with isPositive[i] = 1. */
export function hardPositiveMask(clsLoss: ArrayLike<number>, isPositive: Uint8Array, hardPosRatio: number): Uint8Array {
  let positives = 0;
  for (let i = 0; i < isPositive.length; i++) positives += isPositive[i];
  return topKMask(clsLoss, isPositive, hardPositiveCount(positives, hardPosRatio));
}
