/**
 * Add/subtract family: ADD, ADC, SUB, SBC, RSB, CMP, CMN (immediate and shifted register) and ADR
 * (ARM ARM DDI 0403E A7.7): every one is AddWithCarry(x, y, carry_in) with N Z C V when setflags.
 * SP forms are the same operations with n or d = 13 (setReg keeps SP word aligned); a write to the PC
 * (16-bit ADD/MOV high registers) is ALUWritePC, a branch.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler, Insn } from '../../insn.js';
import { addWithCarry, aluOut, shiftC } from '../../alu.js';
import { setsFlags } from './flags.js';

function writeArith(cpu: Cpu, i: Insn, result: number): void {
  cpu.setReg(i.d, result);
  if (setsFlags(cpu, i)) compareFlags(cpu, result);
}

/** N Z from the result, C V from the AddWithCarry just done. */
function compareFlags(cpu: Cpu, result: number): void {
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
  cpu.c = aluOut.carry;
  cpu.v = aluOut.overflow;
}

/** Shift(R[m], shift_t, shift_n, C): the second operand of the register forms. */
function operand2(cpu: Cpu, i: Insn): number {
  return shiftC(cpu.r[i.m]!, i.shiftType, i.shiftN, cpu.c);
}

export const arithmeticHandlers: Record<string, Handler> = {
  addImm: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, i.imm, 0)); return true; },
  adcImm: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, i.imm, cpu.c)); return true; },
  subImm: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, ~i.imm, 1)); return true; },
  sbcImm: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, ~i.imm, cpu.c)); return true; },
  rsbImm: (cpu, i) => { writeArith(cpu, i, addWithCarry(~cpu.r[i.n]!, i.imm, 1)); return true; },
  cmpImm: (cpu, i) => { compareFlags(cpu, addWithCarry(cpu.r[i.n]!, ~i.imm, 1)); return true; },
  cmnImm: (cpu, i) => { compareFlags(cpu, addWithCarry(cpu.r[i.n]!, i.imm, 0)); return true; },

  addReg: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, operand2(cpu, i), 0)); return true; },
  adcReg: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, operand2(cpu, i), cpu.c)); return true; },
  subReg: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, ~operand2(cpu, i), 1)); return true; },
  sbcReg: (cpu, i) => { writeArith(cpu, i, addWithCarry(cpu.r[i.n]!, ~operand2(cpu, i), cpu.c)); return true; },
  rsbReg: (cpu, i) => { writeArith(cpu, i, addWithCarry(~cpu.r[i.n]!, operand2(cpu, i), 1)); return true; },
  cmpReg: (cpu, i) => { compareFlags(cpu, addWithCarry(cpu.r[i.n]!, ~operand2(cpu, i), 1)); return true; },
  cmnReg: (cpu, i) => { compareFlags(cpu, addWithCarry(cpu.r[i.n]!, operand2(cpu, i), 0)); return true; },

  /** ADR: Align(PC, 4) +/- imm32 (`i.add` selects the T1/T3 add or T2 subtract form). */
  adr: (cpu, i) => {
    const base = cpu.r[15]! & ~3;
    cpu.setReg(i.d, (i.add ? base + i.imm : base - i.imm) >>> 0);
    return true;
  },
};
