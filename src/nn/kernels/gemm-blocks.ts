/**
 * Cache-blocked products for the conv layers, on the WebAssembly memory of gemm-wasm.ts.
 *
 * Why blocks: a conv's products span every batch position (M or K = n*oh*ow: 12,288 for a 12x16
 * map at batch 64), so a whole operand (the 7 MB column matrix there) falls out of the 2 MB L2 and
 * the product streams it from L3 again and again. Measured per sample, the weight gradient then
 * cost 2.2x at batch 64 what it costs at batch 8, and im2col/col2im 1.5x. Here operands enter
 * WebAssembly memory a block of rows at a time, produced on the spot (a copy, or im2col straight
 * into the block) and consumed on the spot (a copy out, or col2im straight from the block), so the
 * working set is a few hundred KB at any batch and the full column matrix never exists.
 *
 * Each block is widened to float64 once (exact) before the tiles run on it (gemm-wasm.ts 'f64'
 * operands: fewer instructions per multiply-add than widening inside the loop). Every element of C
 * is still one float64 sum over p = 0..K-1 in order, rounded once to float32 (a K-blocked sum waits
 * in a float64 buffer between blocks), so the bits equal gemmStridedJs's.
 */
import { tilesWideAt, tilesWideSumsAt } from './gemm-wasm.js';
import { reserveFloats } from './wasm-module.js';

/**
 * Writes rows r0..r1-1 of a row-major operand into `heap` from float index `at`, at the row stride
 * the caller of the product declared; or, as a sink, reads rows r0..r1-1 of C from there.
 */
export type RowBlock = (heap: Float32Array, at: number, r0: number, r1: number) => void;

/** Rows of a matrix stored row-major in `a` from `off` with row stride `stride` (the block keeps that stride). */
export function matrixRows(a: Float32Array, off: number, stride: number, width: number): RowBlock {
  return (heap, at, r0, r1) => heap.set(a.subarray(off + r0 * stride, off + (r1 - 1) * stride + width), at);
}

/** Floats of one row block (A and C rows together) for gemmRowBlocks: 128 KB (plus A widened), L2-resident. */
const ROW_BLOCK_FLOATS = 32768;
/**
 * Rows of A and B per block of gemmAtBBlocked: 256 rows of the widest column matrix (216 floats)
 * are 221 KB, 663 KB with their float64 copy, in L2 (2 MB a core here).
 */
export const K_BLOCK = 256;

const align4 = (end: number): number => (end + 3) & ~3;

/**
 * C = A B, M x N, one block of rows at a time: `aRows` writes rows of A (K floats a row, row stride
 * K), B is read from `b` (element [p, j] at bOff + p*bsr + j*bsc), and `cRows` receives each block
 * of C (row stride N) to copy out or scatter.
 */
export function gemmRowBlocks(
  M: number, N: number, K: number, aRows: RowBlock,
  b: Float32Array, bOff: number, bsr: number, bsc: number, cRows: RowBlock,
): void {
  const N4 = N & ~3;
  const R = Math.max(4, Math.floor(ROW_BLOCK_FLOATS / (K + N)) & ~3);
  // float indices: B widened, A's block as written, A's block widened, C's block
  const bWideAt = 0, aAt = align4(2 * K * N4), aWideAt = align4(aAt + R * K), cAt = align4(aWideAt + 2 * R * K);
  const heap = reserveFloats(cAt + R * N);
  const wide = new Float64Array(heap.buffer);
  // B's tile columns, packed to [K, N4] with unit column stride (the weights, small)
  for (let p = 0, o = bWideAt / 2; p < K; p++) for (let j = 0; j < N4; j++, o++) wide[o] = b[bOff + p * bsr + j * bsc]!;
  for (let r0 = 0; r0 < M; r0 += R) {
    const rows = Math.min(R, M - r0), M4 = rows & ~3;
    aRows(heap, aAt, r0, r0 + rows);
    wide.set(heap.subarray(aAt, aAt + rows * K), aWideAt / 2);
    tilesWideAt(M4, N4, K, aWideAt / 2, K, 1, bWideAt / 2, N4, cAt, N, false);
    for (let i = 0; i < rows; i++) {
      for (let j = i < M4 ? N4 : 0; j < N; j++) dot(K, heap, aAt + i * K, 1, b, bOff + j * bsc, bsr, heap, cAt + i * N + j, false);
    }
    cRows(heap, cAt, r0, r0 + rows);
  }
}

/**
 * C[i, j] (+)= sum_p A[p, i] B[p, j] (C = A^T B, M x N, row stride ldc): the weight gradient,
 * reducing over K positions in blocks of K_BLOCK rows. `aRows` writes rows of A at row stride
 * aStride (>= M), `bRows` rows of B at row stride bStride (>= N).
 */
export function gemmAtBBlocked(
  M: number, N: number, K: number, aRows: RowBlock, aStride: number, bRows: RowBlock, bStride: number,
  c: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
  const M4 = M & ~3, N4 = N & ~3;
  // float indices: the float64 sums (M x N), then A's and B's blocks as written and widened
  const sumsAt = 0, aAt = align4(2 * M * N), aWideAt = align4(aAt + K_BLOCK * aStride);
  const bAt = align4(aWideAt + 2 * K_BLOCK * aStride), bWideAt = align4(bAt + K_BLOCK * bStride);
  const heap = reserveFloats(bWideAt + 2 * K_BLOCK * bStride);
  const wide = new Float64Array(heap.buffer);
  const sums = wide.subarray(sumsAt / 2, sumsAt / 2 + M * N);
  sums.fill(0);
  for (let p0 = 0; p0 < K; p0 += K_BLOCK) {
    const rows = Math.min(K_BLOCK, K - p0);
    aRows(heap, aAt, p0, p0 + rows);
    bRows(heap, bAt, p0, p0 + rows);
    wide.set(heap.subarray(aAt, aAt + rows * aStride), aWideAt / 2);
    wide.set(heap.subarray(bAt, bAt + rows * bStride), bWideAt / 2);
    tilesWideSumsAt(M4, N4, rows, aWideAt / 2, 1, aStride, bWideAt / 2, bStride, sumsAt / 2, N);
    // the edges (columns N4.. of the tile rows, then rows M4..), continuing their sums likewise
    for (let i = 0; i < M; i++) {
      for (let j = i < M4 ? N4 : 0; j < N; j++) {
        let s = sums[i * N + j]!;
        for (let p = 0, ai = aAt + i, bi = bAt + j; p < rows; p++, ai += aStride, bi += bStride) s += heap[ai]! * heap[bi]!;
        sums[i * N + j] = s;
      }
    }
  }
  // the single rounding of each sum to float32, after the add into C when accumulating
  for (let i = 0, s = 0; i < M; i++) {
    const o = cOff + i * ldc;
    if (acc) for (let j = 0; j < N; j++, s++) c[o + j] = c[o + j]! + sums[s]!;
    else for (let j = 0; j < N; j++, s++) c[o + j] = sums[s]!;
  }
}

/** One element of C outside the 4x4 tiles: c[o] (+)= sum_p a[ai + p*astep] * b[bi + p*bstep]. */
export function dot(
  K: number, a: Float32Array, ai: number, astep: number, b: Float32Array, bi: number, bstep: number,
  c: Float32Array, o: number, acc: boolean,
): void {
  let s = 0;
  for (let p = 0; p < K; p++, ai += astep, bi += bstep) s += a[ai]! * b[bi]!;
  c[o] = acc ? c[o]! + s : s;
}
