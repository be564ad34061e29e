/**
 * Pooling on NHWC maps: windowed max/avg (padding never wins a max; avg divides by the window
 * cells that lie inside the map), global pools over H x W, and the per-pixel pools over channels
 * that spatial attention uses. Max pools record the winning input index for backward.
 */
import type { ConvGeometry } from './conv-geometry.js';
import { windowTaps } from './window-taps.js';
import { maxPoolForwardWasm } from './maxpool-wasm.js';

/** Compares below which copying the map into WebAssembly memory does not pay. */
const WASM_MIN_COMPARES = 4096;

/**
 * out = windowed max; argmax[i] = flat input index of out[i]'s winner (the first in tap order, as
 * `>` keeps it). The running maxima of four channels stay in locals across the taps instead of
 * being read back from `out` per tap: 1.15-1.3x (measured on the detector's pools).
 */
export function maxPoolForward(x: Float32Array, g: ConvGeometry, out: Float32Array, argmax: Int32Array): void {
  const c = g.cin, c4 = c & ~3;
  const { positions, start, pixel } = windowTaps(g);
  if (c4 === c && pixel.length * c >= WASM_MIN_COMPARES) {
    maxPoolForwardWasm(positions, start, pixel, c, x, out, argmax);
    return;
  }
  for (let p = 0; p < positions; p++) {
    const o = p * c, t0 = start[p]!, t1 = start[p + 1]!;
    for (let ch = 0; ch < c4; ch += 4) {
      let b0 = -Infinity, b1 = -Infinity, b2 = -Infinity, b3 = -Infinity, a0 = -1, a1 = -1, a2 = -1, a3 = -1;
      for (let t = t0; t < t1; t++) {
        const i = pixel[t]! * c + ch;
        const v0 = x[i]!, v1 = x[i + 1]!, v2 = x[i + 2]!, v3 = x[i + 3]!;
        if (v0 > b0) {
          b0 = v0;
          a0 = i;
        }
        if (v1 > b1) {
          b1 = v1;
          a1 = i + 1;
        }
        if (v2 > b2) {
          b2 = v2;
          a2 = i + 2;
        }
        if (v3 > b3) {
          b3 = v3;
          a3 = i + 3;
        }
      }
      out[o + ch] = b0;
      out[o + ch + 1] = b1;
      out[o + ch + 2] = b2;
      out[o + ch + 3] = b3;
      argmax[o + ch] = a0;
      argmax[o + ch + 1] = a1;
      argmax[o + ch + 2] = a2;
      argmax[o + ch + 3] = a3;
    }
    for (let ch = c4; ch < c; ch++) {
      let best = -Infinity, at = -1;
      for (let t = t0; t < t1; t++) {
        const i = pixel[t]! * c + ch;
        if (x[i]! > best) {
          best = x[i]!;
          at = i;
        }
      }
      out[o + ch] = best;
      argmax[o + ch] = at;
    }
  }
}

export function maxPoolBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[argmax[i]!] += dy[i]!;
}

/** Average pools divide by the window cells inside the map: the taps of that position. */
export function avgPoolForward(x: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const c = g.cin;
  const { positions, start, pixel } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * c;
    out.fill(0, o, o + c);
    for (let t = start[p]!; t < start[p + 1]!; t++) {
      const xi = pixel[t]! * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] += x[xi + ch]!;
    }
    const inv = 1 / (start[p + 1]! - start[p]!);
    for (let ch = 0; ch < c; ch++) out[o + ch] *= inv;
  }
}

export function avgPoolBackward(dy: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const c = g.cin;
  const { positions, start, pixel } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * c;
    const inv = 1 / (start[p + 1]! - start[p]!);
    for (let t = start[p]!; t < start[p + 1]!; t++) {
      const xi = pixel[t]! * c;
      for (let ch = 0; ch < c; ch++) dx[xi + ch] += dy[o + ch]! * inv;
    }
  }
}

/** [n, h, w, c] -> [n, c]: mean (or max, recording the winner's index) over the h*w positions. */
export function globalPoolForward(
  x: Float32Array, n: number, hw: number, c: number, kind: 'avg' | 'max', out: Float32Array, argmax: Int32Array | null,
): void {
  for (let b = 0; b < n; b++) {
    const o = b * c;
    const base = b * hw * c;
    if (kind === 'avg') {
      out.fill(0, o, o + c);
      for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++) out[o + ch] += x[base + p * c + ch]!;
      for (let ch = 0; ch < c; ch++) out[o + ch] /= hw;
    } else {
      for (let ch = 0; ch < c; ch++) {
        out[o + ch] = x[base + ch]!;
        argmax![o + ch] = base + ch;
      }
      for (let p = 1; p < hw; p++) for (let ch = 0; ch < c; ch++) {
        const v = x[base + p * c + ch]!;
        if (v > out[o + ch]!) {
          out[o + ch] = v;
          argmax![o + ch] = base + p * c + ch;
        }
      }
    }
  }
}

export function globalAvgPoolBackward(dy: Float32Array, n: number, hw: number, c: number, dx: Float32Array): void {
  const inv = 1 / hw;
  for (let b = 0; b < n; b++) for (let p = 0; p < hw; p++) {
    const xi = (b * hw + p) * c;
    for (let ch = 0; ch < c; ch++) dx[xi + ch] += dy[b * c + ch]! * inv;
  }
}

/** [pixels, c] -> [pixels]: mean or max over the channels of each pixel. */
export function channelPoolForward(
  x: Float32Array, pixels: number, c: number, kind: 'avg' | 'max', out: Float32Array, argmax: Int32Array | null,
): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * c;
    if (kind === 'avg') {
      let s = 0;
      for (let ch = 0; ch < c; ch++) s += x[base + ch]!;
      out[p] = s / c;
    } else {
      let best = x[base]!, at = base;
      for (let ch = 1; ch < c; ch++) {
        const v = x[base + ch]!;
        if (v > best) {
          best = v;
          at = base + ch;
        }
      }
      out[p] = best;
      argmax![p] = at;
    }
  }
}

export function channelAvgPoolBackward(dy: Float32Array, pixels: number, c: number, dx: Float32Array): void {
  const inv = 1 / c;
  for (let p = 0; p < pixels; p++) {
    const d = dy[p]! * inv;
    for (let ch = 0; ch < c; ch++) dx[p * c + ch] += d;
  }
}
