/**
 * The sliding window of a conv or pool geometry, worked out once: for every output position (batch,
 * row, column order) the kernel taps that fall inside the input, as the input pixel they read and
 * the tap's index in the kernel (ky * kw + kx). Taps over the padding are left out. Depthwise and
 * grouped convolution and the windowed pools all walk this one list instead of each repeating the
 * nested batch/row/column/ky/kx loops with their bounds checks; the order (position, then ky, then
 * kx) is the order of those loops, so every sum accumulates in the same order as before.
 */
import type { ConvGeometry } from './conv-geometry.js';

export interface WindowTaps {
  /** Output positions: n * oh * ow. */
  positions: number;
  /** The taps of output position p are start[p] .. start[p + 1] - 1. */
  start: Int32Array;
  /** Input pixel of each tap: (b * h + iy) * w + ix (multiply by the channel count for an offset). */
  pixel: Int32Array;
  /** Kernel tap of each tap: ky * kw + kx. */
  tap: Int32Array;
}

/** Geometries seen recently (a network has a handful; the cache is dropped if it grows past that). */
const cache = new Map<string, WindowTaps>();
const CACHE_LIMIT = 64;

export function windowTaps(g: ConvGeometry): WindowTaps {
  const key = `${g.n},${g.h},${g.w},${g.kh},${g.kw},${g.strideH},${g.strideW},${g.padH},${g.padW}`;
  let taps = cache.get(key);
  if (taps === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    taps = buildTaps(g);
    cache.set(key, taps);
  }
  return taps;
}

function buildTaps(g: ConvGeometry): WindowTaps {
  const { n, h, w, kh, kw, strideH, strideW, padH, padW, oh, ow } = g;
  const positions = n * oh * ow;
  const start = new Int32Array(positions + 1);
  const pixel: number[] = [];
  const tap: number[] = [];
  let p = 0;
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++, p++) {
    start[p] = pixel.length;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * strideH - padH + ky;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * strideW - padW + kx;
        if (ix < 0 || ix >= w) continue;
        pixel.push((b * h + iy) * w + ix);
        tap.push(ky * kw + kx);
      }
    }
  }
  start[positions] = pixel.length;
  return { positions, start, pixel: Int32Array.from(pixel), tap: Int32Array.from(tap) };
}
