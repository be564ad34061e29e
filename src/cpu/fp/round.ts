/**
 * FPRound (ARMv7-M ARM DDI 0403E §A2.5.x pseudo-code) to single and half precision, for values we
 * know exactly without holding them in one float64: a sum `approx + tail` (two-sum), a quotient
 * `num / den` or a square root `sqrt(num)`. Rounding picks between the two neighbours `lo < exact < hi`
 * of the destination grid and compares the exact value with their midpoint; every comparison is exact
 * in float64 because grid points and midpoints have at most 25 significant bits (25 x 24 bits for a
 * quotient check, 25 x 25 for a square root check, both < 53).
 * ARM specifics: tininess is detected before rounding; UFC needs tiny AND inexact unless FZ flushes
 * (then UFC alone, no IXC); overflow gives infinity or the largest normal by rounding mode; the
 * alternative half-precision format (AHP) saturates to 0x7FFF with IOC instead.
 */
import {
  FPSCR_AHP, FPSCR_FZ, FPSCR_IOC, FPSCR_IXC, FPSCR_OFC, FPSCR_UFC, ROUND_MINUS_INF, ROUND_NEAREST,
  ROUND_PLUS_INF, fpStatus, rmodeOf,
} from './fpscr.js';

const f64 = new Float64Array(1);
const w64 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const w32 = new Uint32Array(f32.buffer);

const POW2_BIAS = 1022;
/** 2^k for -1022 <= k <= 1023, built from the bit pattern so every entry is exact. */
const POW2 = new Float64Array(2046);
for (let k = -1022; k <= 1023; k++) {
  w64[0] = 0;
  w64[1] = (k + 1023) << 20;
  POW2[k + POW2_BIAS] = f64[0]!;
}

export function pow2(k: number): number {
  return POW2[k + POW2_BIAS]!;
}

/** floor(log2(x)) for a positive normal float64. */
export function exponentOf(x: number): number {
  f64[0] = x;
  return ((w64[1]! >>> 20) & 0x7ff) - 1023;
}

// The exact value being rounded: module state instead of closures (rounding runs per instruction),
// doubles kept in a Float64Array so that writing them does not box a heap number each time.
const KIND_SUM = 0;
const KIND_QUOTIENT = 1;
const KIND_SQRT = 2;
let kind = KIND_SUM;
const exact = new Float64Array(4);
/** KIND_SUM: exact = approx + (something with the sign of tail, smaller than half an ulp of approx). */
const APPROX = 0;
const TAIL = 1;
/** KIND_QUOTIENT: exact = num / den; KIND_SQRT: exact = sqrt(num). */
const NUM = 2;
const DEN = 3;

/** Sign of (exact - c) for a non-negative grid point or midpoint c. */
function compareExact(c: number): number {
  if (kind === KIND_SUM) {
    const approx = exact[APPROX]!;
    const tail = exact[TAIL]!;
    return approx > c ? 1 : approx < c ? -1 : tail > 0 ? 1 : tail < 0 ? -1 : 0;
  }
  const num = exact[NUM]!;
  const p = kind === KIND_QUOTIENT ? c * exact[DEN]! : c * c;
  return num > p ? 1 : num < p ? -1 : 0;
}

let inexact = false;
let tiny = false;

/**
 * Rounds the exact magnitude (near `ax`) to `fracBits` fraction bits with minimum normal exponent
 * `minExp` and an unbounded maximum exponent; sets `inexact` and `tiny` (before rounding).
 */
function roundMagnitude(sign: number, ax: number, rmode: number, fracBits: number, minExp: number): number {
  const e = exponentOf(ax);
  const ulpExp = (e > minExp ? e : minExp) - fracBits;
  let ulp = pow2(ulpExp);
  let lo = Math.floor(ax / ulp) * ulp;
  let s = compareExact(lo);
  if (s < 0) {
    // The exact value lies just below ax, which is a grid point: step down (half a step at a binade edge).
    if (ulpExp > minExp - fracBits && lo === pow2(ulpExp + fracBits)) ulp *= 0.5;
    lo -= ulp;
    s = 1;
  }
  tiny = lo < pow2(minExp);
  if (s === 0) {
    inexact = false;
    return lo;
  }
  inexact = true;
  let up: boolean;
  switch (rmode) {
    case ROUND_NEAREST: {
      const half = compareExact(lo + ulp * 0.5);
      up = half > 0 || (half === 0 && (lo / ulp) % 2 === 1);
      break;
    }
    case ROUND_PLUS_INF: up = sign === 0; break;
    case ROUND_MINUS_INF: up = sign === 1; break;
    default: up = false;
  }
  return up ? lo + ulp : lo;
}

