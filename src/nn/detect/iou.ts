/** Intersection over union of axis-aligned boxes given as (x, y, w, h), top-left origin, pixels. */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function intersectionArea(ax: number, ay: number, aw: number, ah: number, bx: number, by: number, bw: number, bh: number): number {
  const iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  const ih = Math.min(ay + ah, by + bh) - Math.max(ay, by);
  return iw > 0 && ih > 0 ? iw * ih : 0;
}

/** IoU from raw coordinates (hot-path form, no objects). Zero when either box is empty. */
export function iouXywh(ax: number, ay: number, aw: number, ah: number, bx: number, by: number, bw: number, bh: number): number {
  const inter = intersectionArea(ax, ay, aw, ah, bx, by, bw, bh);
  if (inter === 0) return 0;
  return inter / (aw * ah + bw * bh - inter);
}

export function iou(a: Rect, b: Rect): number {
  return iouXywh(a.x, a.y, a.w, a.h, b.x, b.y, b.w, b.h);
}
