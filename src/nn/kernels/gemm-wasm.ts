/**
 * The 4x4-tile GEMM of gemm.ts as a WebAssembly SIMD function, for the large products of training.
 *
 * Why WebAssembly: the JS tile spends most of its time on bounds checks and float->double
 * conversions of scalar loads, and its 16 accumulators spill (x64 has 16 vector registers). Here
 * the tile lives in 8 f64x2 registers and B is read two columns per load. It accumulates in
 * float64 (f64x2), in the same order as the JS kernel (p = 0..K-1 per element, then one add into C
 * when accumulating), so results are bit-identical to gemmStridedJs: products of two float32 are
 * exact in float64 and every sum is rounded the same way. No FMA (relaxed SIMD) for that reason.
 * A and B arrive already widened to float64 (exact; done once while copying them in), so a column
 * pair of B is one load and an element of A one load-and-splat: 22 instructions per step of p
 * where widening in the loop took 32 (1.07-1.12x on a whole training step, measured).
 *
 * No assembler is involved: the few instructions are emitted as bytes (wasm-module.ts), because
 * no npm package we depend on assembles text format at run time and the function is small.
 *
 * Operands are copied into the module's memory (one widening copy each; B is packed to unit column
 * stride when it is read transposed) and C is copied back; the caller handles the edge rows and
 * columns that do not fill a 4x4 tile.
 *
 * The conv layers' large products do not go through that copy: gemm-blocks.ts writes their
 * operands into this memory a block of rows at a time (tilesWideAt, tilesWideSumsAt) so the
 * working set stays in cache whatever the batch.
 */

import {
  I32, V128, VOID, countedLoop, extractLane, f32Load, f32Store, f64x2Add, f64x2Mul, get, i32, instantiate,
  load64Splat, op, reserveFloats, set, uleb, v128Const0, v128Load, v128Store, vec,
} from './wasm-module.js';

