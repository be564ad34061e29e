/**
 * Logical operations and moves: AND, BIC, ORR, ORN, EOR, TST, TEQ, MOV, MVN (immediate and shifted
 * register), MOVT, and shifts by immediate or register (ARM ARM DDI 0403E A7.7). The immediate forms
 * take C from ThumbExpandImm_C (`i.carry`, -1 = unchanged); register forms from Shift_C.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler, Insn } from '../../insn.js';
import { aluOut, shiftC } from '../../alu.js';
import { testFlags, writeLogical } from './flags.js';

/** Shift_C(R[m], shift_t, shift_n, C): leaves the carry out in aluOut.carry. */
function shiftedRm(cpu: Cpu, i: Insn): number {
  return shiftC(cpu.r[i.m]!, i.shiftType, i.shiftN, cpu.c);
}

export const logicalHandlers: Record<string, Handler> = {
  andImm: (cpu, i) => { writeLogical(cpu, i, (cpu.r[i.n]! & i.imm) >>> 0, i.carry); return true; },
  bicImm: (cpu, i) => { writeLogical(cpu, i, (cpu.r[i.n]! & ~i.imm) >>> 0, i.carry); return true; },
  orrImm: (cpu, i) => { writeLogical(cpu, i, (cpu.r[i.n]! | i.imm) >>> 0, i.carry); return true; },
  ornImm: (cpu, i) => { writeLogical(cpu, i, (cpu.r[i.n]! | ~i.imm) >>> 0, i.carry); return true; },
  eorImm: (cpu, i) => { writeLogical(cpu, i, (cpu.r[i.n]! ^ i.imm) >>> 0, i.carry); return true; },
  movImm: (cpu, i) => { writeLogical(cpu, i, i.imm >>> 0, i.carry); return true; },
  mvnImm: (cpu, i) => { writeLogical(cpu, i, ~i.imm >>> 0, i.carry); return true; },
  tstImm: (cpu, i) => { testFlags(cpu, (cpu.r[i.n]! & i.imm) >>> 0, i.carry); return true; },
  teqImm: (cpu, i) => { testFlags(cpu, (cpu.r[i.n]! ^ i.imm) >>> 0, i.carry); return true; },

  andReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    writeLogical(cpu, i, (cpu.r[i.n]! & op2) >>> 0, aluOut.carry);
    return true;
  },
  bicReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    writeLogical(cpu, i, (cpu.r[i.n]! & ~op2) >>> 0, aluOut.carry);
    return true;
  },
  orrReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    writeLogical(cpu, i, (cpu.r[i.n]! | op2) >>> 0, aluOut.carry);
    return true;
  },
  ornReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    writeLogical(cpu, i, (cpu.r[i.n]! | ~op2) >>> 0, aluOut.carry);
    return true;
  },
  eorReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    writeLogical(cpu, i, (cpu.r[i.n]! ^ op2) >>> 0, aluOut.carry);
    return true;
  },
  mvnReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    writeLogical(cpu, i, ~op2 >>> 0, aluOut.carry);
    return true;
  },
  tstReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    testFlags(cpu, (cpu.r[i.n]! & op2) >>> 0, aluOut.carry);
    return true;
  },
  teqReg: (cpu, i) => {
    const op2 = shiftedRm(cpu, i);
    testFlags(cpu, (cpu.r[i.n]! ^ op2) >>> 0, aluOut.carry);
    return true;
  },
  /** MOV (register) and LSL/LSR/ASR/ROR/RRX (immediate): Shift_C(R[m], shift_t, shift_n, C). */
  movShiftImm: (cpu, i) => {
    const result = shiftedRm(cpu, i);
    writeLogical(cpu, i, result, aluOut.carry);
    return true;
  },
  /** LSL/LSR/ASR/ROR (register): the amount is the bottom byte of Rm. */
  shiftReg: (cpu, i) => {
    const result = shiftC(cpu.r[i.n]!, i.shiftType, cpu.r[i.m]! & 0xff, cpu.c);
    writeLogical(cpu, i, result, aluOut.carry);
    return true;
  },
  /** MOVT: R[d]<31:16> = imm16, low half kept. */
  movt: (cpu, i) => {
    cpu.setReg(i.d, ((i.imm << 16) | (cpu.r[i.d]! & 0xffff)) >>> 0);
    return true;
  },
};
