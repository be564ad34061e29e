/**
 * Why each error happened (in the spirit of Hoiem et al. 2012 "Diagnosing error in object detectors"
 * and TIDE, Bolya et al. 2020), at the operating point with IoU >= 0.5 matching, every box counted:
 *  - a missed box is `lowScore` when a detection below the threshold would have matched it (IoU >= 0.5:
 *    the score threshold / calibration is at fault), else `mislocalised` when a kept detection overlaps
 *    it only with 0.1 <= IoU < 0.5 (box regression, the sub-pixel IoU fragility of
 *    src/nn/data/THERMAL.md §7),
 *    else `notFound` (nothing there: recognition);
 *  - a false positive is `duplicate` when it has IoU >= 0.5 with a box another detection already took
 *    (NMS), `localisation` when its best IoU with any box is in [0.1, 0.5), else `background` (a warm
 *    object or noise taken for a person).
 * Each count says what fixing that one cause would recover, so the report can say what would fix what.
 */
import type { Box } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { iouXywh } from '../detect/iou.js';
import { DEFAULT_EVAL, type EvalConfig } from './evaluate.js';
import { matchFrame } from './matching.js';

export interface ErrorKinds {
  misses: { lowScore: number; mislocalised: number; notFound: number };
  falsePositives: { duplicate: number; localisation: number; background: number };
}

/** IoU below which a detection is not "about" a box at all. */
const TOUCH_IOU = 0.1;

const bestIou = (d: { x: number; y: number; w: number; h: number }, boxes: ReadonlyArray<Box>) =>
  boxes.reduce((m, b) => Math.max(m, iouXywh(d.x, d.y, d.w, d.h, b.x, b.y, b.w, b.h)), 0);

export function errorKinds(predictions: ReadonlyArray<ReadonlyArray<Detection>>, groundTruth: ReadonlyArray<ReadonlyArray<Box>>,
  cfg: Partial<EvalConfig> = {}): ErrorKinds {
  const c = { ...DEFAULT_EVAL, ...cfg };
  const out: ErrorKinds = { misses: { lowScore: 0, mislocalised: 0, notFound: 0 }, falsePositives: { duplicate: 0, localisation: 0, background: 0 } };
  groundTruth.forEach((boxes, f) => {
    const kept = predictions[f].filter((d) => d.score >= c.scoreThreshold);
    const below = predictions[f].filter((d) => d.score < c.scoreThreshold);
    const m = matchFrame(kept, boxes, { kind: 'iou', threshold: c.iouThreshold });
    boxes.forEach((b, j) => {
      if (m.boxMatchedBy[j] >= 0) return;
      if (below.some((d) => d.cls === b.cls && bestIou(d, [b]) >= c.iouThreshold)) out.misses.lowScore++;
      else if (kept.some((d) => bestIou(d, [b]) >= TOUCH_IOU)) out.misses.mislocalised++;
      else out.misses.notFound++;
    });
    kept.forEach((d, i) => {
      if (m.detectionMatched[i]) return;
      const iou = bestIou(d, boxes);
      if (iou >= c.iouThreshold) out.falsePositives.duplicate++;
      else if (iou >= TOUCH_IOU) out.falsePositives.localisation++;
      else out.falsePositives.background++;
    });
  });
  return out;
}
