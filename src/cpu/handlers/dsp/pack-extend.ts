/**
 * DSP pack, extend, select and absolute difference, ARM ARM DDI 0403E A7.7: SXTAB, SXTAB16, SXTAH, SXTB16,
 * UXTAB, UXTAB16, UXTAH, UXTB16 (rotation in i.imm: 0, 8, 16 or 24), PKHBT/PKHTB (shift in
 * i.shiftType/i.shiftN), SEL (per byte by APSR.GE), USAD8/USADA8.
 */
import { shift } from '../../alu.js';
import type { Handler } from '../../insn.js';

/** ROR(x, r) for the extend rotations (r = 0, 8, 16, 24). */
function ror(x: number, r: number): number {
  return r === 0 ? x >>> 0 : ((x >>> r) | (x << (32 - r))) >>> 0;
}

/** Two independent 16-bit additions: [a.hi + b.hi, a.lo + b.lo], each modulo 2^16. */
function add16x2(a: number, b: number): number {
  return ((((a >>> 16) + (b >>> 16)) << 16) | ((a + b) & 0xffff)) >>> 0;
}

/** Bytes 0 and 2 of x, sign-extended to 16 bits each (SXTB16). */
function signExtendBytes02(x: number): number {
  return ((((x << 8) >> 24) << 16) | (((x << 24) >> 24) & 0xffff)) >>> 0;
}

/** Sum of |a.byte[k] - b.byte[k]| over the four unsigned bytes. */
function sumAbsoluteDifferences(a: number, b: number): number {
  let sum = 0;
  for (let s = 0; s < 32; s += 8) {
    const d = ((a >>> s) & 0xff) - ((b >>> s) & 0xff);
    sum += d < 0 ? -d : d;
  }
  return sum;
}

export const packExtendHandlers: Record<string, Handler> = {
  sxtab: (cpu, i) => {
    cpu.setReg(i.d, (cpu.r[i.n]! + ((ror(cpu.r[i.m]!, i.imm) << 24) >> 24)) >>> 0);
    return true;
  },
  uxtab: (cpu, i) => {
    cpu.setReg(i.d, (cpu.r[i.n]! + (ror(cpu.r[i.m]!, i.imm) & 0xff)) >>> 0);
    return true;
  },
  sxtah: (cpu, i) => {
    cpu.setReg(i.d, (cpu.r[i.n]! + ((ror(cpu.r[i.m]!, i.imm) << 16) >> 16)) >>> 0);
    return true;
  },
  uxtah: (cpu, i) => {
    cpu.setReg(i.d, (cpu.r[i.n]! + (ror(cpu.r[i.m]!, i.imm) & 0xffff)) >>> 0);
    return true;
  },
  sxtb16: (cpu, i) => {
    cpu.setReg(i.d, signExtendBytes02(ror(cpu.r[i.m]!, i.imm)));
    return true;
  },
  uxtb16: (cpu, i) => {
    cpu.setReg(i.d, ror(cpu.r[i.m]!, i.imm) & 0x00ff00ff);
    return true;
  },
  sxtab16: (cpu, i) => {
    cpu.setReg(i.d, add16x2(cpu.r[i.n]!, signExtendBytes02(ror(cpu.r[i.m]!, i.imm))));
    return true;
  },
  uxtab16: (cpu, i) => {
    cpu.setReg(i.d, add16x2(cpu.r[i.n]!, ror(cpu.r[i.m]!, i.imm) & 0x00ff00ff));
    return true;
  },

  /** PKHBT: Rn's bottom half, the shifted Rm's top half (shift LSL, carry irrelevant). */
  pkhbt: (cpu, i) => {
    const operand2 = shift(cpu.r[i.m]!, i.shiftType, i.shiftN, cpu.c);
    cpu.setReg(i.d, ((operand2 & 0xffff0000) | (cpu.r[i.n]! & 0xffff)) >>> 0);
    return true;
  },
  /** PKHTB: Rn's top half, the shifted Rm's bottom half (shift ASR #1..32). */
  pkhtb: (cpu, i) => {
    const operand2 = shift(cpu.r[i.m]!, i.shiftType, i.shiftN, cpu.c);
    cpu.setReg(i.d, ((cpu.r[i.n]! & 0xffff0000) | (operand2 & 0xffff)) >>> 0);
    return true;
  },

  /** SEL: byte k from Rn when GE[k] is set, else from Rm. */
  sel: (cpu, i) => {
    const ge = cpu.ge;
    const fromN = ((ge & 1) * 0xff) | ((ge & 2) * 0x7f80) | ((ge & 4) * 0x3fc000) | ((ge & 8) * 0x1fe00000);
    cpu.setReg(i.d, ((cpu.r[i.n]! & fromN) | (cpu.r[i.m]! & ~fromN)) >>> 0);
    return true;
  },

  usad8: (cpu, i) => {
    cpu.setReg(i.d, sumAbsoluteDifferences(cpu.r[i.n]!, cpu.r[i.m]!));
    return true;
  },
  usada8: (cpu, i) => {
    cpu.setReg(i.d, (cpu.r[i.a]! + sumAbsoluteDifferences(cpu.r[i.n]!, cpu.r[i.m]!)) >>> 0);
    return true;
  },
};
