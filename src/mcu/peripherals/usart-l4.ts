/**
 * STM32L4 USART / LPUART, RM0351 §40.8 and §41.7 (CR1..CR3, BRR, RQR, ISR, ICR, RDR, TDR; the USART
 * adds GTPR and RTOR, the L4+ adds PRESC: variants "lpuart" and "l4plus"). Transmission is instant: a
 * TDR write with UE and TE set goes to `onTransmit`, TXE stays 1 and TC is set again (cleared by
 * ICR.TCCF). TEACK/REACK follow TE/RE while UE is set, which HAL's UART_CheckIdleState waits for.
 * RXNE is set while a received byte waits in RDR; reading RDR or RQR.RXFRQ takes it. Reception
 * pacing and the interrupt line are UsartBase's (./usart-base.ts).
 */
import { registerMap, withResetValues, type RegisterInfo, type RegisterSpec } from '../register-map.js';
import type { ClockDomain } from '../boards/types.js';
import type { ClockTree } from './clock-tree.js';
import type { PeripheralSinks } from './events.js';
import { USART_RXNE, USART_TC, UsartBase } from './usart-base.js';

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

const ISR_TEACK = 1 << 21;
const ISR_REACK = 1 << 22;
/** L4+ FIFO mode: TXFE (TX FIFO empty) is always true here. */
const ISR_TXFE = 1 << 23;
const CR1_UE = 1 << 0;
const CR1_RE = 1 << 2;
const CR1_TE = 1 << 3;
const RQR_RXFRQ = 1 << 3;
const ICR_TCCF = 1 << 6;

export class UsartL4 extends UsartBase<Reg> {
  private readonly isLpuart: boolean;
  private readonly hasFifo: boolean;

  constructor(
    name: string,
    base: number,
    size: number,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    variant: readonly string[],
    clock: ClockTree,
    clockDomain: ClockDomain,
    irq?: number,
  ) {
    const lp = variant.includes('lpuart');
    const plus = variant.includes('l4plus');
    const map = (lp ? (plus ? lpuartL4PlusRegs : lpuartL4Regs) : plus ? usartL4PlusRegs : usartL4Regs) as typeof usartL4PlusRegs;
    super(name, base, size, withResetValues(map, resets), sinks, { status: 'ISR', cr1: 'CR1', cr1Enable: CR1_UE }, clock, clockDomain, irq);
    this.isLpuart = lp;
    this.hasFifo = plus;
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

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    if (reg.name === 'ISR') {
      const cr1 = this.get('CR1');
      let v = super.readRegister(reg, stored) | (this.hasFifo ? ISR_TXFE : 0);
      if (cr1 & CR1_UE && cr1 & CR1_TE) v |= ISR_TEACK;
      if (cr1 & CR1_UE && cr1 & CR1_RE) v |= ISR_REACK;
      return v >>> 0;
    }
    if (reg.name === 'RDR') {
      const v = this.rxData;
      if (this.get('ISR') & USART_RXNE) this.takeRx();
      return v;
    }
    return stored;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const bits = written & laneMask;
    if (reg.name === 'TDR') {
      this.transmit(bits);
      super.writeRegister(reg, written, laneMask);
      return;
    }
    if (reg.name === 'ICR') {
      // Write 1 to clear; of the flags this model raises only TC can be pending.
      if (bits & ICR_TCCF) this.set('ISR', this.get('ISR') & ~USART_TC);
      return;
    }
    if (reg.name === 'RQR') {
      if (bits & RQR_RXFRQ && this.get('ISR') & USART_RXNE) this.takeRx();
      return;
    }
    super.writeRegister(reg, written, laneMask);
  }
}