const TWO_128 = 2 ** 128;

function finish32(sign: number, ax: number, fpscr: number): number {
  const rmode = rmodeOf(fpscr);
  const mag = roundMagnitude(sign, ax, rmode, 23, -126);
  const signBit = sign << 31;
  if (tiny && (fpscr & FPSCR_FZ) !== 0) {
    fpStatus.flags |= FPSCR_UFC;
    return signBit >>> 0;
  }
  if (mag >= TWO_128) {
    fpStatus.flags |= FPSCR_OFC | FPSCR_IXC;
    const toInf = rmode === ROUND_NEAREST || (rmode === ROUND_PLUS_INF && sign === 0) || (rmode === ROUND_MINUS_INF && sign === 1);
    return (signBit | (toInf ? 0x7f800000 : 0x7f7fffff)) >>> 0;
  }
  if (inexact) fpStatus.flags |= tiny ? FPSCR_IXC | FPSCR_UFC : FPSCR_IXC;
  f32[0] = mag;
  return (w32[0]! | signBit) >>> 0;
}

/** FPRound(approx + tail) to single precision; the sum must be non-zero and tail tiny against approx. */
export function roundSum32(x: number, err: number, fpscr: number): number {
  kind = KIND_SUM;
  const sign = x < 0 ? 1 : 0;
  const ax = sign ? -x : x;
  exact[APPROX] = ax;
  exact[TAIL] = sign ? -err : err;
  return finish32(sign, ax, fpscr);
}

/** FPRound(n / d) to single precision; n and d finite, non-zero, with at most 24 significant bits. */
export function roundQuotient32(n: number, d: number, fpscr: number): number {
  kind = KIND_QUOTIENT;
  const sign = (n < 0) !== (d < 0) ? 1 : 0;
  const an = Math.abs(n);
  const ad = Math.abs(d);
  exact[NUM] = an;
  exact[DEN] = ad;
  return finish32(sign, an / ad, fpscr);
}

/** FPRound(sqrt(v)) to single precision; v positive with at most 24 significant bits. */
export function roundSqrt32(v: number, fpscr: number): number {
  kind = KIND_SQRT;
  exact[NUM] = v;
  return finish32(0, Math.sqrt(v), fpscr);
}

/**
 * FPRound(x, 16) for an exact non-zero x: IEEE half, or the alternative format when FPSCR.AHP is set
 * (exponent 31 is a normal binade; overflow saturates with IOC). FZ does not apply to half outputs.
 */
export function roundToHalf(x: number, fpscr: number): number {
  kind = KIND_SUM;
  const sign = x < 0 ? 1 : 0;
  const ax = sign ? -x : x;
  exact[APPROX] = ax;
  exact[TAIL] = 0;
  const rmode = rmodeOf(fpscr);
  const mag = roundMagnitude(sign, ax, rmode, 10, -14);
  const signBit = sign << 15;
  if ((fpscr & FPSCR_AHP) !== 0) {
    if (mag >= 131072) {
      fpStatus.flags |= FPSCR_IOC;
      return signBit | 0x7fff;
    }
  } else if (mag >= 65536) {
    fpStatus.flags |= FPSCR_OFC | FPSCR_IXC;
    const toInf = rmode === ROUND_NEAREST || (rmode === ROUND_PLUS_INF && sign === 0) || (rmode === ROUND_MINUS_INF && sign === 1);
    return signBit | (toInf ? 0x7c00 : 0x7bff);
  }
  if (inexact) fpStatus.flags |= tiny ? FPSCR_IXC | FPSCR_UFC : FPSCR_IXC;
  if (mag < pow2(-14)) return signBit | (mag / pow2(-24));
  const e = exponentOf(mag);
  return signBit | ((e + 15) << 10) | (mag / pow2(e - 10) - 1024);
}
