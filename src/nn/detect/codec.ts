/**
 * SSD box codec. For an anchor (acx, acy, aw, ah) and a box with centre (cx, cy) and size (w, h):
 *   dx = (cx - acx) / aw / v0      dy = (cy - acy) / ah / v0
 *   dw = ln(w / aw) / v1           dh = ln(h / ah) / v1
 * with variances (v0, v1) = (0.1, 0.2) by default, so that typical targets have unit-ish spread.
 * Decoding inverts this; the size exponent is clamped at MAX_LOG_SCALE (x62.5 the anchor) so an
 * untrained head cannot overflow to Infinity.
 */
import type { AnchorSet, Variances } from './types.js';
import { DEFAULT_VARIANCES } from './types.js';
import type { Rect } from './iou.js';

export const MAX_LOG_SCALE = Math.log(1000 / 16);

/** Encode one box (top-left xywh) against anchor `a`; writes 4 values at out[offset..offset+3]. */
export function encodeBox(anchors: AnchorSet, a: number, box: Rect, out: Float32Array | Float64Array, offset: number, v: Variances = DEFAULT_VARIANCES): void {
  const aw = anchors.w[a], ah = anchors.h[a];
  out[offset] = (box.x + box.w / 2 - anchors.cx[a]) / aw / v[0];
  out[offset + 1] = (box.y + box.h / 2 - anchors.cy[a]) / ah / v[0];
  out[offset + 2] = Math.log(box.w / aw) / v[1];
  out[offset + 3] = Math.log(box.h / ah) / v[1];
}

/** Decode the offsets at d[offset..offset+3] against anchor `a` into a top-left xywh box. */
export function decodeBox(anchors: AnchorSet, a: number, d: ArrayLike<number>, offset: number, v: Variances = DEFAULT_VARIANCES): Rect {
  const aw = anchors.w[a], ah = anchors.h[a];
  const cx = anchors.cx[a] + d[offset] * v[0] * aw;
  const cy = anchors.cy[a] + d[offset + 1] * v[0] * ah;
  const w = aw * Math.exp(Math.min(d[offset + 2] * v[1], MAX_LOG_SCALE));
  const h = ah * Math.exp(Math.min(d[offset + 3] * v[1], MAX_LOG_SCALE));
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

/**
 * Encode a list of (anchor, box) pairs: returns [pairs, 4] offsets. `anchorIndex[i]` is the anchor of
 * boxes[i]. Boxes must have positive size (a log of zero is no target).
 */
export function encodeBoxes(anchors: AnchorSet, anchorIndex: ArrayLike<number>, boxes: ReadonlyArray<Rect>, v: Variances = DEFAULT_VARIANCES): Float32Array {
  if (anchorIndex.length !== boxes.length) throw new Error(`encodeBoxes: ${anchorIndex.length} anchor indices for ${boxes.length} boxes`);
  const out = new Float32Array(boxes.length * 4);
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    if (!(b.w > 0) || !(b.h > 0)) throw new Error(`encodeBoxes: box ${i} has non-positive size ${b.w}x${b.h}`);
    encodeBox(anchors, anchorIndex[i], b, out, i * 4, v);
  }
  return out;
}

/** Decode [count, stride] rows whose first 4 values are offsets, one row per anchor, into boxes. */
export function decodeBoxes(anchors: AnchorSet, offsets: ArrayLike<number>, stride = 4, v: Variances = DEFAULT_VARIANCES): Rect[] {
  if (offsets.length !== anchors.count * stride) throw new Error(`decodeBoxes: ${offsets.length} values for ${anchors.count} anchors x ${stride}`);
  const out: Rect[] = new Array(anchors.count);
  for (let a = 0; a < anchors.count; a++) out[a] = decodeBox(anchors, a, offsets, a * stride, v);
  return out;
}
