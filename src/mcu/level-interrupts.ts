/**
 * Level-sensitive peripheral interrupts at exception return (ARMv7-M ARM B3.4.1, "NVIC operation":
 * an interrupt whose signal is still asserted when its handler returns becomes pending again; QEMU's
 * NVIC does the same through armv7m_nvic's level tracking). Peripherals pend their line whenever it
 * is high after one of their own accesses; this decorator over the core's exception model covers the
 * handler that returns without touching the device. It adds nothing to the instruction path.
 */
import type { ExceptionModel } from '../cpu/exception-model.js';
import { EXC } from '../cpu/exception-numbers.js';
import type { Cpu } from '../cpu/cpu.js';

export class LevelSensitiveReturns implements ExceptionModel {
  constructor(
    private readonly inner: ExceptionModel,
    private readonly cpu: Cpu,
    private readonly lineHigh: (irq: number) => boolean,
    private readonly setPending: (exception: number) => void,
  ) {}

  exceptionReturn(excReturn: number): void {
    const returning = this.cpu.ipsr;
    this.inner.exceptionReturn(excReturn);
    if (returning >= EXC.IRQ0 && this.lineHigh(returning - EXC.IRQ0)) this.setPending(returning);
  }

  fault(...a: Parameters<ExceptionModel['fault']>): void { this.inner.fault(...a); }
  supervisorCall(): void { this.inner.supervisorCall(); }
  takePending(): void { this.inner.takePending(); }
  beforeFpInstruction(): void { this.inner.beforeFpInstruction(); }
  wakeupPending(): boolean { return this.inner.wakeupPending(); }
}
