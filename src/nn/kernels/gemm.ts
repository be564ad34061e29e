/**
 * Single-precision matrix products for the conv layers, the three forms training needs:
 *   C  = A B      (forward:          columns x weights)
 *   C += A^T B    (weight gradient:  columns^T x output gradient)
 *   C  = A B^T    (input gradient:   output gradient x weights^T)
 * All three are one strided kernel: C[i, j] (+)= sum_p A[i*asr + p*asc] * B[p*bsr + j*bsc].
 * It computes 4x4 tiles of C in 16 local accumulators (doubles in V8), so each loaded element
 * of A and B feeds four multiply-adds. Measured on the project machine (test/bench): 2.8-3.5
 * GFLOP/s on the detector's shapes, against 1.0-1.4 for the row-streaming loops it replaced.
 * Products large enough to repay copying their operands run the tiles in WebAssembly SIMD
 * (gemm-wasm.ts), bit-identical to the JS tiles; the edges that do not fill a tile stay here.
 */
import { gemmTilesWasm } from './gemm-wasm.js';
import { K_BLOCK, gemmAtBBlocked, matrixRows } from './gemm-blocks.js';

/** Multiply-adds below which the JS tiles win over copying the operands into WebAssembly memory. */
export const WASM_MIN_MACS = 1 << 14;

/** c[m x n] = a[m x k] * b[k x n] (+ c when accumulate), all row-major. */
export function gemm(
  m: number, n: number, k: number,
  a: Float32Array, aOff: number,
  b: Float32Array, bOff: number,
  c: Float32Array, cOff: number,
  accumulate = false,
): void {
  gemmStrided(m, n, k, a, aOff, k, 1, b, bOff, n, 1, c, cOff, n, accumulate);
}

/** c[k x n] += a[m x k]^T * b[m x n]. */
export function gemmAtB(
  m: number, n: number, k: number,
  a: Float32Array, aOff: number,
  b: Float32Array, bOff: number,
  c: Float32Array, cOff: number,
): void {
  gemmStrided(k, n, m, a, aOff, 1, k, b, bOff, n, 1, c, cOff, n, true);
}

/** c[m x k] = a[m x n] * b[k x n]^T (+ c when accumulate). */
export function gemmABt(
  m: number, n: number, k: number,
  a: Float32Array, aOff: number,
  b: Float32Array, bOff: number,
  c: Float32Array, cOff: number,
  accumulate = false,
): void {
  gemmStrided(m, k, n, a, aOff, n, 1, b, bOff, 1, n, c, cOff, k, accumulate);
}

/** C[i, j] (+)= sum_p A[aOff + i*asr + p*asc] * B[bOff + p*bsr + j*bsc]; C has row stride ldc. */
export function gemmStrided(
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, asr: number, asc: number,
  b: Float32Array, bOff: number, bsr: number, bsc: number,
  c: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
  const M4 = M & ~3, N4 = N & ~3;
  if (M4 * N4 * K < WASM_MIN_MACS || K === 0) {
    gemmStridedJs(M, N, K, a, aOff, asr, asc, b, bOff, bsr, bsc, c, cOff, ldc, acc);
    return;
  }
  if (asr === 1 && bsc === 1 && K > K_BLOCK) {
    // A^T B over a long reduction (a weight gradient): in cache-sized K blocks, gemm-blocks.ts
    gemmAtBBlocked(M, N, K, matrixRows(a, aOff, asc, M), asc, matrixRows(b, bOff, bsr, N), bsr, c, cOff, ldc, acc);
    return;
  }
  gemmTilesWasm(M4, N4, K, a, aOff, asr, asc, b, bOff, bsr, bsc, c, cOff, ldc, acc);
  gemmEdges(M, N, K, a, aOff, asr, asc, b, bOff, bsr, bsc, c, cOff, ldc, acc);
}

