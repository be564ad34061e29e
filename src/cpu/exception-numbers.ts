/**
 * Exception numbers and the fault status bits of the ARMv7-M exception model (ARMv7-M ARM B1.5.2,
 * B3.2.15 CFSR, B3.2.16 HFSR, B3.2.22 FPCCR), shared by the exception unit and the SCB views.
 */
import { Fault } from './faults.js';

export const EXC = { Reset: 1, NMI: 2, HardFault: 3, MemManage: 4, BusFault: 5, UsageFault: 6, SVCall: 11, DebugMonitor: 12, PendSV: 14, SysTick: 15, IRQ0: 16 } as const;

/** CFSR bit for each fault (B3.2.15: MMFSR [7:0], BFSR [15:8], UFSR [31:16]). */
export const CFSR_BIT: Record<Fault, number> = {
  [Fault.UNDEFINSTR]: 1 << 16, [Fault.INVSTATE]: 1 << 17, [Fault.INVPC]: 1 << 18, [Fault.NOCP]: 1 << 19,
  [Fault.UNALIGNED]: 1 << 24, [Fault.DIVBYZERO]: 1 << 25,
  [Fault.IBUSERR]: 1 << 8, [Fault.PRECISERR]: 1 << 9, [Fault.IMPRECISERR]: 1 << 10, [Fault.UNSTKERR]: 1 << 11,
  [Fault.STKERR]: 1 << 12, [Fault.LSPERR]: 1 << 13,
  [Fault.IACCVIOL]: 1 << 0, [Fault.DACCVIOL]: 1 << 1, [Fault.MUNSTKERR]: 1 << 3, [Fault.MSTKERR]: 1 << 4, [Fault.MLSPERR]: 1 << 5,
  [Fault.VECTTBL]: 0, [Fault.DEBUGEVT]: 0,
};
export const BFARVALID = 1 << 15;
export const MMARVALID = 1 << 7;
/** FPCCR bits written by a lazy reservation: LSPACT, USER, THREAD, HFRDY, MMRDY, BFRDY, MONRDY. */
export const FPCCR_STATE = 0x17b;
export const HFSR_VECTTBL = 1 << 1;
export const HFSR_FORCED = 1 << 30;
export const HFSR_DEBUGEVT = 1 >>> 0 << 31;

/** The exception a fault is reported through before escalation (B1.5.14). */
export function faultException(f: Fault): number {
  if (f <= Fault.DIVBYZERO) return EXC.UsageFault;
  if (f <= Fault.LSPERR) return EXC.BusFault;
  if (f <= Fault.MLSPERR) return EXC.MemManage;
  return EXC.HardFault;
}
