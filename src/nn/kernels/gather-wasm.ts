/**
 * The depthwise kernels' gather (depthwise.ts gatherProducts) as a WebAssembly SIMD function:
 *   acc[i, ch] += sum over entries e of group i, in order, of a[position[e], ch] * b[other[e], ch],
 * rounded to float32 after every add. Four channels a step, as two float64 pairs: each product of
 * two float32 is exact in float64, the add is rounded to float64 and then to float32 (demote, as
 * Math.fround does in the JS loop), so the bits are the JS kernel's. Why: the JS loop pays a bounds
 * check and two conversions per element; here two lanes share each instruction (2-3x measured on
 * the detector's depthwise layers, operands copied in and out included; 1.07-1.11x a training step).
 */
import {
  I32, V128, countedLoop, demoteToF32, f64x2Add, f64x2Mul, get, i32, i32Load, instantiate, load64Zero, op,
  promoteLow, reserveFloats, set, store64Low, uleb, vec,
} from './wasm-module.js';

// locals: parameters (a count, byte pointers, the row length in bytes), then the loop state
const [GROUPS, START, POSITION, OTHER, A, B, ACC, ROW_BYTES] = [0, 1, 2, 3, 4, 5, 6, 7];
const [I, E0, E, E1, ROW, CH, AI, BI] = [8, 9, 10, 11, 12, 13, 14, 15];
const S01 = 16, S23 = 17; // float64 sums of channels ch, ch+1 and ch+2, ch+3

/** s = f64(f32(s + a * b)) for the channel pair at byte offset `half` (0 or 8) of the step. */
function addProduct(s: number, half: number): number[] {
  return [
    ...get(s),
    ...get(AI), ...load64Zero(half), ...promoteLow,
    ...get(BI), ...load64Zero(half), ...promoteLow,
    ...f64x2Mul, ...f64x2Add, ...demoteToF32, ...promoteLow, ...set(s),
  ];
}

function functionBody(): number[] {
  // address of entry e's row in an operand: base + index[e] * rowBytes + ch
  const entryRow = (index: number, base: number): number[] => [
    ...get(base), ...get(index), ...get(E), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(0),
    ...get(ROW_BYTES), op.i32Mul, op.i32Add, ...get(CH), op.i32Add,
  ];
  const entry = [
    ...entryRow(POSITION, A), ...set(AI),
    ...entryRow(OTHER, B), ...set(BI),
    ...addProduct(S01, 0), ...addProduct(S23, 8),
  ];
  const step = [
    ...get(ROW), ...get(CH), op.i32Add, ...load64Zero(0), ...promoteLow, ...set(S01),
    ...get(ROW), ...get(CH), op.i32Add, ...load64Zero(8), ...promoteLow, ...set(S23),
    ...get(E0), ...set(E),
    ...countedLoop(E, E1, i32(1), entry),
    ...get(ROW), ...get(CH), op.i32Add, ...get(S01), ...demoteToF32, ...store64Low(0),
    ...get(ROW), ...get(CH), op.i32Add, ...get(S23), ...demoteToF32, ...store64Low(8),
  ];
  const group = [
    ...get(START), ...get(I), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(0), ...set(E0),
    ...get(START), ...get(I), ...i32(2), op.i32Shl, op.i32Add, ...i32Load(4), ...set(E1),
    ...get(ACC), ...get(I), ...get(ROW_BYTES), op.i32Mul, op.i32Add, ...set(ROW),
    ...i32(0), ...set(CH),
    ...countedLoop(CH, ROW_BYTES, i32(16), step),
  ];
  const code = [...i32(0), ...set(I), ...countedLoop(I, GROUPS, i32(1), group), op.end];
  const locals = vec([[...uleb(8), I32], [...uleb(2), V128]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

type Gather4 = (groups: number, start: number, position: number, other: number, a: number, b: number,
  acc: number, rowBytes: number) => void;
const gather4 = instantiate([{ name: 'gather4', params: new Array<number>(8).fill(I32), body: functionBody() }])['gather4'] as Gather4;

/** Float index, 16-byte aligned, past `end`. */
const align4 = (end: number): number => (end + 3) & ~3;

/**
 * gatherProducts (depthwise.ts) for a channel count divisible by 4: the index arrays, `a`, `b` and
 * the first groups * c values of `acc` are copied into the kernels' memory and acc is copied back.
 */
export function gatherProductsWasm(
  groups: number, start: Int32Array, position: Int32Array, other: Int32Array,
  a: Float32Array, b: Float32Array, acc: Float32Array, c: number,
): void {
  const entries = position.length;
  const startAt = 0, positionAt = align4(groups + 1), otherAt = align4(positionAt + entries);
  const aAt = align4(otherAt + entries), bAt = align4(aAt + a.length), accAt = align4(bAt + b.length);
  const heap = reserveFloats(accAt + groups * c);
  const ints = new Int32Array(heap.buffer);
  ints.set(start, startAt);
  ints.set(position, positionAt);
  ints.set(other, otherAt);
  heap.set(a, aAt);
  heap.set(b, bAt);
  heap.set(acc.subarray(0, groups * c), accAt);
  gather4(groups, startAt * 4, positionAt * 4, otherAt * 4, aAt * 4, bAt * 4, accAt * 4, c * 4);
  acc.set(heap.subarray(accAt, accAt + groups * c));
}
