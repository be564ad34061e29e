/**
 * Single-precision arithmetic as the ARMv7-M ARM (DDI 0403E §A2.5.x) defines it: FPAdd, FPMul,
 * FPDiv, FPSqrt, FPMulAdd (fused) and FPCompare on raw bits, with FPSCR controls (FZ, DN, RMode) and
 * the cumulative exception flags in fpStatus. Exact intermediate results: float32 x float32 is exact
 * in float64, sums use two-sum, quotients and roots are rounded by exact candidate checks (round.ts).
 */
import { DEFAULT_NAN32, FPSCR_DZC, FPSCR_IOC, ROUND_MINUS_INF, fpStatus, rmodeOf } from './fpscr.js';
import { roundQuotient32, roundSqrt32, roundSum32 } from './round.js';
import {
  TYPE_FINITE, TYPE_INF, TYPE_QNAN, TYPE_SNAN, TYPE_ZERO, processNaN, processNaNs, processNaNs3, typeOf32, valueOf32,
} from './unpack.js';

const INF = 0x7f800000;

function infinity(sign: number): number {
  return ((sign << 31) | INF) >>> 0;
}

function zero(sign: number): number {
  return (sign << 31) >>> 0;
}

/** FPAdd(a, b) */
export function fpAdd(a: number, b: number, fpscr: number): number {
  const t1 = typeOf32(a, fpscr);
  const t2 = typeOf32(b, fpscr);
  const nan = processNaNs(t1, t2, a, b, fpscr);
  if (nan >= 0) return nan;
  return addNumbers(t1, t2, a, b, fpscr);
}

/** FPSub(a, b): NaN operands propagate unnegated; otherwise a + (-b). */
export function fpSub(a: number, b: number, fpscr: number): number {
  const t1 = typeOf32(a, fpscr);
  const t2 = typeOf32(b, fpscr);
  const nan = processNaNs(t1, t2, a, b, fpscr);
  if (nan >= 0) return nan;
  return addNumbers(t1, t2, a, (b ^ 0x80000000) >>> 0, fpscr);
}

/** The non-NaN part of FPAdd. */
function addNumbers(t1: number, t2: number, a: number, b: number, fpscr: number): number {
  const s1 = a >>> 31;
  const s2 = b >>> 31;
  if (t1 === TYPE_INF && t2 === TYPE_INF && s1 !== s2) {
    fpStatus.flags |= FPSCR_IOC;
    return DEFAULT_NAN32;
  }
  if (t1 === TYPE_INF) return infinity(s1);
  if (t2 === TYPE_INF) return infinity(s2);
  if (t1 === TYPE_ZERO && t2 === TYPE_ZERO && s1 === s2) return zero(s1);
  const v1 = t1 === TYPE_ZERO ? 0 : valueOf32(a);
  const v2 = t2 === TYPE_ZERO ? 0 : valueOf32(b);
  return sumResult(v1, v2, fpscr);
}

/** Rounds v1 + v2 (two-sum keeps the exact tail); an exact zero is -0 only in round-to-minus-infinity. */
function sumResult(v1: number, v2: number, fpscr: number): number {
  const s = v1 + v2;
  const bb = s - v1;
  const err = (v1 - (s - bb)) + (v2 - bb);
  if (s === 0 && err === 0) return zero(rmodeOf(fpscr) === ROUND_MINUS_INF ? 1 : 0);
  return roundSum32(s, err, fpscr);
}

/** FPMul(a, b) */
export function fpMul(a: number, b: number, fpscr: number): number {
  const t1 = typeOf32(a, fpscr);
  const t2 = typeOf32(b, fpscr);
  const nan = processNaNs(t1, t2, a, b, fpscr);
  if (nan >= 0) return nan;
  const sign = (a ^ b) >>> 31;
  if ((t1 === TYPE_INF && t2 === TYPE_ZERO) || (t1 === TYPE_ZERO && t2 === TYPE_INF)) {
    fpStatus.flags |= FPSCR_IOC;
    return DEFAULT_NAN32;
  }
  if (t1 === TYPE_INF || t2 === TYPE_INF) return infinity(sign);
  if (t1 === TYPE_ZERO || t2 === TYPE_ZERO) return zero(sign);
  return roundSum32(valueOf32(a) * valueOf32(b), 0, fpscr);
}

