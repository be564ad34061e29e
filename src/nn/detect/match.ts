/**
 * Anchor-to-ground-truth matching. An anchor is positive when its best IoU with a box is >= positiveIou,
 * negative when < negativeIou, ignored in between (it neither teaches "person" nor "background").
 * Every box additionally forces one anchor to be positive (its best-IoU anchor), so small boxes that
 * no anchor reaches positiveIou with still get trained. Forcing is greedy over (box, anchor) pairs by
 * IoU and never gives two boxes the same anchor: two overlapping people whose best anchor coincides
 * each keep a positive anchor instead of one of them silently losing its only target.
 */
import type { Box } from '../data/types.js';
import type { AnchorSet } from './types.js';
import { iouXywh } from './iou.js';

export interface MatchConfig {
  positiveIou: number;
  negativeIou: number;
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
    if (best >= cfg.positiveIou && bestBox >= 0) {
      labels[a] = POSITIVE;
      matchedBox[a] = bestBox;
    } else if (best >= cfg.negativeIou) {
      labels[a] = IGNORED;
    }
  }
  // Forced anchors: g rounds, each picking the highest-IoU (unforced box, unused anchor) pair.
  const boxDone = new Uint8Array(g), anchorUsed = new Uint8Array(n);
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