/** The elements outside the M4 x N4 tiles: columns N4.. of the tiled rows, then the rows M4... */
function gemmEdges(
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, asr: number, asc: number,
  b: Float32Array, bOff: number, bsr: number, bsc: number,
  c: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
  const M4 = M & ~3, N4 = N & ~3;
  for (let i = 0; i < M4; i++) {
    for (let j = N4; j < N; j++) dot(K, a, aOff + i * asr, asc, b, bOff + j * bsc, bsr, c, cOff + i * ldc + j, acc);
  }
  for (let i = M4; i < M; i++) {
    for (let j = 0; j < N; j++) dot(K, a, aOff + i * asr, asc, b, bOff + j * bsc, bsr, c, cOff + i * ldc + j, acc);
  }
}

/** The same product entirely in JS (small products, and the reference the WebAssembly tiles are tested against). */
export function gemmStridedJs(
  M: number, N: number, K: number,
  a: Float32Array, aOff: number, asr: number, asc: number,
  b: Float32Array, bOff: number, bsr: number, bsc: number,
  c: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
  const M4 = M & ~3, N4 = N & ~3;
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * asr, a1 = a0 + asr, a2 = a1 + asr, a3 = a2 + asr;
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      let bp = bOff + j * bsc;
      let ap = 0;
      for (let p = 0; p < K; p++, bp += bsr, ap += asc) {
        const b0 = b[bp]!, b1 = b[bp + bsc]!, b2 = b[bp + 2 * bsc]!, b3 = b[bp + 3 * bsc]!;
        const x0 = a[a0 + ap]!, x1 = a[a1 + ap]!, x2 = a[a2 + ap]!, x3 = a[a3 + ap]!;
        // the 16 products of the tile; one statement each so V8 keeps the sums in registers
        s00 += x0 * b0;
        s01 += x0 * b1;
        s02 += x0 * b2;
        s03 += x0 * b3;
        s10 += x1 * b0;
        s11 += x1 * b1;
        s12 += x1 * b2;
        s13 += x1 * b3;
        s20 += x2 * b0;
        s21 += x2 * b1;
        s22 += x2 * b2;
        s23 += x2 * b3;
        s30 += x3 * b0;
        s31 += x3 * b1;
        s32 += x3 * b2;
        s33 += x3 * b3;
      }
      const o = cOff + i * ldc + j;
      store4(c, o, acc, s00, s01, s02, s03);
      store4(c, o + ldc, acc, s10, s11, s12, s13);
      store4(c, o + 2 * ldc, acc, s20, s21, s22, s23);
      store4(c, o + 3 * ldc, acc, s30, s31, s32, s33);
    }
    for (let j = N4; j < N; j++) {
      for (let r = 0; r < 4; r++) dot(K, a, aOff + (i + r) * asr, asc, b, bOff + j * bsc, bsr, c, cOff + (i + r) * ldc + j, acc);
    }
  }
  for (let i = M4; i < M; i++) {
    for (let j = 0; j < N; j++) dot(K, a, aOff + i * asr, asc, b, bOff + j * bsc, bsr, c, cOff + i * ldc + j, acc);
  }
}

function store4(c: Float32Array, o: number, acc: boolean, v0: number, v1: number, v2: number, v3: number): void {
  if (acc) {
    c[o] += v0;
    c[o + 1] += v1;
    c[o + 2] += v2;
    c[o + 3] += v3;
  } else {
    c[o] = v0;
    c[o + 1] = v1;
    c[o + 2] = v2;
    c[o + 3] = v3;
  }
}

/** One element of C outside the 4x4 tiles: c[o] (+)= sum_p a[ai + p*astep] * b[bi + p*bstep]. */
function dot(
  K: number, a: Float32Array, ai: number, astep: number, b: Float32Array, bi: number, bstep: number,
  c: Float32Array, o: number, acc: boolean,
): void {
  let s = 0;
  for (let p = 0; p < K; p++, ai += astep, bi += bstep) s += a[ai]! * b[bi]!;
  c[o] = acc ? c[o]! + s : s;
}
