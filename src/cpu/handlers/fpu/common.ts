/**
 * What every FP instruction does before and after its operation (ARMv7-M ARM B1.5.? ExecuteFPCheck):
 * UsageFault NOCP unless CPACR grants CP10/CP11, lazy FP state preservation, CONTROL.FPCA; afterwards
 * the exception flags the operation raised are ORed into FPSCR.
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import { fpStatus } from '../../fp/fpscr.js';

export function fpCheck(cpu: Cpu): void {
  if (!cpu.fpuEnabled) throw new FaultSignal(Fault.NOCP);
  cpu.exceptions.beforeFpInstruction();
  cpu.control |= 4;
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
