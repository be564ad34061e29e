/**
 * FPUnpack and NaN processing for single precision (ARMv7-M ARM DDI 0403E §A2.5.x: FPUnpack,
 * FPProcessNaN, FPProcessNaNs, FPProcessNaNs3). Operands stay raw bits so NaN payloads survive.
 */
import { DEFAULT_NAN32, FPSCR_DN, FPSCR_FZ, FPSCR_IDC, FPSCR_IOC, fpStatus } from './fpscr.js';

export const TYPE_ZERO = 0;
export const TYPE_FINITE = 1;
export const TYPE_INF = 2;
export const TYPE_QNAN = 3;
export const TYPE_SNAN = 4;

const f32 = new Float32Array(1);
const w32 = new Uint32Array(f32.buffer);

/** The operand's FPType; a denormal under FPSCR.FZ is a zero of the same sign and raises IDC. */
export function typeOf32(bits: number, fpscr: number): number {
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (exp === 0) {
    if (frac === 0) return TYPE_ZERO;
    if ((fpscr & FPSCR_FZ) !== 0) {
      fpStatus.flags |= FPSCR_IDC;
      return TYPE_ZERO;
    }
    return TYPE_FINITE;
  }
  if (exp === 0xff) return frac === 0 ? TYPE_INF : (frac & 0x400000) !== 0 ? TYPE_QNAN : TYPE_SNAN;
  return TYPE_FINITE;
}

/** The value of a finite (non-NaN) single: exact as a JS number. */
export function valueOf32(bits: number): number {
  w32[0] = bits;
  return f32[0]!;
}

/** Bits of a single-precision value that is exactly representable (no NaN). */
export function bitsOf32(value: number): number {
  f32[0] = value;
  return w32[0]!;
}

export function isNaNType(t: number): boolean {
  return t >= TYPE_QNAN;
}

/** FPProcessNaN: quiet a signalling NaN (IOC), then the default NaN if FPSCR.DN. */
export function processNaN(type: number, bits: number, fpscr: number): number {
  let result = bits;
  if (type === TYPE_SNAN) {
    result |= 0x400000;
    fpStatus.flags |= FPSCR_IOC;
  }
  return (fpscr & FPSCR_DN) !== 0 ? DEFAULT_NAN32 : result >>> 0;
}

/** FPProcessNaNs: the first signalling NaN, else the first quiet NaN; -1 when neither operand is a NaN. */
export function processNaNs(t1: number, t2: number, a: number, b: number, fpscr: number): number {
  if (t1 === TYPE_SNAN) return processNaN(t1, a, fpscr);
  if (t2 === TYPE_SNAN) return processNaN(t2, b, fpscr);
  if (t1 === TYPE_QNAN) return processNaN(t1, a, fpscr);
  if (t2 === TYPE_QNAN) return processNaN(t2, b, fpscr);
  return -1;
}

/** FPProcessNaNs3 in the ARM ARM's operand order (addend, op1, op2 for a fused multiply-add). */
export function processNaNs3(t1: number, t2: number, t3: number, a: number, b: number, c: number, fpscr: number): number {
  if (t1 === TYPE_SNAN) return processNaN(t1, a, fpscr);
  if (t2 === TYPE_SNAN) return processNaN(t2, b, fpscr);
  if (t3 === TYPE_SNAN) return processNaN(t3, c, fpscr);
  if (t1 === TYPE_QNAN) return processNaN(t1, a, fpscr);
  if (t2 === TYPE_QNAN) return processNaN(t2, b, fpscr);
  if (t3 === TYPE_QNAN) return processNaN(t3, c, fpscr);
  return -1;
}
