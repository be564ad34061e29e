/**
 * Bit-level operations (ARM ARM DDI 0403E A7.7): extends with rotation (SXTB/SXTH/UXTB/UXTH), byte and
 * bit reversal (REV/REV16/REVSH/RBIT), CLZ, saturation (SSAT/USAT, setting Q) and bit fields
 * (SBFX/UBFX/BFI/BFC). The UNPREDICTABLE field ranges (msb < lsb, lsb + width > 32) are UNDEFINED here,
 * as QEMU treats them.
 */
import type { Handler } from '../../insn.js';
import { aluOut, shiftC, signedSat, unsignedSat } from '../../alu.js';

/** ROR(x, rotation) for rotation in {0, 8, 16, 24}. */
function ror(x: number, rotation: number): number {
  return rotation === 0 ? x : ((x >>> rotation) | (x << (32 - rotation))) >>> 0;
}

function reverseBits(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

export const bitsHandlers: Record<string, Handler> = {
  sxth: (cpu, i) => { cpu.setReg(i.d, ((ror(cpu.r[i.m]!, i.imm) << 16) >> 16) >>> 0); return true; },
  sxtb: (cpu, i) => { cpu.setReg(i.d, ((ror(cpu.r[i.m]!, i.imm) << 24) >> 24) >>> 0); return true; },
  uxth: (cpu, i) => { cpu.setReg(i.d, ror(cpu.r[i.m]!, i.imm) & 0xffff); return true; },
  uxtb: (cpu, i) => { cpu.setReg(i.d, ror(cpu.r[i.m]!, i.imm) & 0xff); return true; },

  rev: (cpu, i) => {
    const x = cpu.r[i.m]!;
    cpu.setReg(i.d, ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) >>> 0);
    return true;
  },
  rev16: (cpu, i) => {
    const x = cpu.r[i.m]!;
    cpu.setReg(i.d, (((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8)) >>> 0);
    return true;
  },
  /** REVSH: result<31:8> = SignExtend(R[m]<7:0>), result<7:0> = R[m]<15:8>. */
  revsh: (cpu, i) => {
    const x = cpu.r[i.m]!;
    cpu.setReg(i.d, ((((x << 24) >> 16) | ((x >>> 8) & 0xff)) >>> 0));
    return true;
  },
  rbit: (cpu, i) => { cpu.setReg(i.d, reverseBits(cpu.r[i.m]!)); return true; },
  clz: (cpu, i) => { cpu.setReg(i.d, Math.clz32(cpu.r[i.m]!)); return true; },

  /** SSAT: SignedSatQ(SInt(Shift(R[n], shift_t, shift_n)), saturate_to = i.imm2); Q set on clipping. */
  ssat: (cpu, i) => {
    const operand = shiftC(cpu.r[i.n]!, i.shiftType, i.shiftN, cpu.c) | 0;
    const result = signedSat(operand, i.imm2);
    cpu.setReg(i.d, result >>> 0);
    if (aluOut.saturated) cpu.q = 1;
    return true;
  },
  /** USAT: UnsignedSatQ(SInt(operand), saturate_to = i.imm2 in 0..31). */
  usat: (cpu, i) => {
    const operand = shiftC(cpu.r[i.n]!, i.shiftType, i.shiftN, cpu.c) | 0;
    const result = unsignedSat(operand, i.imm2);
    cpu.setReg(i.d, result >>> 0);
    if (aluOut.saturated) cpu.q = 1;
    return true;
  },

  /** SBFX: lsbit = i.imm, widthminus1 = i.imm2. */
  sbfx: (cpu, i) => {
    const msbit = i.imm + i.imm2;
    if (msbit > 31) return false;
    const up = 31 - msbit;
    cpu.setReg(i.d, (((cpu.r[i.n]! << up) >> (up + i.imm)) >>> 0));
    return true;
  },
  ubfx: (cpu, i) => {
    const msbit = i.imm + i.imm2;
    if (msbit > 31) return false;
    const up = 31 - msbit;
    cpu.setReg(i.d, ((cpu.r[i.n]! << up) >>> 0) >>> (up + i.imm));
    return true;
  },
  /** BFI: R[d]<msbit:lsbit> = R[n]<msbit-lsbit:0>; lsbit = i.imm, msbit = i.imm2. */
  bfi: (cpu, i) => {
    if (i.imm2 < i.imm) return false;
    const mask = (0xffffffff >>> (31 - i.imm2 + i.imm)) << i.imm;
    cpu.setReg(i.d, ((cpu.r[i.d]! & ~mask) | ((cpu.r[i.n]! << i.imm) & mask)) >>> 0);
    return true;
  },
  bfc: (cpu, i) => {
    if (i.imm2 < i.imm) return false;
    const mask = (0xffffffff >>> (31 - i.imm2 + i.imm)) << i.imm;
    cpu.setReg(i.d, (cpu.r[i.d]! & ~mask) >>> 0);
    return true;
  },
};
