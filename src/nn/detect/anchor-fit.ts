/**
 * Fitting anchor shapes to a data set and measuring how well anchors cover its boxes.
 * Shapes: k-means on (w, h) with 1 - IoU as the distance (boxes compared as if co-centred, as in
 * YOLOv2's anchor clustering), initialised deterministically at area quantiles so a fit is
 * reproducible. Coverage: share of boxes whose best anchor reaches the positive IoU without forcing,
 * and positives per box after matching (forced anchors included).
 */
import type { Box } from '../data/types.js';
import type { AnchorSet } from './types.js';
import { iouXywh } from './iou.js';
import { matchAnchors, type MatchConfig } from './match.js';

function shapeIou(w1: number, h1: number, w2: number, h2: number): number {
  const inter = Math.min(w1, w2) * Math.min(h1, h2);
  return inter / (w1 * h1 + w2 * h2 - inter);
}

/** k anchor shapes, sorted by area, each rounded to `round` pixels. */
export function fitAnchorSizes(shapes: ReadonlyArray<readonly [number, number]>, k: number, round = 0.5, maxIterations = 100): Array<[number, number]> {
  if (!Number.isInteger(k) || k < 1) throw new Error(`fitAnchorSizes: k must be a positive integer, got ${k}`);
  if (shapes.length < k) throw new Error(`fitAnchorSizes: ${shapes.length} boxes cannot make ${k} clusters`);
  const byArea = shapes.slice().sort((a, b) => a[0] * a[1] - b[0] * b[1]);
  let centres = Array.from({ length: k }, (_, j) => [...byArea[Math.floor(((j + 0.5) * byArea.length) / k)]] as [number, number]);
  const assign = new Int32Array(shapes.length).fill(-1);
  for (let it = 0; it < maxIterations; it++) {
    let changed = false;
    const sums = centres.map(() => [0, 0, 0]);
    shapes.forEach(([w, h], i) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (shapeIou(w, h, centres[j][0], centres[j][1]) > shapeIou(w, h, centres[best][0], centres[best][1])) best = j;
      if (assign[i] !== best) { assign[i] = best; changed = true; }
      sums[best][0] += w; sums[best][1] += h; sums[best][2]++;
    });
    centres = sums.map((s, j) => (s[2] > 0 ? [s[0] / s[2], s[1] / s[2]] : centres[j]) as [number, number]);
    if (!changed) break;
  }
  const r = (v: number) => Math.max(round, Math.round(v / round) * round);
  return centres.map(([w, h]) => [r(w), r(h)] as [number, number]).sort((a, b) => a[0] * a[1] - b[0] * b[1]);
}

export interface AnchorCoverage {
  boxes: number;
  /** Share of boxes with an anchor at IoU >= positiveIou before forcing. */
  naturalMatchRate: number;
  positivesPerBox: number;
  meanBestIou: number;
}

export function anchorCoverage(anchors: AnchorSet, frames: ReadonlyArray<ReadonlyArray<Box>>, match: MatchConfig): AnchorCoverage {
  let boxes = 0, natural = 0, positives = 0, bestSum = 0;
  for (const frameBoxes of frames) {
    positives += matchAnchors(anchors, frameBoxes, match).positives;
    for (const b of frameBoxes) {
      let best = 0;
      for (let a = 0; a < anchors.count; a++) {
        best = Math.max(best, iouXywh(anchors.cx[a] - anchors.w[a] / 2, anchors.cy[a] - anchors.h[a] / 2, anchors.w[a], anchors.h[a], b.x, b.y, b.w, b.h));
      }
      boxes++;
      bestSum += best;
      if (best >= match.positiveIou) natural++;
    }
  }
  const per = (v: number) => (boxes > 0 ? v / boxes : Number.NaN);
  return { boxes, naturalMatchRate: per(natural), positivesPerBox: per(positives), meanBestIou: per(bestSum) };
}
