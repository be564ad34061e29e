/**
 * 2-D convolution, NHWC activations and HWIO weights ([kh, kw, cin/groups, cout]).
 *
 * groups = 1 is im2col + GEMM over the whole batch (M = n*oh*ow rows, K = kh*kw*cin); a 1x1
 * stride-1 unpadded conv uses the input itself as the column matrix. Large products run in
 * cache-sized blocks of rows (gemm-blocks.ts): im2col writes each block of the column matrix straight
 * into WebAssembly memory, the input gradient's column block is scattered back (col2im) as soon as
 * it is computed, and the weight gradient builds its column blocks again rather than keeping the
 * matrix from forward. Small products materialise the matrix and take the JS tiles. Depthwise convs
 * (groups = cin = cout) have their own kernel in depthwise.ts; other group counts take the direct
 * loops at the end of this file.
 */
import type { ConvGeometry } from './conv-geometry.js';
import { WASM_MIN_MACS, gemm, gemmABt, gemmAtB } from './gemm.js';
import { gemmAtBBlocked, gemmRowBlocks, matrixRows, type RowSource } from './gemm-blocks.js';
import { im2colWide } from './im2col-wasm.js';
import { depthwiseBackwardInput, depthwiseBackwardWeight, depthwiseForward } from './depthwise.js';
import { windowTaps } from './window-taps.js';

export function isPointwise(g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0;
}

export function isDepthwise(g: ConvGeometry): boolean {
  return g.groups > 1 && g.groups === g.cin && g.groups === g.cout;
}

/** Column matrix [n*oh*ow, kh*kw*cin]; zero where the window hangs over the padding. */
export function im2col(x: Float32Array, g: ConvGeometry, cols: Float32Array): void {
  im2colRows(x, g, cols, 0, 0, g.n * g.oh * g.ow);
}

/** Rows r0..r1-1 of the column matrix, written to `dst` from index `at`. */
export function im2colRows(x: Float32Array, g: ConvGeometry, dst: Float32Array, at: number, r0: number, r1: number): void {
  const { cin, kh, kw } = g;
  const k = kh * kw * cin;
  const { start, pixel, tap } = windowTaps(g);
  for (let row = r0; row < r1; row++) {
    const base = at + (row - r0) * k;
    if (start[row + 1]! - start[row]! < kh * kw) dst.fill(0, base, base + k); // part of the window is padding
    if (cin === 1) {
      // the first layer (one thermal channel): a loop of one per tap cost twice as much (measured)
      for (let t = start[row]!; t < start[row + 1]!; t++) dst[base + tap[t]!] = x[pixel[t]!]!;
      continue;
    }
    for (let t = start[row]!; t < start[row + 1]!; t++) {
      const src = pixel[t]! * cin, o = base + tap[t]! * cin;
      for (let c = 0; c < cin; c++) dst[o + c] = x[src + c]!;
    }
  }
}

/** Adds the column-matrix gradient back into the input gradient (inverse scatter of im2col). */
export function col2imAdd(dcols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  col2imAddRows(dcols, 0, g, dx, 0, g.n * g.oh * g.ow);
}

/** col2imAdd of rows r0..r1-1 of the column-matrix gradient, read from `src` from index `at`. */
export function col2imAddRows(src: Float32Array, at: number, g: ConvGeometry, dx: Float32Array, r0: number, r1: number): void {
  const { cin, kh, kw } = g;
  const k = kh * kw * cin;
  const { start, pixel, tap } = windowTaps(g);
  for (let row = r0; row < r1; row++) {
    for (let t = start[row]!; t < start[row + 1]!; t++) {
      const dst = pixel[t]! * cin, i = at + (row - r0) * k + tap[t]! * cin;
      for (let c = 0; c < cin; c++) dx[dst + c] += src[i + c]!;
    }
  }
}

