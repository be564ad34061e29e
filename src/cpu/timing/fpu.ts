/**
 * FPv4-SP instruction timing (isa/TIMING.md §3 and §7: Cortex-M4 TRM Table 7-1 and its notes, GCC's
 * VDIV/VSQRT latency, silicon for VMOV): each FP class's cycles, the one-cycle stall when an
 * instruction reads the arithmetic result of the one before, and VDIV/VSQRT running out of order
 * (the next FP instruction waits for the FPU, a reader of the result for the result). The cycle model
 * (src/cpu/cycle-model.ts) calls it for every FP class and keeps the state shared with the integer
 * pipeline (which register the last FP arithmetic wrote, VLDR's load overlap).
 */
import type { Insn } from '../insn.js';
import { T } from '../timing-classes.js';

const {
  fpAlu: FP_ALU, fpMac: FP_MAC, fpDiv: FP_DIV, fpSqrt: FP_SQRT, fpCvt: FP_CVT, fpCmp: FP_CMP, fpMov: FP_MOV,
  fpMovCore: FP_MOV_CORE, fpLd: FP_LD, fpSt: FP_ST, fpLdm: FP_LDM, fpStm: FP_STM,
} = T;

/** "No register" in the hazard slots (Insn slots use -1 for absent operands, so never -1 here). */
export const NO_REGISTER = 99;
/** VDIV/VSQRT in flight: the FPU is busy 14 cycles, the result ready after 15 (TIMING.md §7.3). */
const LONG_BUSY = 14;
const LONG_LATENCY = 15;

export class FpuTiming {
  private busyUntil = 0;
  private longDest = NO_REGISTER;
  private longReady = 0;

  /**
   * Cycles of the FP instruction `insn` of class `cls` starting at cycle `now`, stalls included;
   * `fpDest` is the S register the instruction before wrote with an arithmetic result (NO_REGISTER: none).
   */
  cost(insn: Insn, cls: number, fpDest: number, now: number): number {
    let cycles = 1;
    let reads1 = NO_REGISTER, reads2 = NO_REGISTER;
    switch (cls) {
      case FP_ALU: case FP_DIV: case FP_SQRT:
        reads1 = insn.n; reads2 = insn.m;
        break;
      case FP_MAC:
        // §7.2: the addend is read one cycle late, so d is not an early read.
        cycles = 3;
        reads1 = insn.n; reads2 = insn.m;
        break;
      case FP_CVT: case FP_MOV:
        reads1 = insn.m;
        break;
      case FP_CMP:
        reads1 = insn.d; reads2 = insn.m;
        break;
      case FP_MOV_CORE:
        // §7.4: one core register <-> one S register = 1; two registers = 2.
        if (insn.n >= 0) { if (insn.toCore === 1) reads1 = insn.n; } else {
          cycles = 2;
          if (insn.toCore === 1) { reads1 = insn.m; reads2 = insn.m + 1; }
        }
        break;
      case FP_LD:
        cycles = insn.double === 1 ? 3 : 2;
        break;
      case FP_ST:
        cycles = insn.double === 1 ? 3 : 2;
        reads1 = insn.d;
        break;
      case FP_LDM: case FP_STM:
        // §3: 1+N, N in words (imm8 counts words).
        cycles = 1 + (insn.imm >>> 0);
        if (cls === FP_STM && fpDest !== NO_REGISTER && fpDest >= insn.d && fpDest < insn.d + insn.imm) reads1 = fpDest;
        break;
    }
    let stall = 0;
    // §7.1: arithmetic and conversions take one cycle longer when the next instruction consumes the result.
    if (fpDest !== NO_REGISTER && (reads1 === fpDest || reads2 === fpDest)) stall = 1;
    // §7.3: VDIV/VSQRT complete out of order; the next FP instruction waits for the FPU, a reader for the result.
    if (now < this.longReady) {
      const ready = reads1 === this.longDest || reads2 === this.longDest ? this.longReady : this.busyUntil;
      if (ready - now > stall) stall = ready - now;
    }
    if (cls === FP_DIV || cls === FP_SQRT) {
      const start = now + stall;
      this.busyUntil = start + LONG_BUSY;
      this.longReady = start + LONG_LATENCY;
      this.longDest = insn.d;
    }
    return cycles + stall;
  }
}
