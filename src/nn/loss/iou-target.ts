/**
 * IoU-aware confidence targets (`--iou-score`): the confidence term's target on a positive anchor
 * becomes the IoU of the box the head currently predicts there with its ground truth (a constant for
 * the gradient), as in IoU-aware single-stage detectors (Wu et al. 2020, "IoU-aware single-stage
 * object detector"). The score then ranks detections by how well they are placed, so NMS keeps the
 * better-placed of two overlapping boxes and badly placed ones fall under the threshold.
 */
import type { AnchorSet, Variances } from '../detect/types.js';
import { decodeBox } from '../detect/codec.js';
import { iou } from '../detect/iou.js';

/**
 * classTarget [N*A, C] with each positive's 1 replaced by IoU(decoded prediction, decoded target).
 * `offsets` and `boxTarget` are [N*A, 4]; `isPositive` [N*A].
 */
export function iouAwareTargets(
  classTarget: Float64Array, offsets: Float64Array, boxTarget: Float64Array, isPositive: Uint8Array,
  anchors: AnchorSet, numClasses: number, variances: Variances,
): Float64Array {
  const out = Float64Array.from(classTarget);
  for (let k = 0; k < isPositive.length; k++) {
    if (!isPositive[k]) continue;
    const a = k % anchors.count;
    const q = iou(decodeBox(anchors, a, offsets, k * 4, variances), decodeBox(anchors, a, boxTarget, k * 4, variances));
    for (let c = 0; c < numClasses; c++) out[k * numClasses + c] *= q;
  }
  return out;
}
