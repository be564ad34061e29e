/**
 * Single loads and stores: LDR/LDRB/LDRH/LDRSB/LDRSH/STR/STRB/STRH with immediate, register and literal
 * offsets, pre/post-indexed with writeback, and the unprivileged LDRT/STRT family (ARM ARM DDI 0403E
 * A7.7.42-A7.7.62, A7.7.158-A7.7.171). The isa/ line gives op (access size and signedness), imm,
 * shiftN (register LSL) and index/add/wback (P/U/W). These use MemU: unaligned word and halfword
 * accesses are allowed unless CCR.UNALIGN_TRP (Cpu.readU/writeU).
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import type { Handler, Insn } from '../../insn.js';

/** `op` values of the load/store lines in isa/load-store.isa. */
export const ACCESS_WORD = 0;
export const ACCESS_BYTE = 1;
export const ACCESS_HALF = 2;
export const ACCESS_SBYTE = 3;
export const ACCESS_SHALF = 4;

/**
 * The loaded value as R[t] receives it. The signed forms return the int32 (not `>>> 0`): the value
 * only goes into a register (a Uint32Array stores the same bits), and a negative int32 stays a small
 * integer in V8 where 0xFFFFFFxx would be boxed as a new heap number at every call boundary (int8
 * code sign-extends nearly every load).
 */
function readAccess(cpu: Cpu, op: number, address: number): number {
  switch (op) {
    case ACCESS_WORD: return cpu.readU(address, 4);
    case ACCESS_BYTE: return cpu.readU(address, 1);
    case ACCESS_HALF: return cpu.readU(address, 2);
    case ACCESS_SBYTE: return (cpu.readU(address, 1) << 24) >> 24;
    default: return (cpu.readU(address, 2) << 16) >> 16;
  }
}

/** Access width by `op`, for the unprivileged forms (kept out of the ordinary loads' switch). */
const ACCESS_WIDTH = [4, 1, 2, 1, 2] as const;

/**
 * Loads R[t] from `address`; writes `offsetAddress` back first when wback (so a load into the base
 * register keeps the loaded value, QEMU's choice for this UNPREDICTABLE case).
 */
function completeLoad(cpu: Cpu, i: Insn, address: number, offsetAddress: number): boolean {
  if (i.t === 15) {
    // LoadWritePC: the word must be aligned (UNPREDICTABLE otherwise; we raise UsageFault UNALIGNED).
    if ((address & 3) !== 0) throw new FaultSignal(Fault.UNALIGNED, address);
    const target = cpu.readU(address, 4);
    if (i.wback) cpu.setReg(i.n, offsetAddress);
    cpu.bxWritePC(target);
    return true;
  }
  const data = readAccess(cpu, i.access, address);
  if (i.wback) cpu.setReg(i.n, offsetAddress);
  cpu.setReg(i.t, data);
  return true;
}

/**
 * Rt = 15 on a byte/halfword load that no PLD/PLI/PLDW line claims: the ARM ARM's memory hints (NOP) or
 * UNPREDICTABLE. As QEMU: the hint-shaped forms (no writeback) are NOPs, the writeback forms UNDEFINED.
 */
function isHint(i: Insn): boolean {
  return i.t === 15 && i.access !== ACCESS_WORD;
}

const loadImm: Handler = (cpu, i) => {
  if (i.index === 0 && i.wback === 0) return false; // P = W = 0 of the imm8 forms: UNDEFINED
  if (isHint(i)) return i.wback === 0;
  // Rn = 15 is the literal form: the base is Align(PC, 4).
  const base = i.n === 15 ? (cpu.r[15]! & ~3) >>> 0 : cpu.r[i.n]!;
  const offsetAddress = (i.add ? base + i.imm : base - i.imm) >>> 0;
  return completeLoad(cpu, i, i.index ? offsetAddress : base, offsetAddress);
};

/**
 * LDRT/LDRBT/LDRHT/LDRSBT/LDRSHT (A7.7.46 and siblings): an offset load checked as unprivileged by the
 * MPU even in privileged code (MemU_unpriv); Rt = 15 is UNDEFINED (as QEMU). No P/U/W: offset form only.
 */
const loadUnprivileged: Handler = (cpu, i) => {
  if (i.t === 15) return false;
  const value = cpu.readUnprivileged((cpu.r[i.n]! + i.imm) >>> 0, ACCESS_WIDTH[i.access]!);
  const signBits = i.access === ACCESS_SBYTE ? 24 : i.access === ACCESS_SHALF ? 16 : 0;
  cpu.setReg(i.t, ((value << signBits) >> signBits) >>> 0);
  return true;
};

const loadReg: Handler = (cpu, i) => {
  if (isHint(i)) return true;
  const address = (cpu.r[i.n]! + (cpu.r[i.m]! << i.shiftN)) >>> 0;
  return completeLoad(cpu, i, address, address);
};

function writeAccess(cpu: Cpu, op: number, address: number, value: number): void {
  if (op === ACCESS_WORD) cpu.writeU(address, 4, value);
  else if (op === ACCESS_BYTE) cpu.writeU(address, 1, value & 0xff);
  else cpu.writeU(address, 2, value & 0xffff);
}

const storeImm: Handler = (cpu, i) => {
  if (i.n === 15 || (i.index === 0 && i.wback === 0)) return false; // UNDEFINED rows of A5.3.10
  const base = cpu.r[i.n]!;
  const offsetAddress = (i.add ? base + i.imm : base - i.imm) >>> 0;
  // Rt is read before the writeback: with n == t (UNPREDICTABLE) the original value is stored.
  writeAccess(cpu, i.access, i.index ? offsetAddress : base, cpu.r[i.t]!);
  if (i.wback) cpu.setReg(i.n, offsetAddress);
  return true;
};

/** STRT/STRBT/STRHT (A7.7.163 and siblings): an offset store checked as unprivileged (MemU_unpriv). */
const storeUnprivileged: Handler = (cpu, i) => {
  if (i.n === 15) return false;
  const width = ACCESS_WIDTH[i.access]!;
  cpu.writeUnprivileged((cpu.r[i.n]! + i.imm) >>> 0, width, width === 4 ? cpu.r[i.t]! : cpu.r[i.t]! & ((1 << (8 * width)) - 1));
  return true;
};

const storeReg: Handler = (cpu, i) => {
  if (i.n === 15) return false;
  const address = (cpu.r[i.n]! + (cpu.r[i.m]! << i.shiftN)) >>> 0;
  writeAccess(cpu, i.access, address, cpu.r[i.t]!);
  return true;
};

export const singleLoadStoreHandlers: Record<string, Handler> = { loadImm, loadUnprivileged, loadReg, storeImm, storeUnprivileged, storeReg };
