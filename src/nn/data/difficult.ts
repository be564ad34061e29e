/**
 * The objective `difficult` rule (PASCAL VOC's flag, made measurable for 32x24 thermopile frames;
 * reports/error-analysis.md shows the numbers behind it). A labelled person is difficult when
 *  - its visible silhouette covers less than DIFFICULT_MAX_AREA_PX2 sensor pixels² (after optics blur
 *    and NETD noise, under two pixels' worth of signal is indistinguishable from a warm object or a
 *    noise blob; KITTI's minimum box height plays the same role), or
 *  - less than DIFFICULT_MIN_VISIBLE_FRACTION of its in-frame silhouette is visible (more than 70 %
 *    hidden behind someone nearer, KITTI's "heavily occluded" class).
 * Evaluations report metrics with difficult boxes ignored (a detection on one is neither a true nor a
 * false positive, a miss is not counted) and with every box counted.
 */
import type { Box } from './types.js';

export const DIFFICULT_MAX_AREA_PX2 = 2;
export const DIFFICULT_MIN_VISIBLE_FRACTION = 0.3;

/**
 * The rule on a box's stored measurements. Boxes without a visible area (imported labels) use the
 * box area as an upper bound of the silhouette, so only clearly tiny boxes become difficult.
 */
export function isDifficult(box: Pick<Box, 'w' | 'h' | 'visibleArea' | 'visibleFraction'>): boolean {
  const area = box.visibleArea ?? box.w * box.h;
  return area < DIFFICULT_MAX_AREA_PX2 || (box.visibleFraction ?? 1) < DIFFICULT_MIN_VISIBLE_FRACTION;
}
