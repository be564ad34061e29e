/**
 * 2-D convolution, NHWC activations and HWIO weights ([kh, kw, cin/groups, cout]).
 *
 * groups = 1 goes through im2col + GEMM over the whole batch (M = n*oh*ow rows, K = kh*kw*cin);
 * a 1x1 stride-1 unpadded conv uses the input itself as the column matrix. Depthwise convs
 * (groups = cin = cout) have their own kernel in depthwise.ts; other group counts take the direct
 * loops at the end of this file. Forward keeps the column matrix so backward-weight reuses it.
 */
import type { ConvGeometry } from './conv-geometry.js';
import { gemm, gemmABt, gemmAtB } from './gemm.js';
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
  const { cin, kh, kw } = g;
  const k = kh * kw * cin;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let row = 0; row < positions; row++) {
    const base = row * k;
    if (start[row + 1]! - start[row]! < kh * kw) cols.fill(0, base, base + k); // part of the window is padding
    for (let t = start[row]!; t < start[row + 1]!; t++) {
      const src = pixel[t]! * cin, dst = base + tap[t]! * cin;
      for (let c = 0; c < cin; c++) cols[dst + c] = x[src + c]!;
    }
  }
}

/** Adds the column-matrix gradient back into the input gradient (inverse scatter of im2col). */
export function col2imAdd(dcols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { cin, kh, kw } = g;
  const k = kh * kw * cin;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let row = 0; row < positions; row++) {
    for (let t = start[row]!; t < start[row + 1]!; t++) {
      const dst = pixel[t]! * cin, src = row * k + tap[t]! * cin;
      for (let c = 0; c < cin; c++) dx[dst + c] += dcols[src + c]!;
    }
  }
}

/**
 * out[n, oh, ow, cout] = conv(x, weight) + bias. Returns the column matrix used (the input itself
 * for pointwise convs, null for the direct paths), which conv2dBackwardWeight accepts back.
 */
export function conv2dForward(
  x: Float32Array, weight: Float32Array, bias: Float32Array | null, g: ConvGeometry, out: Float32Array,
): Float32Array | null {
  if (isDepthwise(g)) {
    depthwiseForward(x, weight, bias, g, out);
    return null;
  }
  if (g.groups !== 1) {
    groupedForward(x, weight, bias, g, out);
    return null;
  }
  const m = g.n * g.oh * g.ow;
  const k = g.kh * g.kw * g.cin;
  let cols = x;
  if (!isPointwise(g)) {
    cols = new Float32Array(m * k);
    im2col(x, g, cols);
  }
  gemm(m, g.cout, k, cols, 0, weight, 0, out, 0);
  if (bias) addBias(out, bias, m, g.cout);
  return cols;
}

/** dx += conv-transpose(dy, weight). */
export function conv2dBackwardInput(dy: Float32Array, weight: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  if (isDepthwise(g)) return depthwiseBackwardInput(dy, weight, g, dx);
  if (g.groups !== 1) return groupedBackwardInput(dy, weight, g, dx);
  const m = g.n * g.oh * g.ow;
  const k = g.kh * g.kw * g.cin;
  if (isPointwise(g)) {
    gemmABt(m, g.cout, k, dy, 0, weight, 0, dx, 0, true);
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

/** dweight += x-windows^T dy; dbias += sum of dy over positions. `cols` is what forward returned. */
export function conv2dBackwardWeight(
  x: Float32Array, cols: Float32Array | null, dy: Float32Array, g: ConvGeometry,
  dweight: Float32Array, dbias: Float32Array | null,
): void {
  const m = g.n * g.oh * g.ow;
  if (dbias) sumRowsInto(dy, m, g.cout, dbias);
  if (isDepthwise(g)) return depthwiseBackwardWeight(x, dy, g, dweight);
  if (g.groups !== 1) return groupedBackwardWeight(x, dy, g, dweight);
  const k = g.kh * g.kw * g.cin;
  let columns = cols;
  if (!columns) {
    if (isPointwise(g)) columns = x;
    else {
      columns = new Float32Array(m * k);
      im2col(x, g, columns);
    }
  }
  gemmAtB(m, g.cout, k, columns, 0, dy, 0, dweight, 0);
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
