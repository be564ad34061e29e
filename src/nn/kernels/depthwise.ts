/**
 * Depthwise convolution (channel multiplier 1): NHWC input, weights [kh, kw, c] (HWIO with one
 * input channel per group). The windows come from window-taps.ts.
 *
 * Each kernel gathers into sums held in locals, four channels at a time, instead of adding into a
 * Float32Array once per tap (a load and a store per multiply-add): 1.5x faster (measured, batch 16
 * and 64); with a channel count divisible by 4 the gather runs in WebAssembly (gather-wasm.ts), 2-3x
 * faster again. The bits are those of the per-tap adds: every sum is rounded to float32 after each add
 * (Math.fround, as the store did), and walks its terms in the order the scatter loops added them
 * (window-taps.ts groups the taps by input pixel and by kernel tap in increasing output position).
 */
import type { ConvGeometry } from './conv-geometry.js';
import { tapsByInputPixel, tapsByKernelTap, windowTaps } from './window-taps.js';
import { gatherProductsWasm } from './gather-wasm.js';

/** Multiply-adds below which copying the operands into WebAssembly memory does not pay. */
const WASM_MIN_TERMS = 4096;

const fround = Math.fround;

/** out[p, ch] = bias[ch] + sum over the window's taps of x * w: each position gathers its taps. */
export function depthwiseForward(
  x: Float32Array, wt: Float32Array, bias: Float32Array | null, g: ConvGeometry, out: Float32Array,
): void {
  const c = g.cin;
  const { positions, start, pixel, tap } = windowTaps(g);
  if (bias) for (let o = 0; o < positions * c; o += c) out.set(bias, o);
  else out.fill(0, 0, positions * c);
  gatherProducts(positions, start, pixel, tap, x, wt, out, c);
}

/** dx += depthwise-transpose(dy): each input pixel gathers from the output positions that read it. */
export function depthwiseBackwardInput(dy: Float32Array, wt: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const c = g.cin;
  const { start, position, other: tap } = tapsByInputPixel(g);
  gatherProducts(start.length - 1, start, position, tap, dy, wt, dx, c);
}

/** dweight += sum over positions of x-window * dy: each kernel tap gathers over the positions using it. */
export function depthwiseBackwardWeight(x: Float32Array, dy: Float32Array, g: ConvGeometry, dwt: Float32Array): void {
  const c = g.cin;
  const { start, position, other: pixel } = tapsByKernelTap(g);
  gatherProducts(start.length - 1, start, position, pixel, dy, x, dwt, c);
}

/**
 * acc[i, ch] += sum over entries e of group i (in order) of a[position[e], ch] * b[other[e], ch],
 * rounding to float32 after every add (forward gathers x by input pixel, the backward passes dy by
 * output position).
 */
function gatherProducts(
  groups: number, start: Int32Array, position: Int32Array, other: Int32Array,
  a: Float32Array, b: Float32Array, acc: Float32Array, c: number,
): void {
  if (c % 4 === 0 && position.length * c >= WASM_MIN_TERMS) {
    gatherProductsWasm(groups, start, position, other, a, b, acc, c);
    return;
  }
  const c4 = c & ~3;
  for (let i = 0; i < groups; i++) {
    const e0 = start[i]!, e1 = start[i + 1]!;
    if (e0 === e1) continue;
    const o = i * c;
    for (let ch = 0; ch < c4; ch += 4) {
      let s0 = acc[o + ch]!, s1 = acc[o + ch + 1]!, s2 = acc[o + ch + 2]!, s3 = acc[o + ch + 3]!;
      for (let e = e0; e < e1; e++) {
        const ai = position[e]! * c + ch, bi = other[e]! * c + ch;
        s0 = fround(s0 + a[ai]! * b[bi]!);
        s1 = fround(s1 + a[ai + 1]! * b[bi + 1]!);
        s2 = fround(s2 + a[ai + 2]! * b[bi + 2]!);
        s3 = fround(s3 + a[ai + 3]! * b[bi + 3]!);
      }
      acc[o + ch] = s0;
      acc[o + ch + 1] = s1;
      acc[o + ch + 2] = s2;
      acc[o + ch + 3] = s3;
    }
    for (let ch = c4; ch < c; ch++) {
      let s = acc[o + ch]!;
      for (let e = e0; e < e1; e++) s = fround(s + a[position[e]! * c + ch]! * b[other[e]! * c + ch]!);
      acc[o + ch] = s;
    }
  }
}
