/**
 * im2col straight into a product's float64 block (gemm-blocks.ts): rows r0..r1-1 of the column
 * matrix of a conv, widened to float64 as they are copied (exact), two channels a step. Why: in JS
 * the copy cost a bounds check and a conversion per value and then a second pass to widen the block
 * (11 % of a training step, measured); here one pass writes the block the tiles read.
 */
import {
  I32, countedLoop, f64Store, f32Load, get, i32, i32Load, instantiate, load64Zero, memoryFill, op, promoteLow,
  set, uleb, v128Store, vec,
} from './wasm-module.js';

// locals: parameters (rows, byte pointers, counts), then the loop state
const [R0, R1, START, PIXEL, TAP, X, DST, CIN, TAPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [ROW, BASE, T, T1, SRC, O, C, CIN2, ROW_BYTES] = [9, 10, 11, 12, 13, 14, 15, 16, 17];

function functionBody(): number[] {
  const pair = [
    ...get(O), ...get(C), ...i32(3), op.i32Shl, op.i32Add,
    ...get(SRC), ...get(C), ...i32(2), op.i32Shl, op.i32Add, ...load64Zero(0), ...promoteLow,
    ...v128Store(0),
  ];
  const tap = [
    // src = x + pixel[t] * cin * 4; o = base + tap[t] * cin * 8
    ...get(X), ...get(PIXEL), ...get(T), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(0), ...get(CIN), op.i32Mul, ...i32(2), op.i32Shl, op.i32Add, ...set(SRC),
    ...get(BASE), ...get(TAP), ...get(T), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(0), ...get(CIN), op.i32Mul, ...i32(3), op.i32Shl, op.i32Add, ...set(O),
    ...i32(0), ...set(C),
    ...countedLoop(C, CIN2, i32(2), pair),
    // an odd channel count leaves one value
    ...get(C), ...get(CIN), op.i32LtS, op.if, 0x40,
    ...get(O), ...get(C), ...i32(3), op.i32Shl, op.i32Add,
    ...get(SRC), ...get(C), ...i32(2), op.i32Shl, op.i32Add, ...f32Load(0), op.f64PromoteF32, ...f64Store(0),
    op.end,
  ];
  const row = [
    ...get(START), ...get(ROW), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(0), ...set(T),
    ...get(START), ...get(ROW), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(4), ...set(T1),
    // base = dst + (row - r0) * k * 8
    ...get(DST), ...get(ROW), ...get(R0), op.i32Sub, ...get(ROW_BYTES), op.i32Mul, op.i32Add, ...set(BASE),
    // part of the window over the padding: zeros first
    ...get(T1), ...get(T), op.i32Sub, ...get(TAPS), op.i32LtS, op.if, 0x40,
    ...get(BASE), ...i32(0), ...get(ROW_BYTES), ...memoryFill,
    op.end,
    ...countedLoop(T, T1, i32(1), tap),
  ];
  const code = [
    ...get(CIN), ...i32(-2), op.i32And, ...set(CIN2),
    ...get(CIN), ...get(TAPS), op.i32Mul, ...i32(3), op.i32Shl, ...set(ROW_BYTES),
    ...get(R0), ...set(ROW),
    ...countedLoop(ROW, R1, i32(1), row),
    op.end,
  ];
  const locals = vec([[...uleb(9), I32]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

type Im2colWide = (r0: number, r1: number, start: number, pixel: number, tap: number, x: number, dst: number,
  cin: number, taps: number) => void;
export const im2colWide = instantiate([{ name: 'im2col', params: new Array<number>(9).fill(I32), body: functionBody() }])['im2col'] as Im2colWide;
