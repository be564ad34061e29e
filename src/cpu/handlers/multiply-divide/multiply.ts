/**
 * Multiply handlers named by isa/multiply-divide.isa (ARM ARM DDI 0403E A7.7: MUL, MLA, MLS, SMULL,
 * UMULL, SMLAL, UMLAL; SDIV/UDIV are in ./divide.ts). 64-bit products are built exactly from 16-bit halves in
 * doubles (every partial sum stays below 2^53), with no BigInt and no allocation; the two halves of the
 * last product are left in module scratch variables.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler, Insn } from '../../insn.js';
import { setsFlags } from '../data-processing/flags.js';

const TWO_32 = 4294967296;
let productLo = 0;
let productHi = 0;

/** Unsigned 32 x 32 -> 64: productHi:productLo. */
function multiplyUnsigned(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const middle = a0 * b1 + a1 * b0; // < 2^33
  const low = a0 * b0 + (middle % 65536) * 65536; // < 2^33
  productLo = low >>> 0;
  productHi = (a1 * b1 + Math.floor(middle / 65536) + Math.floor(low / TWO_32)) >>> 0;
}

/** Signed 32 x 32 -> 64: the unsigned product minus 2^32 * (b if a < 0) and (a if b < 0). */
function multiplySigned(a: number, b: number): void {
  multiplyUnsigned(a, b);
  let hi = productHi;
  if (a >>> 31) hi -= b;
  if (b >>> 31) hi -= a;
  productHi = hi >>> 0;
}

/** productHi:productLo += hi:lo (mod 2^64). */
function accumulate(hi: number, lo: number): void {
  const sumLo = productLo + lo;
  productLo = sumLo >>> 0;
  productHi = (productHi + hi + (sumLo >= TWO_32 ? 1 : 0)) >>> 0;
}

function writeLong(cpu: Cpu, i: Insn): void {
  cpu.setReg(i.dLo, productLo);
  cpu.setReg(i.dHi, productHi);
}

export const multiplyHandlers: Record<string, Handler> = {
  /** MUL: low 32 bits; MULS sets N and Z only (C, V unchanged in ARMv7-M). */
  mul: (cpu, i) => {
    const result = Math.imul(cpu.r[i.n]!, cpu.r[i.m]!) >>> 0;
    cpu.setReg(i.d, result);
    if (setsFlags(cpu, i)) {
      cpu.n = result >>> 31;
      cpu.z = result === 0 ? 1 : 0;
    }
    return true;
  },
  mla: (cpu, i) => {
    cpu.setReg(i.d, (Math.imul(cpu.r[i.n]!, cpu.r[i.m]!) + cpu.r[i.a]!) >>> 0);
    return true;
  },
  mls: (cpu, i) => {
    cpu.setReg(i.d, (cpu.r[i.a]! - Math.imul(cpu.r[i.n]!, cpu.r[i.m]!)) >>> 0);
    return true;
  },
  umull: (cpu, i) => {
    multiplyUnsigned(cpu.r[i.n]!, cpu.r[i.m]!);
    writeLong(cpu, i);
    return true;
  },
  smull: (cpu, i) => {
    multiplySigned(cpu.r[i.n]!, cpu.r[i.m]!);
    writeLong(cpu, i);
    return true;
  },
  umlal: (cpu, i) => {
    multiplyUnsigned(cpu.r[i.n]!, cpu.r[i.m]!);
    accumulate(cpu.r[i.dHi]!, cpu.r[i.dLo]!);
    writeLong(cpu, i);
    return true;
  },
  smlal: (cpu, i) => {
    multiplySigned(cpu.r[i.n]!, cpu.r[i.m]!);
    accumulate(cpu.r[i.dHi]!, cpu.r[i.dLo]!);
    writeLong(cpu, i);
    return true;
  },
};
