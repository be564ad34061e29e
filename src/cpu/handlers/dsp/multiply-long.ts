/**
 * DSP multiplies with 64-bit arithmetic, ARM ARM DDI 0403E A7.7: SMLAL<x><y>, SMLALD{X}, SMLSLD{X},
 * SMMUL{R}, SMMLA{R}, SMMLS{R}, UMAAL. 64-bit values are kept as two uint32 halves in module scratch
 * (wideHi:wideLo) and built exactly from 16-bit partial products in doubles, every partial sum below
 * 2^53: no BigInt and no allocation. Operand conventions (i.nTop, i.mTop, i.swap) are those of
 * multiply-halfword.ts; for SMMUL/SMMLA/SMMLS i.round = 1 is the rounding (R) form.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler, Insn } from '../../insn.js';
import { signedHalf } from './multiply-halfword.js';

const TWO_32 = 4294967296;
let wideHi = 0;
let wideLo = 0;

/** wideHi:wideLo = a * b, both unsigned 32-bit. */
function multiplyUnsigned(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const cross = a0 * b1 + a1 * b0; // < 2^33
  const low = a0 * b0 + (cross % 65536) * 65536; // < 2^33
  wideLo = low >>> 0;
  wideHi = (a1 * b1 + Math.floor(cross / 65536) + Math.floor(low / TWO_32)) >>> 0;
}

/** wideHi:wideLo = a * b as signed 32-bit values (two's complement 64-bit). */
function multiplySigned(a: number, b: number): void {
  multiplyUnsigned(a, b);
  let hi = wideHi;
  if (a >>> 31) hi -= b >>> 0;
  if (b >>> 31) hi -= a >>> 0;
  wideHi = hi >>> 0;
}

/** wideHi:wideLo = hi:lo + x, for a signed integer x with |x| < 2^52 (mod 2^64). */
function addSigned(hi: number, lo: number, x: number): void {
  const sum = lo + x;
  const low = sum >>> 0;
  wideLo = low;
  wideHi = (hi + (sum - low) / TWO_32) >>> 0;
}

/** Writes wideHi:wideLo to RdHi:RdLo; RdHi last (RdLo = RdHi is UNPREDICTABLE). */
function writeLong(cpu: Cpu, i: Insn): void {
  cpu.setReg(i.dLo, wideLo);
  cpu.setReg(i.dHi, wideHi);
}

/** Rn.lo * m.lo + sign * Rn.hi * m.hi for the dual forms (m swapped when i.swap = 1). */
function dualSum(cpu: Cpu, i: Insn, sign: number): number {
  const n = cpu.r[i.n]!;
  let m = cpu.r[i.m]!;
  if (i.swap === 1) m = ((m >>> 16) | (m << 16)) >>> 0;
  return ((n << 16) >> 16) * ((m << 16) >> 16) + sign * (((n | 0) >> 16) * ((m | 0) >> 16));
}

/** R[d] = top word of wideHi:wideLo, plus 0x80000000 rounding when i.round = 1. */
function writeTopWord(cpu: Cpu, i: Insn): void {
  const carry = i.round === 1 && wideLo >= 0x80000000 ? 1 : 0;
  cpu.setReg(i.d, (wideHi + carry) >>> 0);
}

export const multiplyLongHandlers: Record<string, Handler> = {
  smlalxy: (cpu, i) => {
    const product = signedHalf(cpu.r[i.n]!, i.nTop) * signedHalf(cpu.r[i.m]!, i.mTop);
    addSigned(cpu.r[i.dHi]!, cpu.r[i.dLo]!, product);
    writeLong(cpu, i);
    return true;
  },
  smlald: (cpu, i) => {
    addSigned(cpu.r[i.dHi]!, cpu.r[i.dLo]!, dualSum(cpu, i, 1));
    writeLong(cpu, i);
    return true;
  },
  smlsld: (cpu, i) => {
    addSigned(cpu.r[i.dHi]!, cpu.r[i.dLo]!, dualSum(cpu, i, -1));
    writeLong(cpu, i);
    return true;
  },
  /** SMMUL{R}: (R[n] * R[m] [+ 0x80000000]) >> 32. */
  smmul: (cpu, i) => {
    multiplySigned(cpu.r[i.n]!, cpu.r[i.m]!);
    writeTopWord(cpu, i);
    return true;
  },
  /** SMMLA{R}: ((R[a] << 32) + R[n] * R[m] [+ 0x80000000]) >> 32. */
  smmla: (cpu, i) => {
    multiplySigned(cpu.r[i.n]!, cpu.r[i.m]!);
    wideHi = (wideHi + cpu.r[i.a]!) >>> 0;
    writeTopWord(cpu, i);
    return true;
  },
  /** SMMLS{R}: ((R[a] << 32) - R[n] * R[m] [+ 0x80000000]) >> 32; Ra = 15 (UNPREDICTABLE) is SMMUL{R}, as in QEMU. */
  smmls: (cpu, i) => {
    multiplySigned(cpu.r[i.n]!, cpu.r[i.m]!);
    if (i.a !== 15) {
      const borrow = wideLo !== 0 ? 1 : 0;
      wideLo = (TWO_32 - wideLo) >>> 0;
      wideHi = (cpu.r[i.a]! - wideHi - borrow) >>> 0;
    }
    writeTopWord(cpu, i);
    return true;
  },
  /** UMAAL: R[n] * R[m] + RdHi + RdLo (unsigned; cannot exceed 2^64 - 1). */
  umaal: (cpu, i) => {
    multiplyUnsigned(cpu.r[i.n]!, cpu.r[i.m]!);
    const low = wideLo + cpu.r[i.dLo]! + cpu.r[i.dHi]!; // < 3 * 2^32
    const carry = Math.floor(low / TWO_32);
    wideLo = low >>> 0;
    wideHi = (wideHi + carry) >>> 0;
    writeLong(cpu, i);
    return true;
  },
};
