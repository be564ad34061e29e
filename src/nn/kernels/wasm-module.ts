/**
 * Byte emission for the engine's WebAssembly kernels (gemm-wasm.ts, gather-wasm.ts) and the one
 * memory they share. No assembler is involved: the few instructions we use are emitted as bytes
 * (the WebAssembly binary format, core spec section 5, and the SIMD proposal's opcode table),
 * because no npm package we depend on assembles text format at run time and the functions are small.
 */

// ---- encodings ----
export const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};
export const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

// ---- instructions ----
export const I32 = 0x7f, V128 = 0x7b, VOID = 0x40;
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d,
  get: 0x20, set: 0x21,
  i32Load: 0x28, f32Load: 0x2a, f32Store: 0x38, f64Store: 0x39, i32Const: 0x41, i32And: 0x71, i32Sub: 0x6b,
  i32LtS: 0x48,
  i32Eq: 0x46, i32GeS: 0x4e, i32Add: 0x6a, i32Mul: 0x6c, i32Shl: 0x74,
  f64Add: 0xa0, f32DemoteF64: 0xb6, f64PromoteF32: 0xbb,
};
const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];
export const v128Const0 = simd(0x0c, ...new Array<number>(16).fill(0));
export const f64x2Add = simd(0xf0);
export const f64x2Mul = simd(0xf2);
/** f32x4.demote_f64x2_zero and f64x2.promote_low_f32x4: two float64 lanes to float32 and back. */
export const demoteToF32 = simd(0x5e);
export const promoteLow = simd(0x5f);
export const extractLane = (lane: number): number[] => simd(0x21, lane);
export const v128Const = (bytes: number[]): number[] => simd(0x0c, ...bytes);
export const i32x4Splat = simd(0x11);
export const i32x4Add = simd(0xae);
export const f32x4Gt = simd(0x44);
/** v128.bitselect: lanes of the first operand where the mask is set, else of the second. */
export const bitselect = simd(0x52);
export const v128Load = (offset: number): number[] => simd(0x00, 4, ...uleb(offset));
export const v128Store = (offset: number): number[] => simd(0x0b, 4, ...uleb(offset));
export const load64Splat = (offset: number): number[] => simd(0x0a, 3, ...uleb(offset));
/** v128.load64_zero: two floats into the low half. */
export const load64Zero = (offset: number): number[] => simd(0x5d, 3, ...uleb(offset));
/** v128.store64_lane 0: the low two floats. */
export const store64Low = (offset: number): number[] => simd(0x5b, 3, ...uleb(offset), 0);
export const i32Load = (offset: number): number[] => [op.i32Load, 2, ...uleb(offset)];
export const f64Store = (offset: number): number[] => [op.f64Store, 3, ...uleb(offset)];
/** memory.fill (bulk memory): [dest, byte value, length] from the stack. */
export const memoryFill = [0xfc, ...uleb(11), 0x00];
export const f32Load = (offset: number): number[] => [op.f32Load, 2, ...uleb(offset)];
export const f32Store = (offset: number): number[] => [op.f32Store, 2, ...uleb(offset)];
export const get = (l: number): number[] => [op.get, ...uleb(l)];
export const set = (l: number): number[] => [op.set, ...uleb(l)];
export const i32 = (v: number): number[] => [op.i32Const, ...sleb(v)];

/** while (counter < limit) { body; counter += step } */
export function countedLoop(counter: number, limit: number, step: number[], body: number[]): number[] {
  return [
    op.block, VOID, op.loop, VOID,
    ...get(counter), ...get(limit), op.i32GeS, op.brIf, 1,
    ...body,
    ...get(counter), ...step, op.i32Add, ...set(counter),
    op.br, 0, op.end, op.end,
  ];
}

// ---- the module and the shared memory ----
export interface KernelFunction {
  name: string;
  /** Parameter value types (I32 ...); no results. */
  params: number[];
  /** The function's body as the code section holds it: size, locals, instructions, end. */
  body: number[];
}

/** One memory for every kernel module of this thread: operands are written once and any kernel reads them. */
const memory = new WebAssembly.Memory({ initial: 16 });
let heap = new Float32Array(memory.buffer);

/** A module of `functions` on the shared memory, instantiated; its exports by name. */
export function instantiate(functions: KernelFunction[]): WebAssembly.Exports {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])), // memory import, min 1 page
    ...section(3, vec(functions.map((_, k) => uleb(k)))),
    ...section(7, vec(functions.map((f, k) => [...name(f.name), 0x00, ...uleb(k)]))),
    ...section(10, vec(functions.map((f) => f.body))),
  ];
  return new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { e: { m: memory } }).exports;
}

/** The shared memory as floats, grown to at least `floats`; valid until the next call that may grow it. */
export function reserveFloats(floats: number): Float32Array {
  const needed = floats * 4 - memory.buffer.byteLength;
  if (needed > 0) memory.grow(Math.ceil(needed / 65536));
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  return heap;
}
