/**
 * Conversions of FPv4-SP (ARMv7-M ARM DDI 0403E §A2.5.x): FPToFixed / FixedToFP (VCVT, VCVTR and
 * the fixed-point forms: integers are fixed-point numbers with 0 fraction bits) and
 * FPSingleToHalf / FPHalfToSingle (VCVTB, VCVTT, honouring FPSCR.AHP and FPSCR.DN).
 */
import {
  DEFAULT_NAN32, DEFAULT_NAN16, FPSCR_AHP, FPSCR_DN, FPSCR_IOC, FPSCR_IXC, ROUND_MINUS_INF, ROUND_NEAREST,
  ROUND_PLUS_INF, ROUND_ZERO, fpStatus, rmodeOf,
} from './fpscr.js';
import { pow2, roundSum32, roundToHalf } from './round.js';
import { TYPE_INF, TYPE_QNAN, TYPE_SNAN, TYPE_ZERO, typeOf32, valueOf32 } from './unpack.js';

/**
 * FPToFixed(operand, size, fracBits, unsigned, roundZero): the integer as a 32-bit pattern (16-bit
 * results sign- or zero-extended as VCVT writes them). Out-of-range values and infinities saturate
 * with IOC; NaNs give 0 with IOC.
 */
export function fpToFixed(bits: number, size: number, fracBits: number, unsigned: boolean, roundZero: boolean, fpscr: number): number {
  const type = typeOf32(bits, fpscr);
  if (type === TYPE_QNAN || type === TYPE_SNAN) {
    fpStatus.flags |= FPSCR_IOC;
    return 0;
  }
  const max = unsigned ? pow2(size) - 1 : pow2(size - 1) - 1;
  const min = unsigned ? 0 : -pow2(size - 1);
  let result: number;
  let error = 0;
  if (type === TYPE_INF) {
    result = bits >>> 31 ? -Infinity : Infinity;
  } else if (type === TYPE_ZERO) {
    result = 0;
  } else {
    const value = valueOf32(bits) * pow2(fracBits);
    result = Math.floor(value);
    error = value - result;
    let up: boolean;
    switch (roundZero ? ROUND_ZERO : rmodeOf(fpscr)) {
      case ROUND_NEAREST: up = error > 0.5 || (error === 0.5 && result % 2 !== 0); break;
      case ROUND_PLUS_INF: up = error !== 0; break;
      case ROUND_MINUS_INF: up = false; break;
      default: up = error !== 0 && result < 0;
    }
    if (up) result += 1;
  }
  if (result > max || result < min) {
    fpStatus.flags |= FPSCR_IOC;
    result = result > max ? max : min;
  } else if (error !== 0) {
    fpStatus.flags |= FPSCR_IXC;
  }
  return result >>> 0;
}

/** FixedToFP(operand, fracBits, unsigned) with the FPSCR rounding mode; `operand` is the low `size` bits. */
export function fixedToFp(operand: number, size: number, fracBits: number, unsigned: boolean, fpscr: number): number {
  let value: number;
  if (size === 16) value = unsigned ? operand & 0xffff : (operand << 16) >> 16;
  else value = unsigned ? operand >>> 0 : operand | 0;
  if (value === 0) return 0;
  return roundSum32(value / pow2(fracBits), 0, fpscr);
}

/** FPSingleToHalf: the 16-bit result. */
export function singleToHalf(bits: number, fpscr: number): number {
  const type = typeOf32(bits, fpscr);
  const signBit = (bits >>> 31) << 15;
  const ahp = (fpscr & FPSCR_AHP) !== 0;
  if (type === TYPE_QNAN || type === TYPE_SNAN) {
    let result: number;
    if (ahp) result = signBit;
    else if ((fpscr & FPSCR_DN) !== 0) result = DEFAULT_NAN16;
    else result = signBit | 0x7e00 | ((bits >>> 13) & 0x1ff);
    if (type === TYPE_SNAN || ahp) fpStatus.flags |= FPSCR_IOC;
    return result;
  }
  if (type === TYPE_INF) {
    if (ahp) {
      fpStatus.flags |= FPSCR_IOC;
      return signBit | 0x7fff;
    }
    return signBit | 0x7c00;
  }
  if (type === TYPE_ZERO) return signBit;
  return roundToHalf(valueOf32(bits), fpscr);
}

/** FPHalfToSingle: exact except for NaN handling (half inputs are never flushed). */
export function halfToSingle(half: number, fpscr: number): number {
  const signBit = ((half >>> 15) & 1) << 31;
  const exp = (half >>> 10) & 0x1f;
  const frac = half & 0x3ff;
  if (exp === 0x1f && (fpscr & FPSCR_AHP) === 0) {
    if (frac === 0) return (signBit | 0x7f800000) >>> 0;
    if ((frac & 0x200) === 0) fpStatus.flags |= FPSCR_IOC;
    if ((fpscr & FPSCR_DN) !== 0) return DEFAULT_NAN32;
    return (signBit | 0x7fc00000 | ((frac & 0x1ff) << 13)) >>> 0;
  }
  if (exp === 0 && frac === 0) return signBit >>> 0;
  const magnitude = exp === 0 ? frac * pow2(-24) : (1024 + frac) * pow2(exp - 25);
  return roundSum32(signBit ? -magnitude : magnitude, 0, fpscr);
}
