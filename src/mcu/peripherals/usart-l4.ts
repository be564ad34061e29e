/**
 * STM32L4 USART / LPUART, RM0351 §40.8 and §41.7 (CR1..CR3, BRR, RQR, ISR, ICR, RDR, TDR; the USART
 * adds GTPR and RTOR, the L4+ adds PRESC: variants "lpuart" and "l4plus"). Transmission is instant: a
 * TDR write with UE and TE set goes to `onTransmit`, TXE stays 1 and TC is set again (cleared by
 * ICR.TCCF). TEACK/REACK follow TE/RE while UE is set, which HAL's UART_CheckIdleState waits for.
 * RXNE is set while a received byte waits in RDR; reading RDR or RQR.RXFRQ takes it.
 */
import { registerMap, withResetValues, type RegisterInfo, type RegisterSpec } from '../register-map.js';
import type { ClockDomain } from '../boards/types.js';
import type { ClockTree } from './clock-tree.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';
import { SerialInput } from './serial-input.js';

const lpuartSpecs = {
  CR1: { offset: 0x00, reset: 0, access: 'rw', writeMask: 0x1fff_ffff },
  CR2: { offset: 0x04, reset: 0, access: 'rw' },
  CR3: { offset: 0x08, reset: 0, access: 'rw' },
  BRR: { offset: 0x0c, reset: 0, access: 'rw', writeMask: 0x000f_ffff },
  RQR: { offset: 0x18, reset: 0, access: 'w', writeMask: 0x1f },
  ISR: { offset: 0x1c, reset: 0x0000_00c0, access: 'r' },
  ICR: { offset: 0x20, reset: 0, access: 'w' },
  RDR: { offset: 0x24, reset: 0, access: 'r' },
  TDR: { offset: 0x28, reset: 0, access: 'rw', writeMask: 0x1ff },
} satisfies Record<string, RegisterSpec>;
const usartSpecs = {
  ...lpuartSpecs,
  BRR: { ...lpuartSpecs.BRR, writeMask: 0xffff },
  GTPR: { offset: 0x10, reset: 0, access: 'rw', writeMask: 0xffff },
  RTOR: { offset: 0x14, reset: 0, access: 'rw' },
} satisfies Record<string, RegisterSpec>;
const PRESC = { offset: 0x2c, reset: 0, access: 'rw', writeMask: 0xf } satisfies RegisterSpec;

export const usartL4Regs = registerMap('USART', usartSpecs);
export const lpuartL4Regs = registerMap('LPUART', lpuartSpecs);
const usartL4PlusRegs = registerMap('USART', { ...usartSpecs, CR1: { ...usartSpecs.CR1, writeMask: 0xffff_ffff }, PRESC });
const lpuartL4PlusRegs = registerMap('LPUART', { ...lpuartSpecs, CR1: { ...lpuartSpecs.CR1, writeMask: 0xffff_ffff }, PRESC });
type Reg = keyof typeof usartL4PlusRegs.byName;

const CR1_UE = 1 << 0;
const CR1_RE = 1 << 2;
const CR1_TE = 1 << 3;
const CR1_RXNEIE = 1 << 5;
const CR1_TCIE = 1 << 6;
const CR1_TXEIE = 1 << 7;
const ISR_RXNE = 1 << 5;
const ISR_TC = 1 << 6;
const ISR_TXE = 1 << 7;
const ISR_TEACK = 1 << 21;
const ISR_REACK = 1 << 22;
/** L4+ FIFO mode: TXFE (TX FIFO empty) is always true here. */
const ISR_TXFE = 1 << 23;
const RQR_RXFRQ = 1 << 3;
const ICR_TCCF = 1 << 6;

export class UsartL4 extends RegisterDevice<Reg> {
  readonly input = new SerialInput();
  private readonly isLpuart: boolean;
  private readonly hasFifo: boolean;
  private rxData = 0;
  private warnedDisabled = false;

