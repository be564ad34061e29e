/**
 * What the STM32F4 USART (RM0383 §19) and the STM32L4 USART/LPUART (RM0351 §40-41) share, written
 * once: instant transmission, reception of queued bytes one frame time apart, and the interrupt line
 * (RM0383 §19.4 Table 76, RM0351 §40.7 Table 253: TXE & TXEIE, TC & TCIE, RXNE & RXNEIE). The two
 * register layouts keep the same bit positions for these flags (SR vs ISR, DR vs RDR/TDR); only
 * CR1.UE moves (bit 13 on F4, bit 0 on L4), which the subclass passes in.
 *
 * Reception is paced like a wire with flow control: the next queued byte lands in the data register
 * ten bit times (start + 8 data + stop at the programmed baud rate) after the receiver became free,
 * never over a byte not yet read, so no byte is lost and an interrupt-driven firmware sees them as
 * it would from a terminal. The NVIC line is level-sensitive (ARMv7-M ARM B3.4.1): whenever it is
 * high after an access or an arrival, the IRQ is pended again.
 */
import type { ClockDomain } from '../boards/types.js';
import type { RegisterInfo, RegisterMap } from '../register-map.js';
import type { ClockTree } from './clock-tree.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';
import { SerialInput } from './serial-input.js';

export const USART_RXNE = 1 << 5;
export const USART_TC = 1 << 6;
export const USART_TXE = 1 << 7;
const CR1_RE = 1 << 2;
const CR1_TE = 1 << 3;
const CR1_RXNEIE = 1 << 5;
const CR1_TCIE = 1 << 6;
const CR1_TXEIE = 1 << 7;
/** Start bit, 8 data bits, stop bit. */
const BITS_PER_FRAME = 10;

export interface UsartLayout<K extends string> {
  /** The status register: SR (F4) or ISR (L4). */
  status: K;
  cr1: K;
  /** CR1.UE: bit 13 on the F4, bit 0 on the L4. */
  cr1Enable: number;
}

export abstract class UsartBase<K extends string> extends RegisterDevice<K> {
  readonly input = new SerialInput();
  /**
   * The core's cycle counter, attached by the machine: arrivals are then paced at the baud rate.
   * Without one (unit tests) a queued byte lands as soon as the data register is free.
   */
  private cycles: (() => number) | undefined = undefined;
  /** Cycle at which the next queued byte lands in the data register (Infinity: none scheduled). */
  nextArrivalCycle = Infinity;
  protected rxData = 0;
  private warnedDisabled = false;

  constructor(
    name: string,
    base: number,
    size: number,
    map: RegisterMap<K>,
    sinks: PeripheralSinks,
    private readonly layout: UsartLayout<K>,
    protected readonly clock: ClockTree,
    protected readonly clockDomain: ClockDomain,
    /** NVIC interrupt number from the board profile, if it has one. */
    readonly irq: number | undefined,
  ) {
    super(name, base, size, map, sinks);
  }

  /** Baud rate the registers give at the present clocks (0 before BRR is written). */
  abstract baudRate(): number;

  attachCycleCounter(cycles: () => number): void {
    this.cycles = cycles;
  }

  /** Queue bytes for the firmware to receive; they arrive one frame apart. */
  receive(bytes: Iterable<number>): void {
    this.input.push(bytes);
    this.schedule();
  }

  /** The interrupt line (TXEIE & TXE, TCIE & TC, RXNEIE & RXNE). */
  get interruptRequested(): boolean {
    const cr1 = this.get(this.layout.cr1);
    const status = this.readRegister(this.map.byName[this.layout.status], this.get(this.layout.status));
    return !!((cr1 & CR1_TXEIE && status & USART_TXE) || (cr1 & CR1_TCIE && status & USART_TC) || (cr1 & CR1_RXNEIE && status & USART_RXNE));
  }

  /** Whether NVIC line `irq` is high (this USART's line, with a source enabled and flagged). */
  interruptLineHigh(irq: number): boolean {
    return irq === this.irq && this.interruptRequested;
  }

  /** Delivers a byte whose arrival time has come (called by the machine at `nextArrivalCycle`). */
  sync(): void {
    if ((this.cycles?.() ?? Infinity) < this.nextArrivalCycle) return;
    this.nextArrivalCycle = Infinity;
    const b = this.input.shift();
    if (b >= 0) {
      this.rxData = b;
      this.set(this.layout.status, this.get(this.layout.status) | USART_RXNE);
    }
    this.updateInterrupt();
  }

  protected override afterAccess(write: boolean): void {
    if (write) this.schedule();
    this.updateInterrupt();
  }

  override reset(): void {
    super.reset();
    this.input.clear();
    this.rxData = 0;
    this.nextArrivalCycle = Infinity;
  }

  /** A byte written to the data register: sent at once when UE and TE are set, then TC. */
  protected transmit(byte: number): void {
    const cr1 = this.get(this.layout.cr1);
    if (cr1 & this.layout.cr1Enable && cr1 & CR1_TE) {
      this.sinks.onTransmit(byte & 0xff, this.name);
      this.set(this.layout.status, this.get(this.layout.status) | USART_TC);
    } else if (!this.warnedDisabled) {
      this.warnedDisabled = true;
      this.warn('usart-transmitter-off', 'byte written to the data register with the transmitter off (CR1.UE and CR1.TE must be 1): not sent');
    }
  }

  /** The received byte was read (DR/RDR read, RQR.RXFRQ): the data register is free for the next. */
  protected takeRx(): void {
    this.set(this.layout.status, this.get(this.layout.status) & ~USART_RXNE);
    this.schedule();
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    return reg.name === this.layout.status ? (stored | USART_TXE) >>> 0 : stored;
  }

  /** Schedules the next arrival when a byte waits, the receiver is on and the data register is free. */
  private schedule(): void {
    const cr1 = this.get(this.layout.cr1);
    if (this.nextArrivalCycle !== Infinity || this.input.pending === 0) return;
    if (this.get(this.layout.status) & USART_RXNE || !(cr1 & this.layout.cr1Enable) || !(cr1 & CR1_RE)) return;
    const baud = this.baudRate();
    if (this.cycles === undefined || baud === 0) {
      this.nextArrivalCycle = 0;
      this.sync();
      return;
    }
    this.nextArrivalCycle = this.cycles() + Math.ceil((BITS_PER_FRAME * this.clock.coreClockHz()) / baud);
    this.sinks.onScheduled?.(this.nextArrivalCycle);
  }

  private updateInterrupt(): void {
    if (this.irq !== undefined && this.interruptRequested) this.sinks.onInterrupt?.(this.irq);
  }
}
