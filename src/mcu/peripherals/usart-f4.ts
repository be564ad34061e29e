/**
 * STM32F4 USART, RM0383 §19.6 (SR, DR, BRR, CR1..CR3, GTPR). Transmission is instant: a DR write with
 * UE and TE set hands the byte to `onTransmit`, and TXE and TC read 1 again at once. TC is rc_w0.
 * Receive takes bytes from `receive()`: RXNE is set while a byte waits in DR, a DR read takes it and
 * loads the next one. A DR write with the transmitter off sends nothing, as on silicon, and is reported.
 */
import { registerMap, withResetValues, type RegisterInfo } from '../register-map.js';
import type { ClockTree } from './clock-tree.js';
import type { ClockDomain } from '../boards/types.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';
import { SerialInput } from './serial-input.js';

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

const SR_RXNE = 1 << 5;
const SR_TC = 1 << 6;
const SR_TXE = 1 << 7;
const CR1_RE = 1 << 2;
const CR1_TE = 1 << 3;
const CR1_RXNEIE = 1 << 5;
const CR1_TCIE = 1 << 6;
const CR1_TXEIE = 1 << 7;
const CR1_UE = 1 << 13;

export class UsartF4 extends RegisterDevice<Reg> {
  readonly input = new SerialInput();
  private rxData = 0;
  private warnedDisabled = false;

  constructor(
    name: string,
    base: number,
    size: number,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    private readonly clock: ClockTree,
    private readonly clockDomain: ClockDomain,
  ) {
    super(name, base, size, withResetValues(usartF4Regs, resets), sinks);
  }

  /** Queue bytes for the firmware to receive. */
  receive(bytes: Iterable<number>): void {
    this.input.push(bytes);
    this.loadNext();
  }

  /** Baud rate BRR gives at the present bus clock (RM0383 §19.3.4, OVER8=0: fck / USARTDIV). */
  baudRate(): number {
    const brr = this.get('BRR');
    const over8 = (this.get('CR1') >>> 15) & 1;
    const div = over8 ? ((brr & 0xfff0) | ((brr & 7) << 1)) : brr;
    return div === 0 ? 0 : (this.clock.busClockHz(this.clockDomain) * (over8 ? 2 : 1)) / div;
  }

  /** The USART's interrupt line (TXEIE & TXE, TCIE & TC, RXNEIE & RXNE), for the NVIC to sample. */
  get interruptRequested(): boolean {
    const cr1 = this.get('CR1');
    const sr = this.readRegister(this.map.byName.SR, this.get('SR'));
    return !!((cr1 & CR1_TXEIE && sr & SR_TXE) || (cr1 & CR1_TCIE && sr & SR_TC) || (cr1 & CR1_RXNEIE && sr & SR_RXNE));
  }

  override reset(): void {
    super.reset();
    this.input.clear();
    this.rxData = 0;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    if (reg.name === 'SR') return (stored | SR_TXE) >>> 0;
    if (reg.name === 'DR') {
      const v = this.rxData;
      this.set('SR', this.get('SR') & ~SR_RXNE);
      this.loadNext();
      return v;
    }
    return stored;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const name = reg.name as Reg;
    if (name === 'DR') {
      const cr1 = this.get('CR1');
      if (cr1 & CR1_UE && cr1 & CR1_TE) {
        this.sinks.onTransmit(written & 0xff, this.name);
        this.set('SR', this.get('SR') | SR_TC);
      } else if (!this.warnedDisabled) {
        this.warnedDisabled = true;
        this.warn('usart-transmitter-off', 'byte written to DR with the transmitter off (CR1.UE and CR1.TE must be 1): not sent');
      }
      return;
    }
    super.writeRegister(reg, written, laneMask);
    if (name === 'SR' && !(this.get('SR') & SR_RXNE)) this.loadNext();
    if (name === 'CR1') this.loadNext();
  }

  /** Moves the next waiting byte into DR when DR is free and the receiver is on. */
  private loadNext(): void {
    const cr1 = this.get('CR1');
    if (this.get('SR') & SR_RXNE || !(cr1 & CR1_UE) || !(cr1 & CR1_RE)) return;
    const b = this.input.shift();
    if (b < 0) return;
    this.rxData = b;
    this.set('SR', this.get('SR') | SR_RXNE);
  }
}
