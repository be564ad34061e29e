/**
 * LDRD/STRD (immediate, literal), the exclusives LDREX/LDREXB/LDREXH/STREX/STREXB/STREXH with the local
 * monitor (ARM ARM DDI 0403E A3.4: cpu.exclusiveAddress is the tagged address, -1 = Open Access), and the
 * table branches TBB/TBH (A7.7.182). Dual and exclusive accesses use MemA (alignment required).
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import type { Handler } from '../../insn.js';

const loadDual: Handler = (cpu, i) => {
  if (i.index === 0 && i.wback === 0) return false; // A5.3.6 rows no other line claims: UNDEFINED
  if (i.t === 15 || i.t2 === 15) return false; // UNPREDICTABLE: UNDEFINED
  let base: number;
  if (i.n === 15) {
    if (i.wback) return false; // LDRD (literal) with W = 1: UNPREDICTABLE
    base = (cpu.r[15]! & ~3) >>> 0;
  } else {
    base = cpu.r[i.n]!;
  }
  const offsetAddress = (i.add ? base + i.imm : base - i.imm) >>> 0;
  const address = i.index ? offsetAddress : base;
  const first = cpu.readA(address, 4);
  const second = cpu.readA((address + 4) >>> 0, 4);
  cpu.setReg(i.t, first);
  cpu.setReg(i.t2, second);
  if (i.wback) cpu.setReg(i.n, offsetAddress); // after the loads, as the ARM ARM and QEMU order them
  return true;
};

const storeDual: Handler = (cpu, i) => {
  if (i.index === 0 && i.wback === 0) return false;
  if (i.t === 15 || i.t2 === 15) return false;
  if (i.n === 15 && i.wback) return false;
  // Rn = 15 is UNPREDICTABLE; QEMU stores at Align(PC,4) +/- imm, and so do we.
  const base = i.n === 15 ? (cpu.r[15]! & ~3) >>> 0 : cpu.r[i.n]!;
  const offsetAddress = (i.add ? base + i.imm : base - i.imm) >>> 0;
  const address = i.index ? offsetAddress : base;
  cpu.writeA(address, 4, cpu.r[i.t]!);
  cpu.writeA((address + 4) >>> 0, 4, cpu.r[i.t2]!);
  if (i.wback) cpu.setReg(i.n, offsetAddress);
  return true;
};

/** The access width of LDREX/STREX{B,H}: Insn.access 0 word, 1 byte, 2 halfword. */
function exclusiveWidth(access: number): 1 | 2 | 4 {
  return access === 0 ? 4 : access === 1 ? 1 : 2;
}

const loadExclusive: Handler = (cpu, i) => {
  if (i.t === 15 || i.n === 15) return false;
  const address = (cpu.r[i.n]! + i.imm) >>> 0;
  const value = cpu.readA(address, exclusiveWidth(i.access));
  cpu.exclusiveAddress = address;
  cpu.setReg(i.t, value);
  return true;
};

const storeExclusive: Handler = (cpu, i) => {
  if (i.d === 15 || i.t === 15 || i.n === 15) return false;
  const width = exclusiveWidth(i.access);
  const address = (cpu.r[i.n]! + i.imm) >>> 0;
  // ExclusiveMonitorsPass checks the alignment first, whether or not the monitor is open.
  if ((address & (width - 1)) !== 0) throw new FaultSignal(Fault.UNALIGNED, address);
  const passed = cpu.exclusiveAddress === address;
  const value = cpu.r[i.t]!;
  cpu.exclusiveAddress = -1;
  if (passed) cpu.writeA(address, width, width === 4 ? value : value & (width === 1 ? 0xff : 0xffff));
  cpu.setReg(i.d, passed ? 0 : 1);
  return true;
};

/** TBB (access 1: byte) / TBH (access 2: halfword): PC = PC + 2 * table entry; Rn = 15 reads the PC (this instruction + 4). */
const tableBranch: Handler = (cpu: Cpu, i) => {
  // Rm = 13/15 is UNPREDICTABLE; QEMU executes it with the register's value, and so do we.
  const base = cpu.r[i.n]!;
  const offset = i.access === 1
    ? cpu.readU((base + cpu.r[i.m]!) >>> 0, 1)
    : cpu.readU((base + (cpu.r[i.m]! << 1)) >>> 0, 2);
  cpu.branchWritePC((cpu.r[15]! + 2 * offset) >>> 0);
  return true;
};

export const dualExclusiveHandlers: Record<string, Handler> = {
  loadDual, storeDual, loadExclusive, storeExclusive, tableBranch,
};