/** Whether a groups = 1 conv's products are worth running blocked in WebAssembly (see gemm.ts). */
function blocked(g: ConvGeometry): boolean {
  return (g.n * g.oh * g.ow & ~3) * (g.cout & ~3) * g.kh * g.kw * g.cin >= WASM_MIN_MACS;
}

const align4 = (end: number): number => (end + 3) & ~3;

/**
 * The rows of the column matrix: the input itself for a pointwise conv, else im2col on the spot in
 * WebAssembly (im2col-wasm.ts) from a copy of the input and its window taps in kernel memory.
 */
function columnRows(x: Float32Array, g: ConvGeometry): RowSource {
  const k = g.kh * g.kw * g.cin;
  if (isPointwise(g)) return matrixRows(x, 0, k, k);
  const { positions, start, pixel, tap } = windowTaps(g);
  let xAt = 0, startAt = 0, pixelAt = 0, tapAt = 0; // float indices, set by prepare()
  return {
    scratchFloats: x.length + positions + 1 + pixel.length + tap.length + 12,
    prepare(heap, at) {
      xAt = at;
      startAt = align4(xAt + x.length);
      pixelAt = align4(startAt + positions + 1);
      tapAt = align4(pixelAt + pixel.length);
      heap.set(x, xAt);
      const ints = new Int32Array(heap.buffer);
      ints.set(start, startAt);
      ints.set(pixel, pixelAt);
      ints.set(tap, tapAt);
    },
    rows(_wide, at, r0, r1) {
      im2colWide(r0, r1, startAt * 4, pixelAt * 4, tapAt * 4, xAt * 4, at * 8, g.cin, g.kh * g.kw);
    },
  };
}

/** out[n, oh, ow, cout] = conv(x, weight) + bias. */
export function conv2dForward(
  x: Float32Array, weight: Float32Array, bias: Float32Array | null, g: ConvGeometry, out: Float32Array,
): void {
  if (isDepthwise(g)) return depthwiseForward(x, weight, bias, g, out);
  if (g.groups !== 1) return groupedForward(x, weight, bias, g, out);
  const m = g.n * g.oh * g.ow;
  const k = g.kh * g.kw * g.cin;
  if (blocked(g)) {
    const cout = g.cout;
    gemmRowBlocks(m, cout, k, columnRows(x, g), weight, 0, cout, 1, (heap, at, r0, r1) => {
      out.set(heap.subarray(at, at + (r1 - r0) * cout), r0 * cout);
    });
  } else {
    gemm(m, g.cout, k, columns(x, g), 0, weight, 0, out, 0);
  }
  if (bias) addBias(out, bias, m, g.cout);
}

/** The whole column matrix (small products only). */
function columns(x: Float32Array, g: ConvGeometry): Float32Array {
  if (isPointwise(g)) return x;
  const cols = new Float32Array(g.n * g.oh * g.ow * g.kh * g.kw * g.cin);
  im2col(x, g, cols);
  return cols;
}

/** dx += conv-transpose(dy, weight). */
export function conv2dBackwardInput(dy: Float32Array, weight: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  if (isDepthwise(g)) return depthwiseBackwardInput(dy, weight, g, dx);
  if (g.groups !== 1) return groupedBackwardInput(dy, weight, g, dx);
  const m = g.n * g.oh * g.ow;
  const k = g.kh * g.kw * g.cin;
  if (isPointwise(g)) {
    gemmABt(m, g.cout, k, dy, 0, weight, 0, dx, 0, true); // accumulates before rounding: one product
    return;
  }
  if (blocked(g)) {
    // dcols = dy W^T a block of rows at a time, each scattered into dx while it is in cache
    gemmRowBlocks(m, k, g.cout, matrixRows(dy, 0, g.cout, g.cout), weight, 0, 1, g.cout, (heap, at, r0, r1) => {
      col2imAddRows(heap, at, g, dx, r0, r1);
    });
    return;
  }
  const dcols = scratch(m * k); // fully overwritten by the product, used only until col2imAdd returns
  gemmABt(m, g.cout, k, dy, 0, weight, 0, dcols, 0);
  col2imAdd(dcols, g, dx);
}