  constructor(
    name: string,
    base: number,
    size: number,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    variant: readonly string[],
    private readonly clock: ClockTree,
    private readonly clockDomain: ClockDomain,
  ) {
    const lp = variant.includes('lpuart');
    const plus = variant.includes('l4plus');
    const map = (lp ? (plus ? lpuartL4PlusRegs : lpuartL4Regs) : plus ? usartL4PlusRegs : usartL4Regs) as typeof usartL4PlusRegs;
    super(name, base, size, withResetValues(map, resets), sinks);
    this.isLpuart = lp;
    this.hasFifo = plus;
  }

  receive(bytes: Iterable<number>): void {
    this.input.push(bytes);
    this.loadNext();
  }

  /** RM0351 §40.5.4: baud = fck / USARTDIV (OVER8=0); LPUART §41.4.4: baud = 256 * fck / BRR. */
  baudRate(): number {
    const brr = this.get('BRR');
    const fck = this.clock.busClockHz(this.clockDomain);
    if (brr === 0) return 0;
    if (this.isLpuart) return (256 * fck) / brr;
    const over8 = (this.get('CR1') >>> 15) & 1;
    return over8 ? (2 * fck) / ((brr & 0xfff0) | ((brr & 7) << 1)) : fck / brr;
  }

  get interruptRequested(): boolean {
    const cr1 = this.get('CR1');
    const isr = this.readRegister(this.map.byName.ISR, this.get('ISR'));
    return !!((cr1 & CR1_TXEIE && isr & ISR_TXE) || (cr1 & CR1_TCIE && isr & ISR_TC) || (cr1 & CR1_RXNEIE && isr & ISR_RXNE));
  }

  override reset(): void {
    super.reset();
    this.input.clear();
    this.rxData = 0;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    if (reg.name === 'ISR') {
      const cr1 = this.get('CR1');
      let v = stored | ISR_TXE | (this.hasFifo ? ISR_TXFE : 0);
      if (cr1 & CR1_UE && cr1 & CR1_TE) v |= ISR_TEACK;
      if (cr1 & CR1_UE && cr1 & CR1_RE) v |= ISR_REACK;
      return v >>> 0;
    }
    if (reg.name === 'RDR') {
      const v = this.rxData;
      this.takeRx();
      return v;
    }
    return stored;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const name = reg.name as Reg;
    const bits = written & laneMask;
    if (name === 'TDR') {
      const cr1 = this.get('CR1');
      if (cr1 & CR1_UE && cr1 & CR1_TE) {
        this.sinks.onTransmit(bits & 0xff, this.name);
        this.set('ISR', this.get('ISR') | ISR_TC);
      } else if (!this.warnedDisabled) {
        this.warnedDisabled = true;
        this.warn('usart-transmitter-off', 'byte written to TDR with the transmitter off (CR1.UE and CR1.TE must be 1): not sent');
      }
      super.writeRegister(reg, written, laneMask);
      return;
    }
    if (name === 'ICR') {
      // Write 1 to clear; of the flags this model raises only TC can be pending.
      if (bits & ICR_TCCF) this.set('ISR', this.get('ISR') & ~ISR_TC);
      return;
    }
    if (name === 'RQR') {
      if (bits & RQR_RXFRQ) this.takeRx();
      return;
    }
    super.writeRegister(reg, written, laneMask);
    if (name === 'CR1') this.loadNext();
  }

  private takeRx(): void {
    this.set('ISR', this.get('ISR') & ~ISR_RXNE);
    this.loadNext();
  }

  private loadNext(): void {
    const cr1 = this.get('CR1');
    if (this.get('ISR') & ISR_RXNE || !(cr1 & CR1_UE) || !(cr1 & CR1_RE)) return;
    const b = this.input.shift();
    if (b < 0) return;
    this.rxData = b;
    this.set('ISR', this.get('ISR') | ISR_RXNE);
  }
}
