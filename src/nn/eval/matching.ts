/**
 * Greedy detection-to-ground-truth matching by score (COCO rule): detections are visited in
 * descending score (ties: input order); each takes the best still-unmatched box of its class that
 * passes the criterion, else it is a false positive. Two criteria:
 *  - IoU >= threshold (best = highest IoU);
 *  - centre distance <= threshold in pixels (best = nearest). src/nn/data/THERMAL.md §7 recommends it
 *    next to IoU because at 32x24 a 1 px shift drops the IoU of a 3x8 box to 0.5 and of a 2x2 box to 0.33.
 * Ignored boxes (PASCAL VOC `difficult`, or boxes outside a size range being evaluated) follow COCO's
 * rule: a detection first looks for a counted box; only if none passes does it take an ignored box,
 * and then it is ignored too (neither true nor false positive); an unmatched ignored box is no miss.
 */
import type { Box } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { iouXywh } from '../detect/iou.js';

export type MatchCriterion = { kind: 'iou'; threshold: number } | { kind: 'centre'; maxDistancePx: number };

export interface FrameMatch {
  /** Per detection, in the order given: true when it matched a box. */
  detectionMatched: boolean[];
  /** Per box: index of the matching detection, or -1. */
  boxMatchedBy: number[];
  /** Per detection: true when it matched an ignored box (all false without `ignoredBox`). */
  detectionIgnored: boolean[];
}

export function centreDistance(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): number {
  return Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));
}

export function matchFrame(dets: ReadonlyArray<Detection>, boxes: ReadonlyArray<Box>, criterion: MatchCriterion,
  ignoredBox?: ReadonlyArray<boolean>): FrameMatch {
  const detectionMatched = new Array<boolean>(dets.length).fill(false);
  const detectionIgnored = new Array<boolean>(dets.length).fill(false);
  const boxMatchedBy = new Array<number>(boxes.length).fill(-1);
  const order = dets.map((_, i) => i).sort((i, j) => dets[j].score - dets[i].score || i - j);
  for (const i of order) {
    const counted = bestBox(dets[i], boxes, criterion, boxMatchedBy, ignoredBox, false);
    const j = counted >= 0 || !ignoredBox ? counted : bestBox(dets[i], boxes, criterion, boxMatchedBy, ignoredBox, true);
    if (j < 0) continue;
    boxMatchedBy[j] = i;
    if (ignoredBox?.[j]) detectionIgnored[i] = true;
    else detectionMatched[i] = true;
  }
  return { detectionMatched, boxMatchedBy, detectionIgnored };
}

/** The best still-unmatched box for `d` among the counted (or, with `wantIgnored`, the ignored) boxes. */
function bestBox(d: Detection, boxes: ReadonlyArray<Box>, criterion: MatchCriterion, boxMatchedBy: number[],
  ignoredBox: ReadonlyArray<boolean> | undefined, wantIgnored: boolean): number {
  let best = -1, bestQuality = -Infinity;
  for (let j = 0; j < boxes.length; j++) {
    const b = boxes[j];
    if (boxMatchedBy[j] >= 0 || b.cls !== d.cls || (ignoredBox?.[j] === true) !== wantIgnored) continue;
    let quality: number;
    if (criterion.kind === 'iou') {
      const v = iouXywh(d.x, d.y, d.w, d.h, b.x, b.y, b.w, b.h);
      if (v < criterion.threshold || v === 0) continue;
      quality = v;
    } else {
      const dist = centreDistance(d, b);
      if (dist > criterion.maxDistancePx) continue;
      quality = -dist;
    }
    if (quality > bestQuality) { bestQuality = quality; best = j; }
  }
  return best;
}
