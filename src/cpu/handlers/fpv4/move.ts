/**
 * FP register moves and FPSCR access (ARMv7-M ARM DDI 0403E §A7.7.x): VMOV immediate/register,
 * VMOV between core and S registers (one or two), two core registers <-> D (Dm = S2m, S2m+1), core
 * register <-> half of a D register, VMRS (incl. APSR_nzcv) and VMSR. Pure bit moves: no FP flags.
 * FPv4-SP has 16 D registers, so a D register number above 15 is UNDEFINED; Rt = PC, UNPREDICTABLE
 * everywhere here except `VMRS APSR_nzcv`, is UNDEFINED.
 */
import type { Handler } from '../../insn.js';
import { FPSCR_WRITABLE_MASK } from '../../fp/fpscr.js';
import { fpCheck } from './common.js';

export const fpMoveHandlers: Record<string, Handler> = {
  fpMovImm: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    cpu.sBits[i.d] = i.imm;
    return true;
  },
  fpMovReg: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    cpu.sBits[i.d] = cpu.sBits[i.m]!;
    return true;
  },
  /** VMOV Sn, Rt (toCore 0) / VMOV Rt, Sn (toCore 1). */
  fpMovCoreS: (cpu, i) => {
    if (i.t === 15) return false;
    fpCheck(cpu);
    if (i.toCore === 1) cpu.setReg(i.t, cpu.sBits[i.n]!);
    else cpu.sBits[i.n] = cpu.r[i.t]!;
    return true;
  },
  /** VMOV Sm, Sm1, Rt, Rt2 (toCore 0) / VMOV Rt, Rt2, Sm, Sm1 (toCore 1); Sm = S31 is UNDEFINED. */
  fpMovCore2S: (cpu, i) => {
    if (i.t === 15 || i.t2 === 15 || i.m === 31) return false;
    fpCheck(cpu);
    moveCorePair(cpu.sBits, cpu, i.m, i.t, i.t2, i.toCore);
    return true;
  },
  /** VMOV Dm, Rt, Rt2 (toCore 0) / VMOV Rt, Rt2, Dm (toCore 1). */
  fpMovCoreD: (cpu, i) => {
    if (i.t === 15 || i.t2 === 15 || i.m > 15) return false;
    fpCheck(cpu);
    moveCorePair(cpu.sBits, cpu, 2 * i.m, i.t, i.t2, i.toCore);
    return true;
  },
  /** VMOV.32 Dd[x], Rt */
  fpMovToScalar: (cpu, i) => {
    if (i.t === 15 || i.d > 15) return false;
    fpCheck(cpu);
    cpu.sBits[2 * i.d + i.index] = cpu.r[i.t]!;
    return true;
  },
  /** VMOV.32 Rt, Dn[x] */
  fpMovFromScalar: (cpu, i) => {
    if (i.t === 15 || i.n > 15) return false;
    fpCheck(cpu);
    cpu.setReg(i.t, cpu.sBits[2 * i.n + i.index]!);
    return true;
  },
  /** VMRS Rt, FPSCR; Rt = 15 is `VMRS APSR_nzcv, FPSCR`. */
  fpVmrs: (cpu, i) => {
    fpCheck(cpu);
    if (i.t === 15) {
      const f = cpu.fpscr;
      cpu.n = f >>> 31;
      cpu.z = (f >>> 30) & 1;
      cpu.c = (f >>> 29) & 1;
      cpu.v = (f >>> 28) & 1;
    } else {
      cpu.setReg(i.t, cpu.fpscr);
    }
    return true;
  },
  /** VMSR FPSCR, Rt: bits that the Cortex-M4 does not implement read as zero. */
  fpVmsr: (cpu, i) => {
    if (i.t === 15) return false;
    fpCheck(cpu);
    cpu.fpscr = (cpu.r[i.t]! & FPSCR_WRITABLE_MASK) >>> 0;
    return true;
  },
};

function moveCorePair(s: Uint32Array, cpu: Parameters<Handler>[0], first: number, t: number, t2: number, toCore: number): void {
  if (toCore === 1) {
    cpu.setReg(t, s[first]!);
    cpu.setReg(t2, s[first + 1]!);
  } else {
    s[first] = cpu.r[t]!;
    s[first + 1] = cpu.r[t2]!;
  }
}
