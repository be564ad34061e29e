/**
 * Parallel add and subtract, ARM ARM DDI 0403E A5.3.13/A5.3.14 (A7.7: SADD16 ... UHSAX): two 16-bit or four
 * 8-bit lanes computed side by side. Every handler is built once, at module load, from three choices taken
 * from its name: how lanes are read (signed or unsigned), which lane pairs are added or subtracted (ADD16,
 * ASX, SAX, SUB16, ADD8, SUB8) and how a lane result is written back:
 *   plain (S/U): the low bits of the result, and APSR.GE per lane as the pseudo-code says: signed lanes
 *     set GE when the result is >= 0; unsigned sums set GE on a carry out (>= 2^16 or 2^8), unsigned
 *     differences when there is no borrow (>= 0);
 *   saturating (Q/UQ): clipped to the signed or unsigned lane range; GE and Q unchanged;
 *   halving (SH/UH): bits [width:1] of the exact result; GE unchanged.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler, Insn } from '../../insn.js';

const PLAIN = 0;
const SATURATING = 1;
const HALVING = 2;
type Kind = typeof PLAIN | typeof SATURATING | typeof HALVING;

/** 16-bit lane pairings: [low lane subtracts, high lane subtracts, Rm's halves crossed]. */
type Form16 = readonly [lowSub: boolean, highSub: boolean, crossed: boolean];
const ADD16: Form16 = [false, false, false];
const SUB16: Form16 = [true, true, false];
/** ASX: low = Rn.lo - Rm.hi, high = Rn.hi + Rm.lo. */
const ASX: Form16 = [true, false, true];
/** SAX: low = Rn.lo + Rm.hi, high = Rn.hi - Rm.lo. */
const SAX: Form16 = [false, true, true];

/** The GE bit of the last plain lane written by laneResult (module scratch: no allocation per lane). */
let geOut = 0;

/** A lane result written back into `width` bits under `kind`; a plain lane also leaves its GE bit in geOut. */
function laneResult(result: number, width: number, signed: boolean, sub: boolean, kind: Kind): number {
  const top = 2 ** width;
  if (kind === SATURATING) {
    const max = signed ? top / 2 - 1 : top - 1;
    const min = signed ? -top / 2 : 0;
    return (result > max ? max : result < min ? min : result) & (top - 1);
  }
  if (kind === HALVING) return (result >> 1) & (top - 1);
  if (signed) geOut = result >= 0 ? 1 : 0;
  else geOut = (sub ? result >= 0 : result >= top) ? 1 : 0;
  return result & (top - 1);
}

function halfwords(signed: boolean, form: Form16, kind: Kind): Handler {
  const [lowSub, highSub, crossed] = form;
  return (cpu: Cpu, i: Insn) => {
    const n = cpu.r[i.n]!;
    const m = cpu.r[i.m]!;
    const nLo = signed ? (n << 16) >> 16 : n & 0xffff;
    const nHi = signed ? (n | 0) >> 16 : n >>> 16;
    const mLo = signed ? (m << 16) >> 16 : m & 0xffff;
    const mHi = signed ? (m | 0) >> 16 : m >>> 16;
    const forLow = crossed ? mHi : mLo;
    const forHigh = crossed ? mLo : mHi;
    const low = laneResult(lowSub ? nLo - forLow : nLo + forLow, 16, signed, lowSub, kind);
    const geLow = geOut;
    const high = laneResult(highSub ? nHi - forHigh : nHi + forHigh, 16, signed, highSub, kind);
    if (kind === PLAIN) cpu.ge = (geLow * 3) | (geOut * 12);
    cpu.setReg(i.d, ((high << 16) | low) >>> 0);
    return true;
  };
}

function bytes(signed: boolean, sub: boolean, kind: Kind): Handler {
  return (cpu: Cpu, i: Insn) => {
    const n = cpu.r[i.n]!;
    const m = cpu.r[i.m]!;
    let result = 0;
    let ge = 0;
    for (let lane = 0; lane < 4; lane++) {
      const up = 24 - 8 * lane;
      const a = signed ? (n << up) >> 24 : (n >>> (8 * lane)) & 0xff;
      const b = signed ? (m << up) >> 24 : (m >>> (8 * lane)) & 0xff;
      result |= laneResult(sub ? a - b : a + b, 8, signed, sub, kind) << (8 * lane);
      ge |= geOut << lane;
    }
    if (kind === PLAIN) cpu.ge = ge;
    cpu.setReg(i.d, result >>> 0);
    return true;
  };
}

/** Handler name prefix -> lane signedness and kind. */
const PREFIXES = [
  ['s', true, PLAIN], ['q', true, SATURATING], ['sh', true, HALVING],
  ['u', false, PLAIN], ['uq', false, SATURATING], ['uh', false, HALVING],
] as const;

function buildParallelHandlers(): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const [prefix, signed, kind] of PREFIXES) {
    out[`${prefix}add16`] = halfwords(signed, ADD16, kind);
    out[`${prefix}sub16`] = halfwords(signed, SUB16, kind);
    out[`${prefix}asx`] = halfwords(signed, ASX, kind);
    out[`${prefix}sax`] = halfwords(signed, SAX, kind);
    out[`${prefix}add8`] = bytes(signed, false, kind);
    out[`${prefix}sub8`] = bytes(signed, true, kind);
  }
  return out;
}

export const parallelHandlers: Record<string, Handler> = buildParallelHandlers();
