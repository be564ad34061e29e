/**
 * Anchor-to-ground-truth matching. Two strategies pick the positives:
 * - 'iou' (SSD, PAPER.md): an anchor is positive when its best IoU with a box is >= positiveIou;
 * - 'atss' (Zhang et al. 2020, "Bridging the Gap Between Anchor-based and Anchor-free Detection via
 *   Adaptive Training Sample Selection"): per box and output scale the topK anchors with the nearest
 *   centres are candidates; those whose IoU is >= mean + standard deviation of the candidates' IoUs,
 *   and whose centre lies on the box, are positive. The threshold adapts to the box: a 1.5 x 6 px
 *   person, whom no anchor on a stride-4 grid overlaps at 0.4, still gets the anchors nearest to it
 *   (the candidates' IoUs are all low, so is their mean), and a large box keeps only its best ones.
 *   "On the box" is relaxed to "within half a stride of the box" on an axis where the box is thinner
 *   than the grid, else a 1.5 px wide box would almost never hold an anchor centre.
 * Either way an anchor that is not positive is negative when its best IoU is < negativeIou, ignored
 * in between (it neither teaches "person" nor "background"), and every box additionally forces one
 * anchor to be positive (its best-IoU anchor), so small boxes still get trained. Forcing is greedy
 * over (box, anchor) pairs by IoU and never gives two boxes the same anchor: two overlapping people
 * whose best anchor coincides each keep a positive anchor instead of one of them silently losing its
 * only target.
 */
import type { Box } from '../data/types.js';
import type { AnchorSet } from './types.js';
import { iouXywh } from './iou.js';

export interface MatchConfig {
  positiveIou: number;
  negativeIou: number;
  /** 'iou' (default): fixed positiveIou; 'atss': adaptive per-box threshold, positiveIou unused. */
  strategy?: 'iou' | 'atss';
  /** ATSS candidates per box and output scale (default 9: 3 locations x 3 shapes). */
  topK?: number;
}

/**
 * 0.4 / 0.3 rather than SSD's 0.5 / 0.4: at 32x24 a 1 px offset costs a small box 0.2-0.5 of IoU
 * (src/nn/data/THERMAL.md §7), and the anchor grid is 4 px apart, so with 0.5 only about 0.6 of the
 * generator's boxes have any anchor over the threshold (0.83 with 0.4; see anchors.ts).
 */
export const DEFAULT_MATCH: MatchConfig = { positiveIou: 0.4, negativeIou: 0.3 };

export const NEGATIVE = 0;
export const POSITIVE = 1;
export const IGNORED = -1;

export interface AnchorMatch {
  /** Per anchor: POSITIVE (1), NEGATIVE (0) or IGNORED (-1). */
  labels: Int8Array;
  /** Per anchor: index of the matched box for positives, else -1. */
  matchedBox: Int32Array;
  /** Per anchor: best IoU with any box (0 when there are none). */
  bestIou: Float32Array;
  positives: number;
}

