/**
 * SysTick (ARMv7-M ARM B3.3): a 24-bit down counter clocked by the core clock (CLKSOURCE=1) or the
 * board's reference clock. Its value is computed from simulated cycles when read, and the CPU is asked
 * to call back at the cycle of the next wrap, so nothing runs per instruction.
 */
import type { Cpu } from '../../cpu/cpu.js';

export class SysTick {
  csr = 0;
  rvr = 0;
  /** Counter value at `syncCycle`. */
  private value = 0;
  private syncCycle = 0;
  /** Partial reference-clock ticks carried between syncs (in core cycles). */
  private carry = 0;

  constructor(
    private readonly cpu: Cpu,
    /** Core cycles per tick when CLKSOURCE=0 (STM32: HCLK/8 -> 8). */
    private readonly referenceDivider: number,
    private readonly onWrap: () => void,
    /** CALIB register value (TENMS etc.), from the board. */
    readonly calib: number,
  ) {}

  reset(): void {
    this.csr = 0;
    this.rvr = 0;
    this.value = 0;
    this.syncCycle = this.cpu.cycles;
    this.carry = 0;
  }

  private get divider(): number {
    return this.csr & 4 ? 1 : this.referenceDivider;
  }

  private get enabled(): boolean {
    return (this.csr & 1) !== 0;
  }

  /** Brings the counter up to the CPU's cycle count, setting COUNTFLAG and pending the interrupt. */
  sync(): void {
    const now = this.cpu.cycles;
    if (!this.enabled) {
      this.syncCycle = now;
      return;
    }
    let ticks = Math.floor((now - this.syncCycle + this.carry) / this.divider);
    this.carry = (now - this.syncCycle + this.carry) - ticks * this.divider;
    this.syncCycle = now;
    while (ticks > 0) {
      if (this.value === 0) {
        // Reload happens on the tick after reaching 0.
        this.value = this.rvr & 0xffffff;
        ticks--;
        continue;
      }
      const step = Math.min(ticks, this.value);
      this.value -= step;
      ticks -= step;
      if (this.value === 0) {
        this.csr |= 1 << 16;
        if (this.csr & 2) this.onWrap();
        if (this.rvr === 0) break;
        if (ticks > 0) {
          // Whole periods at once: each period of rvr+1 ticks wraps once more.
          const period = (this.rvr & 0xffffff) + 1;
          const periods = Math.floor(ticks / period);
          ticks -= periods * period;
        }
      }
    }
  }

  /** The absolute cycle of the next wrap to 0, or Infinity. */
  nextEventCycle(): number {
    if (!this.enabled || (this.rvr & 0xffffff) === 0 && this.value === 0) return Infinity;
    const ticksToZero = this.value === 0 ? (this.rvr & 0xffffff) + 1 : this.value;
    return this.syncCycle + ticksToZero * this.divider - this.carry;
  }

  readCsr(): number {
    this.sync();
    const v = this.csr;
    this.csr &= ~(1 << 16); // COUNTFLAG clears on read
    return v;
  }

  writeCsr(v: number): void {
    this.sync();
    this.csr = (this.csr & (1 << 16)) | (v & 7);
  }

  readCvr(): number {
    this.sync();
    return this.value;
  }

  /** Any write clears the counter and COUNTFLAG (B3.3.5). */
  writeCvr(): void {
    this.sync();
    this.value = 0;
    this.csr &= ~(1 << 16);
  }
}
