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

/**
 * The same taps grouped another way, for kernels that gather instead of scatter: entries
 * start[i] .. start[i + 1] - 1 belong to group i (an input pixel, or a kernel tap), each naming an
 * output position and the other index (the kernel tap, or the input pixel), in increasing output
 * position. A kernel that walks a group in this order adds into each sum in the order the
 * position-major loops did, so its results keep their bits.
 */
export interface TapGroups {
  start: Int32Array;
  position: Int32Array;
  /** The kernel tap (grouped by input pixel) or the input pixel (grouped by kernel tap). */
  other: Int32Array;
}

/** Geometries seen recently (a network has ~20 per batch size; a cache is dropped if it grows past that). */
const CACHE_LIMIT = 256;
const caches = { taps: new Map<string, WindowTaps>(), byPixel: new Map<string, TapGroups>(), byTap: new Map<string, TapGroups>() };

function memo<T>(cache: Map<string, T>, g: ConvGeometry, build: (g: ConvGeometry) => T): T {
  const key = `${g.n},${g.h},${g.w},${g.kh},${g.kw},${g.strideH},${g.strideW},${g.padH},${g.padW}`;
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    value = build(g);
    cache.set(key, value);
  }
  return value;
}

export function windowTaps(g: ConvGeometry): WindowTaps {
  return memo(caches.taps, g, buildTaps);
}

/** The taps grouped by input pixel (n*h*w groups): which output positions read it, through which tap. */
export function tapsByInputPixel(g: ConvGeometry): TapGroups {
  return memo(caches.byPixel, g, (geo) => {
    const taps = windowTaps(geo);
    return groupTaps(taps, geo.n * geo.h * geo.w, taps.pixel, taps.tap);
  });
}

/** The taps grouped by kernel tap (kh*kw groups): which output positions use it, on which input pixel. */
export function tapsByKernelTap(g: ConvGeometry): TapGroups {
  return memo(caches.byTap, g, (geo) => {
    const taps = windowTaps(geo);
    return groupTaps(taps, geo.kh * geo.kw, taps.tap, taps.pixel);
  });
}

/** Counting sort of the taps by `key`, stable, so each group stays in increasing output position. */
function groupTaps(taps: WindowTaps, groups: number, key: Int32Array, other: Int32Array): TapGroups {
  const start = new Int32Array(groups + 1);
  for (let t = 0; t < key.length; t++) start[key[t]! + 1]++;
  for (let i = 0; i < groups; i++) start[i + 1] += start[i]!;
  const next = start.slice(0, groups);
  const position = new Int32Array(key.length), otherOut = new Int32Array(key.length);
  for (let p = 0; p < taps.positions; p++) {
    for (let t = taps.start[p]!; t < taps.start[p + 1]!; t++) {
      const at = next[key[t]!]!++;
      position[at] = p;
      otherOut[at] = other[t]!;
    }
  }
  return { start, position, other: otherOut };
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
