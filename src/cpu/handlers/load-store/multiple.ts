/**
 * Load/store multiple: LDM (LDMIA), LDMDB, STM (STMIA), STMDB, PUSH, POP (ARM ARM DDI 0403E A7.7.40-41,
 * A7.7.99-101, A7.7.159-160). Word accesses through MemA: an unaligned base raises UsageFault UNALIGNED
 * before any register or memory changes. op = 1 marks the 32-bit encodings, whose UNPREDICTABLE cases
 * (fewer than two registers, writeback with Rn in the list) QEMU treats as UNDEFINED, and so do we.
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import type { Handler, Insn } from '../../insn.js';

export function bitCount(list: number): number {
  let v = list - ((list >>> 1) & 0x5555);
  v = (v & 0x3333) + ((v >>> 2) & 0x3333);
  v = (v + (v >>> 4)) & 0x0f0f;
  return (v + (v >>> 8)) & 0x1f;
}

/** The decode-time UNPREDICTABLE checks shared by all four forms; false = UNDEFINED. */
function validList(i: Insn, count: number): boolean {
  if (i.n === 15 || count < (i.wide ? 2 : 1)) return false;
  return !(i.wide && i.wback && ((i.list >>> i.n) & 1));
}

function checkAligned(address: number): void {
  if ((address & 3) !== 0) throw new FaultSignal(Fault.UNALIGNED, address >>> 0);
}

/** Loads the listed registers upwards from `start`; the PC last, after the writeback (for EXC_RETURN unstacking). */
function loadRegisters(cpu: Cpu, i: Insn, start: number, writeback: number): void {
  checkAligned(start);
  const list = i.list;
  let address = start;
  for (let k = 0; k < 15; k++) {
    if ((list >>> k) & 1) {
      cpu.setReg(k, cpu.readA(address, 4));
      address = (address + 4) >>> 0;
    }
  }
  const target = list & 0x8000 ? cpu.readA(address, 4) : 0;
  if (i.wback && !((list >>> i.n) & 1)) cpu.setReg(i.n, writeback);
  if (list & 0x8000) cpu.bxWritePC(target);
}

function storeRegisters(cpu: Cpu, i: Insn, start: number, writeback: number): void {
  checkAligned(start);
  const list = i.list;
  let address = start;
  // Registers are read before the writeback: Rn in the list stores its original value.
  for (let k = 0; k < 16; k++) {
    if ((list >>> k) & 1) {
      cpu.writeA(address, 4, cpu.r[k]!);
      address = (address + 4) >>> 0;
    }
  }
  if (i.wback) cpu.setReg(i.n, writeback);
}

const loadMultiple: Handler = (cpu, i) => {
  const count = bitCount(i.list);
  if (!validList(i, count)) return false;
  const base = cpu.r[i.n]!;
  loadRegisters(cpu, i, base, (base + 4 * count) >>> 0);
  return true;
};

const loadMultipleDB: Handler = (cpu, i) => {
  const count = bitCount(i.list);
  if (!validList(i, count)) return false;
  const start = (cpu.r[i.n]! - 4 * count) >>> 0;
  loadRegisters(cpu, i, start, start);
  return true;
};

const storeMultiple: Handler = (cpu, i) => {
  const count = bitCount(i.list);
  if (!validList(i, count)) return false;
  const base = cpu.r[i.n]!;
  storeRegisters(cpu, i, base, (base + 4 * count) >>> 0);
  return true;
};

const storeMultipleDB: Handler = (cpu, i) => {
  const count = bitCount(i.list);
  if (!validList(i, count)) return false;
  const start = (cpu.r[i.n]! - 4 * count) >>> 0;
  storeRegisters(cpu, i, start, start);
  return true;
};

export const multipleLoadStoreHandlers: Record<string, Handler> = {
  loadMultiple, loadMultipleDB, storeMultiple, storeMultipleDB,
};
