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
 * Where the rows of an operand come from. `rows` writes rows r0..r1-1, widened to float64, into
 * `wide` from float64 index `at`, at the row stride the caller of the product declared. A source
 * that keeps operands of its own in kernel memory (im2col's input and window) asks for
 * `scratchFloats` floats there; `prepare` gets their float index once, before the first block.
 */
export interface RowSource {
  scratchFloats: number;
  prepare?(heap: Float32Array, scratchAt: number): void;
  rows(wide: Float64Array, at: number, r0: number, r1: number): void;
}

/** Receives rows r0..r1-1 of C (float32, row stride N) from `heap` at float index `at`. */
export type RowSink = (heap: Float32Array, at: number, r0: number, r1: number) => void;

/** Rows of a matrix stored row-major in `a` from `off` with row stride `stride` (the block keeps that stride). */
export function matrixRows(a: Float32Array, off: number, stride: number, width: number): RowSource {
  return {
    scratchFloats: 0,
    rows: (wide, at, r0, r1) => wide.set(a.subarray(off + r0 * stride, off + (r1 - 1) * stride + width), at),
  };
}

/** Floats of one row block (A widened and C rows together) for gemmRowBlocks: ~192 KB, L2-resident. */
const ROW_BLOCK_FLOATS = 32768;
/**
 * Rows of A and B per block of gemmAtBBlocked: 256 rows of the widest column matrix (216 values)
 * are 442 KB as float64, in L2 (2 MB a core here).
 */
export const K_BLOCK = 256;

const align4 = (end: number): number => (end + 3) & ~3;

/** Reserves kernel memory for `floats` plus the source's scratch after them, and prepares the source. */
function reserveWith(floats: number, ...sources: RowSource[]): Float32Array {
  let at = align4(floats);
  const starts = sources.map((s) => {
    const start = at;
    at = align4(at + s.scratchFloats);
    return start;
  });
  const heap = reserveFloats(at);
  sources.forEach((s, k) => s.prepare?.(heap, starts[k]!));
  return heap;
}

/**
 * C = A B, M x N, one block of rows at a time: `aRows` writes rows of A (K values a row, row
 * stride K), B is read from `b` (element [p, j] at bOff + p*bsr + j*bsc), and `cRows` receives
 * each block of C (row stride N) to copy out or scatter.
 */
export function gemmRowBlocks(
  M: number, N: number, K: number, aRows: RowSource,
  b: Float32Array, bOff: number, bsr: number, bsc: number, cRows: RowSink,
): void {
  const N4 = N & ~3;
  const R = Math.max(4, Math.floor(ROW_BLOCK_FLOATS / (K + N)) & ~3);
  // float indices: B widened, A's block widened, C's block
  const bWideAt = 0, aWideAt = align4(2 * K * N4), cAt = align4(aWideAt + 2 * R * K);
  const heap = reserveWith(cAt + R * N, aRows);
  const wide = new Float64Array(heap.buffer);
  // B's tile columns, packed to [K, N4] with unit column stride (the weights, small)
  for (let p = 0, o = bWideAt / 2; p < K; p++) for (let j = 0; j < N4; j++, o++) wide[o] = b[bOff + p * bsr + j * bsc]!;
  const aw = aWideAt / 2;
  for (let r0 = 0; r0 < M; r0 += R) {
    const rows = Math.min(R, M - r0), M4 = rows & ~3;
    aRows.rows(wide, aw, r0, r0 + rows);
    tilesWideAt(M4, N4, K, aw, K, 1, bWideAt / 2, N4, cAt, N, false);
    for (let i = 0; i < rows; i++) {
      for (let j = i < M4 ? N4 : 0; j < N; j++) {
        let s = 0;
        for (let p = 0, ai = aw + i * K, bi = bOff + j * bsc; p < K; p++, ai++, bi += bsr) s += wide[ai]! * b[bi]!;
        heap[cAt + i * N + j] = s;
      }
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
  M: number, N: number, K: number, aRows: RowSource, aStride: number, bRows: RowSource, bStride: number,
  c: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
  const M4 = M & ~3, N4 = N & ~3;
  // float indices: the float64 sums (M x N), then A's and B's blocks widened
  const sumsAt = 0, aWideAt = align4(2 * M * N), bWideAt = align4(aWideAt + 2 * K_BLOCK * aStride);
  const heap = reserveWith(bWideAt + 2 * K_BLOCK * bStride, aRows, bRows);
  const wide = new Float64Array(heap.buffer);
  const sums = wide.subarray(sumsAt / 2, sumsAt / 2 + M * N);
  sums.fill(0);
  const aw = aWideAt / 2, bw = bWideAt / 2;
  for (let p0 = 0; p0 < K; p0 += K_BLOCK) {
    const rows = Math.min(K_BLOCK, K - p0);
    aRows.rows(wide, aw, p0, p0 + rows);
    bRows.rows(wide, bw, p0, p0 + rows);
    tilesWideSumsAt(M4, N4, rows, aw, 1, aStride, bw, bStride, sumsAt / 2, N);
    // the edges (columns N4.. of the tile rows, then rows M4..), continuing their sums likewise
    for (let i = 0; i < M; i++) {
      for (let j = i < M4 ? N4 : 0; j < N; j++) {
        let s = sums[i * N + j]!;
        for (let p = 0, ai = aw + i, bi = bw + j; p < rows; p++, ai += aStride, bi += bStride) s += wide[ai]! * wide[bi]!;
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