/** One reused buffer for the column-matrix gradient (allocating and zeroing it per layer showed up as GC time). */
let scratchBuffer = new Float32Array(0);
function scratch(size: number): Float32Array {
  if (scratchBuffer.length < size) scratchBuffer = new Float32Array(size);
  return scratchBuffer.subarray(0, size);
}

/** dweight += x-windows^T dy; dbias += sum of dy over positions. */
export function conv2dBackwardWeight(
  x: Float32Array, dy: Float32Array, g: ConvGeometry, dweight: Float32Array, dbias: Float32Array | null,
): void {
  const m = g.n * g.oh * g.ow;
  if (dbias) sumRowsInto(dy, m, g.cout, dbias);
  if (isDepthwise(g)) return depthwiseBackwardWeight(x, dy, g, dweight);
  if (g.groups !== 1) return groupedBackwardWeight(x, dy, g, dweight);
  const k = g.kh * g.kw * g.cin;
  if (blocked(g)) {
    gemmAtBBlocked(k, g.cout, m, columnRows(x, g), k, matrixRows(dy, 0, g.cout, g.cout), g.cout, dweight, 0, g.cout, true);
    return;
  }
  gemmAtB(m, g.cout, k, columns(x, g), 0, dy, 0, dweight, 0);
}

export function addBias(out: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0, o = 0; r < rows; r++) for (let c = 0; c < cols; c++, o++) out[o] += bias[c]!;
}

export function sumRowsInto(x: Float32Array, rows: number, cols: number, acc: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++) for (let c = 0; c < cols; c++, o++) acc[c] += x[o]!;
}

// ---- grouped convolution, direct loops over the window taps (groups other than 1 and depthwise are rare here) ----

function groupedForward(x: Float32Array, wt: Float32Array, bias: Float32Array | null, g: ConvGeometry, out: Float32Array): void {
  const { cin, cout, groups } = g;
  const cinG = cin / groups, coutG = cout / groups;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * cout;
    for (let co = 0; co < cout; co++) {
      const ci0 = Math.floor(co / coutG) * cinG;
      let s = bias ? bias[co]! : 0;
      for (let t = start[p]!; t < start[p + 1]!; t++) {
        const xi = pixel[t]! * cin + ci0, wi = tap[t]! * cinG * cout + co;
        for (let c = 0; c < cinG; c++) s += x[xi + c]! * wt[wi + c * cout]!;
      }
      out[o + co] = s;
    }
  }
}

function groupedBackwardInput(dy: Float32Array, wt: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { cin, cout, groups } = g;
  const cinG = cin / groups, coutG = cout / groups;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * cout;
    for (let co = 0; co < cout; co++) {
      const d = dy[o + co]!;
      const ci0 = Math.floor(co / coutG) * cinG;
      for (let t = start[p]!; t < start[p + 1]!; t++) {
        const xi = pixel[t]! * cin + ci0, wi = tap[t]! * cinG * cout + co;
        for (let c = 0; c < cinG; c++) dx[xi + c] += d * wt[wi + c * cout]!;
      }
    }
  }
}

function groupedBackwardWeight(x: Float32Array, dy: Float32Array, g: ConvGeometry, dwt: Float32Array): void {
  const { cin, cout, groups } = g;
  const cinG = cin / groups, coutG = cout / groups;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * cout;
    for (let co = 0; co < cout; co++) {
      const d = dy[o + co]!;
      const ci0 = Math.floor(co / coutG) * cinG;
      for (let t = start[p]!; t < start[p + 1]!; t++) {
        const xi = pixel[t]! * cin + ci0, wi = tap[t]! * cinG * cout + co;
        for (let c = 0; c < cinG; c++) dwt[wi + c * cout] += d * x[xi + c]!;
      }
    }
  }
}
