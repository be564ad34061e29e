/**
 * DSP multiplies with a 32-bit result, ARM ARM DDI 0403E A7.7: SMUL<x><y>, SMLA<x><y>, SMULW<y>, SMLAW<y>,
 * SMUAD{X}, SMLAD{X}, SMUSD{X}, SMLSD{X}. Halfword choice comes from the isa/ line: i.nTop (for Rn) and
 * i.mTop (for Rm) pick the top half (1) or the bottom (0); i.swap = 1 swaps Rm's halves for the X forms.
 * Every product and sum is exact in doubles
 * (|x| < 2^48), so the ARM ARM's "result != SInt(result<31:0>)" overflow test is a direct comparison;
 * overflow sets the sticky APSR.Q.
 */
import type { Handler, Insn } from '../../insn.js';
import type { Cpu } from '../../cpu.js';

/** The signed halfword of `x` an instruction names: the top one when `top` is 1. */
export function signedHalf(x: number, top: number): number {
  return top === 1 ? (x | 0) >> 16 : (x << 16) >> 16;
}

/** R[m] with its halves swapped for the X forms (i.swap = 1: ROR #16). */
function dualOperand(cpu: Cpu, i: Insn): number {
  const m = cpu.r[i.m]!;
  return i.swap === 1 ? ((m >>> 16) | (m << 16)) >>> 0 : m;
}

/** Rn.lo * m.lo and Rn.hi * m.hi (signed halves), left in module scratch. */
let product1 = 0;
let product2 = 0;
function dualProducts(n: number, m: number): void {
  product1 = ((n << 16) >> 16) * ((m << 16) >> 16);
  product2 = ((n | 0) >> 16) * ((m | 0) >> 16);
}

/** Writes result<31:0> to R[d]; sets Q when the exact result does not fit in 32 signed bits. */
function writeChecked(cpu: Cpu, i: Insn, result: number): void {
  if (result !== (result | 0)) cpu.q = 1;
  cpu.setReg(i.d, result >>> 0);
}

export const multiplyHalfwordHandlers: Record<string, Handler> = {
  /** SMUL<x><y>: a 16 x 16 product always fits; no Q. */
  smulxy: (cpu, i) => {
    cpu.setReg(i.d, Math.imul(signedHalf(cpu.r[i.n]!, i.nTop), signedHalf(cpu.r[i.m]!, i.mTop)) >>> 0);
    return true;
  },
  smlaxy: (cpu, i) => {
    writeChecked(cpu, i, signedHalf(cpu.r[i.n]!, i.nTop) * signedHalf(cpu.r[i.m]!, i.mTop) + (cpu.r[i.a]! | 0));
    return true;
  },
  /** SMULW<y>: (R[n] * half) >> 16, i.e. bits 47:16 of the 48-bit product; no Q. */
  smulwy: (cpu, i) => {
    const product = (cpu.r[i.n]! | 0) * signedHalf(cpu.r[i.m]!, i.mTop);
    cpu.setReg(i.d, Math.floor(product / 65536) >>> 0);
    return true;
  },
  /** SMLAW<y>: (R[n] * half + (R[a] << 16)) >> 16; Q when that does not fit in 32 signed bits. */
  smlawy: (cpu, i) => {
    const product = (cpu.r[i.n]! | 0) * signedHalf(cpu.r[i.m]!, i.mTop);
    writeChecked(cpu, i, Math.floor((product + (cpu.r[i.a]! | 0) * 65536) / 65536));
    return true;
  },
  /** SMUAD{X}: overflows only for 0x8000 * 0x8000 twice (2^31), which sets Q. */
  smuad: (cpu, i) => {
    dualProducts(cpu.r[i.n]!, dualOperand(cpu, i));
    writeChecked(cpu, i, product1 + product2);
    return true;
  },
  smlad: (cpu, i) => {
    dualProducts(cpu.r[i.n]!, dualOperand(cpu, i));
    writeChecked(cpu, i, product1 + product2 + (cpu.r[i.a]! | 0));
    return true;
  },
  /** SMUSD{X}: a difference of two 16 x 16 products always fits; no Q. */
  smusd: (cpu, i) => {
    dualProducts(cpu.r[i.n]!, dualOperand(cpu, i));
    cpu.setReg(i.d, (product1 - product2) >>> 0);
    return true;
  },
  smlsd: (cpu, i) => {
    dualProducts(cpu.r[i.n]!, dualOperand(cpu, i));
    writeChecked(cpu, i, product1 - product2 + (cpu.r[i.a]! | 0));
    return true;
  },
};
