/** Greedy non-maximum suppression: keep the best-scoring box, drop others with IoU > threshold, repeat. */
import type { Detection } from './types.js';
import { iouXywh } from './iou.js';

/**
 * Returns the kept detections sorted by descending score (ties keep input order). Suppression only
 * acts within a class unless `classAgnostic` is set. At most `maxDetections` are kept.
 */
export function nms(dets: ReadonlyArray<Detection>, iouThreshold: number, maxDetections = Infinity, classAgnostic = false): Detection[] {
  const order = dets.map((_, i) => i).sort((i, j) => dets[j].score - dets[i].score || i - j);
  const suppressed = new Uint8Array(dets.length);
  const kept: Detection[] = [];
  for (let oi = 0; oi < order.length && kept.length < maxDetections; oi++) {
    const i = order[oi];
    if (suppressed[i]) continue;
    const a = dets[i];
    kept.push(a);
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj];
      if (suppressed[j]) continue;
      const b = dets[j];
      if (!classAgnostic && b.cls !== a.cls) continue;
      if (iouXywh(a.x, a.y, a.w, a.h, b.x, b.y, b.w, b.h) > iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}
