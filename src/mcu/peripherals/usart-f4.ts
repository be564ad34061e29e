/**
 * STM32F4 USART, RM0383 §19.6 (SR, DR, BRR, CR1..CR3, GTPR). Transmission is instant: a DR write with
 * UE and TE set hands the byte to `onTransmit`, and TXE and TC read 1 again at once. TC is rc_w0.
 * A DR read takes the received byte (RXNE clears) and frees DR for the next. Reception pacing and the
 * interrupt line are UsartBase's (./usart-base.ts).
 */
import { registerMap, withResetValues, type RegisterInfo } from '../register-map.js';
import type { ClockTree } from './clock-tree.js';
import type { ClockDomain } from '../boards/types.js';
import type { PeripheralSinks } from './events.js';
import { USART_RXNE, UsartBase } from './usart-base.js';

export const usartF4Regs = registerMap('USART', {
  SR: { offset: 0x00, reset: 0x0000_00c0, access: 'rc_w0', writeMask: 0x0000_0360 },
  DR: { offset: 0x04, reset: 0, access: 'rw', writeMask: 0x1ff },
  BRR: { offset: 0x08, reset: 0, access: 'rw', writeMask: 0xffff },
  CR1: { offset: 0x0c, reset: 0, access: 'rw', writeMask: 0xbfff },
  CR2: { offset: 0x10, reset: 0, access: 'rw', writeMask: 0x7f7f },
  CR3: { offset: 0x14, reset: 0, access: 'rw', writeMask: 0x0fff },
  GTPR: { offset: 0x18, reset: 0, access: 'rw', writeMask: 0xffff },
});
type Reg = keyof typeof usartF4Regs.byName;

export class UsartF4 extends UsartBase<Reg> {
  constructor(
    name: string,
    base: number,
    size: number,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    clock: ClockTree,
    clockDomain: ClockDomain,
    irq?: number,
  ) {
    super(name, base, size, withResetValues(usartF4Regs, resets), sinks, { status: 'SR', cr1: 'CR1', cr1Enable: 1 << 13 }, clock, clockDomain, irq);
  }

  /** Baud rate BRR gives at the present bus clock (RM0383 §19.3.4, OVER8=0: fck / USARTDIV). */
  baudRate(): number {
    const brr = this.get('BRR');
    const over8 = (this.get('CR1') >>> 15) & 1;
    const div = over8 ? ((brr & 0xfff0) | ((brr & 7) << 1)) : brr;
    return div === 0 ? 0 : (this.clock.busClockHz(this.clockDomain) * (over8 ? 2 : 1)) / div;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    if (reg.name === 'DR') {
      const v = this.rxData;
      if (this.get('SR') & USART_RXNE) this.takeRx();
      return v;
    }
    return super.readRegister(reg, stored);
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    if (reg.name === 'DR') {
      this.transmit(written);
      return;
    }
    const rxneBefore = this.get('SR') & USART_RXNE;
    super.writeRegister(reg, written, laneMask);
    // Clearing RXNE by writing 0 to it discards the byte (RM0383 §19.6.1).
    if (reg.name === 'SR' && rxneBefore && !(this.get('SR') & USART_RXNE)) this.takeRx();
  }
}
