/**
 * What the core asks of the exception model (src/cpu/exceptions.ts implements it per ARMv7-M ARM
 * B1.5): taking faults, SVC, pending interrupts, exception return. Kept as an interface so the core
 * can be stepped in unit tests with a model that simply stops on the first fault.
 */
import type { Fault } from './faults.js';
import { FAULT_NAMES, StopSignal } from './faults.js';

export interface ExceptionModel {
  /** A synchronous fault raised by the instruction at cpu.pc (its return address is cpu.pc). */
  fault(fault: Fault, address: number): void;
  /** SVC: the exception is taken with the return address of the next instruction. */
  supervisorCall(): void;
  /** Called at an instruction boundary when cpu.exceptionCheck is set: take the best pending one. */
  takePending(): void;
  /** A PC write of an EXC_RETURN value (0xFxxxxxxx) in handler mode. */
  exceptionReturn(excReturn: number): void;
  /**
   * An FP instruction is about to execute: if FPCCR.LSPACT is set, store the lazily reserved FP
   * context now (ARMv7-M ARM B1.5.7 PreserveFPState), then set CONTROL.FPCA.
   */
  beforeFpInstruction(): void;
  /** WFI/WFE wake-up: a pending exception would pre-empt if PRIMASK were clear (B1.5.19). */
  wakeupPending(): boolean;
}

/** For unit tests of instructions: any exception stops the run with a description. */
export const stopOnException: ExceptionModel = {
  fault(fault, address) {
    throw new StopSignal(`fault ${FAULT_NAMES[fault]}${address >= 0 ? ` at 0x${address.toString(16)}` : ''}`);
  },
  supervisorCall() {
    throw new StopSignal('SVC');
  },
  takePending() {},
  exceptionReturn() {
    throw new StopSignal('exception return outside an exception');
  },
  beforeFpInstruction() {},
  wakeupPending: () => false,
};