export function matchAnchors(anchors: AnchorSet, boxes: ReadonlyArray<Box>, cfg: MatchConfig = DEFAULT_MATCH): AnchorMatch {
  if (!(cfg.negativeIou <= cfg.positiveIou)) throw new Error(`match: negativeIou (${cfg.negativeIou}) must not exceed positiveIou (${cfg.positiveIou})`);
  const n = anchors.count, g = boxes.length;
  const labels = new Int8Array(n);
  const matchedBox = new Int32Array(n).fill(-1);
  const bestIou = new Float32Array(n);
  const ious = new Float32Array(n * g); // [anchor, box]
  for (let a = 0; a < n; a++) {
    const ax = anchors.cx[a] - anchors.w[a] / 2, ay = anchors.cy[a] - anchors.h[a] / 2;
    let best = 0, bestBox = -1;
    for (let j = 0; j < g; j++) {
      const b = boxes[j];
      const v = iouXywh(ax, ay, anchors.w[a], anchors.h[a], b.x, b.y, b.w, b.h);
      ious[a * g + j] = v;
      if (v > best) { best = v; bestBox = j; }
    }
    bestIou[a] = best;
    if (cfg.strategy !== 'atss' && best >= cfg.positiveIou && bestBox >= 0) {
      labels[a] = POSITIVE;
      matchedBox[a] = bestBox;
    } else if (best >= cfg.negativeIou) {
      labels[a] = IGNORED;
    }
  }
  if (cfg.strategy === 'atss') assignAtss(anchors, boxes, ious, cfg.topK ?? 9, labels, matchedBox);
  // Forced anchors: g rounds, each picking the highest-IoU (unforced box, unused anchor) pair.
  // Under ATSS a box that already holds a positive needs none, and a forced anchor never takes
  // another box's positive (it may be that box's only one).
  const boxDone = new Uint8Array(g), anchorUsed = new Uint8Array(n);
  if (cfg.strategy === 'atss') {
    for (let a = 0; a < n; a++) if (matchedBox[a] >= 0) { boxDone[matchedBox[a]] = 1; anchorUsed[a] = 1; }
  }
  for (let round = 0; round < g; round++) {
    let best = 0, bestA = -1, bestJ = -1;
    for (let a = 0; a < n; a++) {
      if (anchorUsed[a]) continue;
      for (let j = 0; j < g; j++) {
        if (!boxDone[j] && ious[a * g + j] > best) { best = ious[a * g + j]; bestA = a; bestJ = j; }
      }
    }
    if (bestA < 0) break; // remaining boxes overlap no anchor at all
    boxDone[bestJ] = 1;
    anchorUsed[bestA] = 1;
    labels[bestA] = POSITIVE;
    matchedBox[bestA] = bestJ;
  }
  let positives = 0;
  for (let a = 0; a < n; a++) if (labels[a] === POSITIVE) positives++;
  return { labels, matchedBox, bestIou, positives };
}

/**
 * ATSS positives (see the header), written into labels/matchedBox. An anchor that qualifies for
 * several boxes goes to the one it overlaps most, as in the paper. `ious` is [anchor, box].
 */
function assignAtss(anchors: AnchorSet, boxes: ReadonlyArray<Box>, ious: Float32Array, topK: number, labels: Int8Array, matchedBox: Int32Array): void {
  const g = boxes.length;
  if (g === 0) return;
  const strides = anchors.scaleStride;
  const assignedIou = new Float32Array(anchors.count);
  for (let j = 0; j < g; j++) {
    const b = boxes[j];
    const bcx = b.x + b.w / 2, bcy = b.y + b.h / 2;
    const candidates: number[] = [], candidateScale: number[] = [];
    for (let s = 0; s < strides.length; s++) {
      const start = anchors.scaleStart[s], end = anchors.scaleStart[s + 1];
      const order: number[] = [];
      for (let a = start; a < end; a++) order.push(a);
      const dist = (a: number) => (anchors.cx[a] - bcx) ** 2 + (anchors.cy[a] - bcy) ** 2;
      order.sort((p, q) => dist(p) - dist(q) || p - q);
      for (const a of order.slice(0, topK)) { candidates.push(a); candidateScale.push(s); }
    }
    let mean = 0;
    for (const a of candidates) mean += ious[a * g + j];
    mean /= candidates.length;
    let variance = 0;
    for (const a of candidates) variance += (ious[a * g + j] - mean) ** 2;
    const threshold = mean + Math.sqrt(variance / candidates.length);
    for (let c = 0; c < candidates.length; c++) {
      const a = candidates[c];
      const v = ious[a * g + j];
      if (v <= 0 || v < threshold) continue;
      const stride = strides[candidateScale[c]];
      const halfW = Math.max(b.w, stride) / 2, halfH = Math.max(b.h, stride) / 2;
      if (Math.abs(anchors.cx[a] - bcx) > halfW || Math.abs(anchors.cy[a] - bcy) > halfH) continue;
      if (labels[a] === POSITIVE && assignedIou[a] >= v) continue;
      labels[a] = POSITIVE;
      matchedBox[a] = j;
      assignedIou[a] = v;
    }
  }
}
