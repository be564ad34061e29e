/**
 * What every FP instruction does before and after its operation: ExecuteFPCheck (ARMv7-M ARM
 * DDI 0403E §B1.5.7 and A2.5.x): UsageFault NOCP unless CPACR grants CP10/CP11, then the exception
 * model's part (lazy preservation when FPCCR.LSPACT, and when FPCCR.ASPEN with CONTROL.FPCA clear:
 * FPSCR from FPDSCR and CONTROL.FPCA set). FPCA is left to the model because it must stay clear when
 * software has turned ASPEN off. Afterwards the flags the operation raised are ORed into FPSCR.
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import { fpStatus } from '../../fp/fpscr.js';

export function fpCheck(cpu: Cpu): void {
  if (!cpu.fpuEnabled) throw new FaultSignal(Fault.NOCP);
  cpu.exceptions.beforeFpInstruction();
}

/** Moves the flags raised since the last commit into FPSCR's cumulative bits. */
export function commitFlags(cpu: Cpu): void {
  if (fpStatus.flags !== 0) {
    cpu.fpscr = (cpu.fpscr | fpStatus.flags) >>> 0;
    fpStatus.flags = 0;
  }
}

export const SIGN = 0x80000000;

export function negate(bits: number): number {
  return (bits ^ SIGN) >>> 0;
}
