/**
 * FP loads and stores (ARMv7-M ARM DDI 0403E §A7.7.x): VLDR/VSTR (.32 and .64, PC-relative with
 * Align(PC,4)), VLDM/VSTM increment-after / decrement-before with optional writeback, VPUSH/VPOP,
 * and the FLDMX/FSTMX forms (odd word count with a .64 list: the extra word is skipped, as QEMU does).
 * All accesses are word accesses that must be aligned (MemA). Loads read everything before writing
 * any register and the base is written back last, so a faulting access leaves the state unchanged.
 * insn.double: 0 for .32 and S-register lists, 1 for .64 and D-register lists; insn.imm: the word count (VLDM) or
 * byte offset (VLDR). Out-of-range lists (UNPREDICTABLE) and Rn = PC with writeback are UNDEFINED.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler, Insn } from '../../insn.js';
import { fpCheck } from './common.js';

const loaded = new Uint32Array(33);

function baseOf(cpu: Cpu, n: number): number {
  return n === 15 ? (cpu.r[15]! & ~3) >>> 0 : cpu.r[n]!;
}

/** First S register and number of S registers of a VLDM/VSTM list, or -1 when the list is invalid. */
function listStart(i: Insn): number {
  if (i.double === 0) return i.imm === 0 || i.d + i.imm > 32 ? -1 : i.d;
  const regs = i.imm >>> 1;
  return regs === 0 || i.d + regs > 16 ? -1 : 2 * i.d;
}

function listWords(i: Insn): number {
  return i.double === 0 ? i.imm : (i.imm >>> 1) * 2;
}

export const fpLoadStoreHandlers: Record<string, Handler> = {
  fpVldr: (cpu, i) => {
    if (i.double === 1 && i.d > 15) return false;
    fpCheck(cpu);
    const base = baseOf(cpu, i.n);
    const address = (i.add ? base + i.imm : base - i.imm) >>> 0;
    if (i.double === 0) {
      cpu.sBits[i.d] = cpu.readA(address, 4);
    } else {
      const low = cpu.readA(address, 4);
      const high = cpu.readA(address + 4, 4);
      cpu.sBits[2 * i.d] = low;
      cpu.sBits[2 * i.d + 1] = high;
    }
    return true;
  },
  fpVstr: (cpu, i) => {
    if (i.double === 1 && i.d > 15) return false;
    fpCheck(cpu);
    const base = baseOf(cpu, i.n);
    const address = (i.add ? base + i.imm : base - i.imm) >>> 0;
    if (i.double === 0) {
      cpu.writeA(address, 4, cpu.sBits[i.d]!);
    } else {
      cpu.writeA(address, 4, cpu.sBits[2 * i.d]!);
      cpu.writeA(address + 4, 4, cpu.sBits[2 * i.d + 1]!);
    }
    return true;
  },
  fpVldm: (cpu, i) => {
    const first = listStart(i);
    if (first < 0 || (i.n === 15 && i.wback)) return false;
    fpCheck(cpu);
    const bytes = i.imm * 4;
    const base = baseOf(cpu, i.n);
    const address = (i.add ? base : base - bytes) >>> 0;
    const words = listWords(i);
    for (let k = 0; k < words; k++) loaded[k] = cpu.readA(address + 4 * k, 4);
    for (let k = 0; k < words; k++) cpu.sBits[first + k] = loaded[k]!;
    if (i.wback) cpu.setReg(i.n, (i.add ? base + bytes : base - bytes) >>> 0);
    return true;
  },
  fpVstm: (cpu, i) => {
    const first = listStart(i);
    if (first < 0 || (i.n === 15 && i.wback)) return false;
    fpCheck(cpu);
    const bytes = i.imm * 4;
    const base = baseOf(cpu, i.n);
    const address = (i.add ? base : base - bytes) >>> 0;
    const words = listWords(i);
    for (let k = 0; k < words; k++) cpu.writeA(address + 4 * k, 4, cpu.sBits[first + k]!);
    if (i.wback) cpu.setReg(i.n, (i.add ? base + bytes : base - bytes) >>> 0);
    return true;
  },
};
