/**
 * The FP side of the exception model (ARMv7-M ARM B1.5.7, B3.2.22 FPCCR): the state a lazy FP
 * reservation records, and the check before each FP instruction that writes a reserved context
 * (PreserveFPState) and starts a new one from FPDSCR (ExecuteFPCheck).
 */
import type { Cpu } from './cpu.js';
import { EXC } from './exception-numbers.js';

/** What the exception unit shares with these helpers. */
export interface FpContextState {
  fpccr: number;
  fpcar: number;
  fpdscr: number;
  shcsrEnables: number;
  readonly priority: Int16Array;
  groupPriority(p: number): number;
  executionPriority(): number;
}

/**
 * FPCCR.LSPACT and the state recorded with a lazy reservation (PushStack): USER, THREAD and whether
 * HardFault/MemManage/BusFault could be taken at the current execution priority, which decides how
 * a fault during the later PreserveFPState is handled.
 */
export function lazyStateBits(unit: FpContextState, cpu: Cpu): number {
  const ep = unit.executionPriority();
  let bits = 1;
  if (cpu.ipsr === 0 && (cpu.control & 1) !== 0) bits |= 1 << 1; // USER
  if (cpu.ipsr === 0) bits |= 1 << 3; // THREAD
  if (ep > -1) bits |= 1 << 4; // HFRDY
  if ((unit.shcsrEnables >>> 16) & 1 && ep > unit.groupPriority(unit.priority[EXC.MemManage]!)) bits |= 1 << 5; // MMRDY
  if ((unit.shcsrEnables >>> 17) & 1 && ep > unit.groupPriority(unit.priority[EXC.BusFault]!)) bits |= 1 << 6; // BFRDY
  // MONRDY (bit 8) needs DEMCR.MON_EN: the DebugMonitor exception is not modelled, so it stays 0.
  return bits;
}

/** Before an FP instruction executes (ExecuteFPCheck). */
export function executeFpCheck(unit: FpContextState, cpu: Cpu): void {
  if (unit.fpccr & 1) {
    // PreserveFPState: write S0-S15 and FPSCR into the space reserved at FPCAR.
    for (let k = 0; k < 16; k++) cpu.writeA(unit.fpcar + 4 * k, 4, cpu.sBits[k]!);
    cpu.writeA(unit.fpcar + 64, 4, cpu.fpscr);
    unit.fpccr &= ~1;
    cpu.cycleModel.exceptionEvent?.(cpu, 'lazyFpSave');
  }
  // A new FP context (FPCA clear) starts with FPSCR = FPDSCR, whose only non-zero bits are
  // AHP/DN/FZ/RMode: the flags start clear (QEMU 7.2 does the same).
  if (unit.fpccr >>> 31 && (cpu.control & 4) === 0) {
    cpu.fpscr = unit.fpdscr & 0x07c00000;
    cpu.control |= 4;
  }
}