// locals: parameters first (byte pointers and byte strides), then the loop state and the tile
const [M4, N4, K, A, ASR, ASC, B, BSR, C, LDC, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [I, J, P, A0, BP, AP, CP] = [11, 12, 13, 14, 18, 19, 20]; // A0..A3 are 14..17
const S0 = 21, B01 = 29, B23 = 30, X = 31; // S0..S7: rows r -> S0 + 2r (columns 0,1) and S0 + 2r + 1 (2,3)

/**
 * 'f32': the tile's sums start at 0 and end in C (float32, stored or added). 'f64': C is a float64
 * buffer holding the sums so far (row stride LDC bytes); the tile resumes from them and leaves them.
 */
type TileMode = 'f32' | 'f64';

/** cp = C + (i + r) * ldc + j * (4 or 8): row r of the tile in C. */
const tileRowAddress = (r: number, mode: TileMode): number[] => [
  ...get(C), ...get(I), ...i32(r), op.i32Add, ...get(LDC), op.i32Mul, op.i32Add,
  ...get(J), ...i32(mode === 'f64' ? 3 : 2), op.i32Shl, op.i32Add, ...set(CP),
];

function tileBody(mode: TileMode): number[] {
  const inner: number[] = [...get(BP), ...v128Load(0), ...set(B01), ...get(BP), ...v128Load(16), ...set(B23)];
  for (let r = 0; r < 4; r++) {
    inner.push(...get(A0 + r), ...get(AP), op.i32Add, ...load64Splat(0), ...set(X));
    for (let half = 0; half < 2; half++) {
      const s = S0 + 2 * r + half;
      inner.push(...get(s), ...get(X), ...get(half ? B23 : B01), ...f64x2Mul, ...f64x2Add, ...set(s));
    }
    // (the AP step happens once per p, below)
  }
  inner.push(...get(AP), ...get(ASC), op.i32Add, ...set(AP), ...get(BP), ...get(BSR), op.i32Add, ...set(BP));

  const body: number[] = [];
  if (mode === 'f32') {
    for (let s = 0; s < 8; s++) body.push(...v128Const0, ...set(S0 + s));
  } else {
    for (let r = 0; r < 4; r++) {
      body.push(...tileRowAddress(r, mode), ...get(CP), ...v128Load(0), ...set(S0 + 2 * r), ...get(CP), ...v128Load(16), ...set(S0 + 2 * r + 1));
    }
  }
  body.push(...get(B), ...get(J), ...i32(3), op.i32Shl, op.i32Add, ...set(BP), ...i32(0), ...set(AP), ...i32(0), ...set(P));
  body.push(...countedLoop(P, K, i32(1), inner));
  for (let r = 0; r < 4; r++) {
    body.push(...tileRowAddress(r, mode));
    if (mode === 'f64') {
      body.push(...get(CP), ...get(S0 + 2 * r), ...v128Store(0), ...get(CP), ...get(S0 + 2 * r + 1), ...v128Store(16));
      continue;
    }
    const lane = (l: number): number[] => [...get(S0 + 2 * r + (l >> 1)), ...extractLane(l & 1)];
    const accumulate: number[] = [], store: number[] = [];
    for (let l = 0; l < 4; l++) {
      accumulate.push(...get(CP), ...get(CP), ...f32Load(4 * l), op.f64PromoteF32, ...lane(l), op.f64Add, op.f32DemoteF64, ...f32Store(4 * l));
      store.push(...get(CP), ...lane(l), op.f32DemoteF64, ...f32Store(4 * l));
    }
    body.push(...get(ACC), op.if, VOID, ...accumulate, op.else, ...store, op.end);
  }
  return body;
}

function functionBody(mode: TileMode): number[] {
  const rowSetup: number[] = [
    ...get(A), ...get(I), ...get(ASR), op.i32Mul, op.i32Add, ...set(A0),
    ...get(A0), ...get(ASR), op.i32Add, ...set(A0 + 1),
    ...get(A0 + 1), ...get(ASR), op.i32Add, ...set(A0 + 2),
    ...get(A0 + 2), ...get(ASR), op.i32Add, ...set(A0 + 3),
    ...i32(0), ...set(J),
  ];
  const code = [
    ...i32(0), ...set(I),
    ...countedLoop(I, M4, i32(4), [...rowSetup, ...countedLoop(J, N4, i32(4), tileBody(mode))]),
    op.end,
  ];
  const locals = vec([[...uleb(10), I32], [...uleb(11), V128]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

// ---- the instance ----
type Gemm4 = (m4: number, n4: number, k: number, a: number, asr: number, asc: number,
  b: number, bsr: number, c: number, ldc: number, acc: number) => void;

const params11 = new Array<number>(11).fill(I32);
const exports = instantiate([
  { name: 'gemm4', params: params11, body: functionBody('f32') },
  { name: 'gemm4Sums', params: params11, body: functionBody('f64') },
]);
const gemm4 = exports['gemm4'] as Gemm4;
/** gemm4 resuming from and leaving float64 sums in C (row stride ldc bytes); acc is ignored. */
const gemm4Sums = exports['gemm4Sums'] as Gemm4;

/** Float index, 16-byte aligned, past `end`. */
const align4 = (end: number): number => (end + 3) & ~3;

/**
 * The M4 x N4 tiles (M4 = M & ~3, N4 = N & ~3) of C[i, j] (+)= sum_p A[aOff + i*asr + p*asc] *
 * B[bOff + p*bsr + j*bsc]; C has row stride ldc. Same contract as gemmStrided without the edges.
 */
export function gemmTilesWasm(
  M4: number, N4: number, K: number,
  a: Float32Array, aOff: number, asr: number, asc: number,
  b: Float32Array, bOff: number, bsr: number, bsc: number,
  c: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
  const aLen = (M4 - 1) * asr + (K - 1) * asc + 1;
  const packB = bsc !== 1;
  const bLen = packB ? K * N4 : (K - 1) * bsr + N4;
  const cLen = (M4 - 1) * ldc + N4;
  // float indices: A and B widened to float64 (two floats an element), C as float32
  const aAt = 0, bAt = align4(2 * aLen), cAt = align4(bAt + 2 * bLen);
  const heap = reserveFloats(cAt + cLen);
  const wide = new Float64Array(heap.buffer);
  wide.set(a.subarray(aOff, aOff + aLen), aAt / 2);
  if (packB) {
    // B read transposed (the weights in the input gradient): pack to [K, N4] so columns are adjacent
    for (let p = 0, o = bAt / 2; p < K; p++) for (let j = 0; j < N4; j++, o++) wide[o] = b[bOff + p * bsr + j * bsc]!;
  } else {
    wide.set(b.subarray(bOff, bOff + bLen), bAt / 2);
  }
  if (acc || ldc !== N4) heap.set(c.subarray(cOff, cOff + cLen), cAt); // keeps what lies between the rows
  tilesWideAt(M4, N4, K, aAt / 2, asr, asc, bAt / 2, packB ? N4 : bsr, cAt, ldc, acc);
  c.set(heap.subarray(cAt, cAt + cLen), cOff);
}

/**
 * The tiles on float64 operands already in the kernels' memory (wasm-module.ts), at float64 indices (aAt, bAt) with strides in
 * float64 elements: C[i, j] (+)= sum_p A[aAt + i*asr + p*asc] * B[bAt + p*bsr + j], j < N4; C is
 * float32 at float index cAt with row stride ldc.
 */
export function tilesWideAt(
  M4: number, N4: number, K: number, aAt: number, asr: number, asc: number, bAt: number, bsr: number,
  cAt: number, ldc: number, acc: boolean,
): void {
  gemm4(M4, N4, K, aAt * 8, asr * 8, asc * 8, bAt * 8, bsr * 8, cAt * 4, ldc * 4, acc ? 1 : 0);
}

/**
 * tilesWideAt resuming from float64 sums at float64 index sumsAt (row stride ldSums) and leaving
 * the new sums there: one call per block of a reduction split into blocks.
 */
export function tilesWideSumsAt(
  M4: number, N4: number, K: number, aAt: number, asr: number, asc: number, bAt: number, bsr: number,
  sumsAt: number, ldSums: number,
): void {
  gemm4Sums(M4, N4, K, aAt * 8, asr * 8, asc * 8, bAt * 8, bsr * 8, sumsAt * 8, ldSums * 8, 0);
}