/** FPDiv(a, b) */
export function fpDiv(a: number, b: number, fpscr: number): number {
  const t1 = typeOf32(a, fpscr);
  const t2 = typeOf32(b, fpscr);
  const nan = processNaNs(t1, t2, a, b, fpscr);
  if (nan >= 0) return nan;
  const sign = (a ^ b) >>> 31;
  if ((t1 === TYPE_INF && t2 === TYPE_INF) || (t1 === TYPE_ZERO && t2 === TYPE_ZERO)) {
    fpStatus.flags |= FPSCR_IOC;
    return DEFAULT_NAN32;
  }
  if (t1 === TYPE_INF || t2 === TYPE_ZERO) {
    if (t1 !== TYPE_INF) fpStatus.flags |= FPSCR_DZC;
    return infinity(sign);
  }
  if (t1 === TYPE_ZERO || t2 === TYPE_INF) return zero(sign);
  return roundQuotient32(valueOf32(a), valueOf32(b), fpscr);
}

/** FPSqrt(a) */
export function fpSqrt(a: number, fpscr: number): number {
  const t = typeOf32(a, fpscr);
  const sign = a >>> 31;
  if (t === TYPE_QNAN || t === TYPE_SNAN) return processNaN(t, a, fpscr);
  if (t === TYPE_ZERO) return zero(sign);
  if (t === TYPE_INF && sign === 0) return INF;
  if (sign === 1) {
    fpStatus.flags |= FPSCR_IOC;
    return DEFAULT_NAN32;
  }
  return roundSqrt32(valueOf32(a), fpscr);
}

/** FPMulAdd(addend, op1, op2): addend + op1 * op2 with a single rounding. */
export function fpMulAdd(addend: number, op1: number, op2: number, fpscr: number): number {
  const tA = typeOf32(addend, fpscr);
  const t1 = typeOf32(op1, fpscr);
  const t2 = typeOf32(op2, fpscr);
  const infZero = (t1 === TYPE_INF && t2 === TYPE_ZERO) || (t1 === TYPE_ZERO && t2 === TYPE_INF);
  const nan = processNaNs3(tA, t1, t2, addend, op1, op2, fpscr);
  if (tA === TYPE_QNAN && infZero) {
    fpStatus.flags |= FPSCR_IOC;
    return DEFAULT_NAN32;
  }
  if (nan >= 0) return nan;
  const signA = addend >>> 31;
  const signP = (op1 ^ op2) >>> 31;
  const infP = t1 === TYPE_INF || t2 === TYPE_INF;
  const zeroP = t1 === TYPE_ZERO || t2 === TYPE_ZERO;
  if (infZero || (tA === TYPE_INF && infP && signA !== signP)) {
    fpStatus.flags |= FPSCR_IOC;
    return DEFAULT_NAN32;
  }
  if ((tA === TYPE_INF && signA === 0) || (infP && signP === 0)) return INF;
  if (tA === TYPE_INF || infP) return infinity(1);
  if (tA === TYPE_ZERO && zeroP && signA === signP) return zero(signA);
  const vA = tA === TYPE_ZERO ? 0 : valueOf32(addend);
  const product = zeroP ? 0 : valueOf32(op1) * valueOf32(op2);
  return sumResult(vA, product, fpscr);
}

/** FPCompare: the NZCV nibble; unordered is 0011 and raises IOC for a signalling NaN (or any NaN for VCMPE). */
export function fpCompare(a: number, b: number, quietNaNExc: boolean, fpscr: number): number {
  const t1 = typeOf32(a, fpscr);
  const t2 = typeOf32(b, fpscr);
  if (t1 >= TYPE_QNAN || t2 >= TYPE_QNAN) {
    if (t1 === TYPE_SNAN || t2 === TYPE_SNAN || quietNaNExc) fpStatus.flags |= FPSCR_IOC;
    return 0b0011;
  }
  const v1 = t1 === TYPE_ZERO ? 0 : t1 === TYPE_FINITE ? valueOf32(a) : a >>> 31 ? -Infinity : Infinity;
  const v2 = t2 === TYPE_ZERO ? 0 : t2 === TYPE_FINITE ? valueOf32(b) : b >>> 31 ? -Infinity : Infinity;
  if (v1 === v2) return 0b0110;
  return v1 < v2 ? 0b1000 : 0b0010;
}
