/**
 * Arm CMSDK APB UART (Arm DDI0479C §4.3), the console of mps2-an386, behaving as QEMU 7.2's
 * hw/char/cmsdk-apb-uart.c does so the same ELF prints the same bytes: a DATA write with CTRL.TX_EN
 * set is sent at once (TXFULL never stays set, INTSTATUS.TX rises if TX_INTEN); with TX_EN clear the
 * byte waits in the buffer (STATE.TXFULL) and is not sent, and a further write sets TXOVERRUN. STATE
 * overrun bits are write-1-to-clear; INTSTATUS bits are write-1-to-clear. IDs read as QEMU's.
 */
import { registerMap, type RegisterInfo } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';
import { SerialInput } from './serial-input.js';

const ID_VALUES = [0x04, 0x00, 0x00, 0x00, 0x21, 0xb8, 0x1b, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
const ID_NAMES = ['PID4', 'PID5', 'PID6', 'PID7', 'PID0', 'PID1', 'PID2', 'PID3', 'CID0', 'CID1', 'CID2', 'CID3'] as const;

export const cmsdkUartRegs = registerMap('UART', {
  DATA: { offset: 0x00, reset: 0, access: 'rw', writeMask: 0xff },
  STATE: { offset: 0x04, reset: 0, access: 'rc_w1', writeMask: 0x0c },
  CTRL: { offset: 0x08, reset: 0, access: 'rw', writeMask: 0x7f },
  INTSTATUS: { offset: 0x0c, reset: 0, access: 'rc_w1', writeMask: 0x0f },
  BAUDDIV: { offset: 0x10, reset: 0, access: 'rw', writeMask: 0x000f_ffff },
  ...Object.fromEntries(ID_NAMES.map((n, i) => [n, { offset: 0xfd0 + 4 * i, reset: ID_VALUES[i]!, access: 'r' as const }])),
} as Record<'DATA' | 'STATE' | 'CTRL' | 'INTSTATUS' | 'BAUDDIV' | (typeof ID_NAMES)[number], { offset: number; reset: number; access: 'rw' | 'r' | 'rc_w1'; writeMask?: number }>);
type Reg = keyof typeof cmsdkUartRegs.byName;

const STATE_TXFULL = 1 << 0;
const STATE_RXFULL = 1 << 1;
const STATE_TXOVERRUN = 1 << 2;
const STATE_RXOVERRUN = 1 << 3;
const CTRL_TX_EN = 1 << 0;
const CTRL_RX_EN = 1 << 1;
const CTRL_TX_INTEN = 1 << 2;
const CTRL_RX_INTEN = 1 << 3;
const INT_TX = 1 << 0;
const INT_RX = 1 << 1;

export class CmsdkUart extends RegisterDevice<Reg> {
  readonly input = new SerialInput();
  private txBuffer = 0;
  private rxBuffer = 0;

  constructor(
    name: string,
    base: number,
    size: number,
    sinks: PeripheralSinks,
    /** NVIC lines from the board: rx, tx, overflow (QEMU's AN386: UARTn RX/TX, one combined overflow). */
    private readonly irqs: Record<string, number> = {},
  ) {
    super(name, base, size, cmsdkUartRegs, sinks);
  }

  protected override afterAccess(): void {
    this.updateInterrupts();
  }

  /** Whether NVIC line `irq` is high: TX, RX and overflow follow INTSTATUS (QEMU cmsdk-apb-uart.c uart_update_irqs). */
  interruptLineHigh(irq: number): boolean {
    const status = this.interruptStatus;
    return (irq === this.irqs['tx'] && (status & INT_TX) !== 0) || (irq === this.irqs['rx'] && (status & INT_RX) !== 0)
      || (irq === this.irqs['overflow'] && (status & (STATE_TXOVERRUN | STATE_RXOVERRUN)) !== 0);
  }

  /** Level-sensitive lines: each one high after an access pends its IRQ. */
  private updateInterrupts(): void {
    for (const irq of Object.values(this.irqs)) if (this.interruptLineHigh(irq)) this.sinks.onInterrupt?.(irq);
  }

  receive(bytes: Iterable<number>): void {
    this.input.push(bytes);
    this.loadNext();
    this.updateInterrupts();
  }

  /** INTSTATUS with the overrun bits, which are STATE overrun AND the CTRL overrun enables. */
  get interruptStatus(): number {
    const overrun = this.get('STATE') & (this.get('CTRL') >>> 2) & (STATE_TXOVERRUN | STATE_RXOVERRUN);
    return (this.get('INTSTATUS') & (INT_TX | INT_RX)) | overrun;
  }

  override reset(): void {
    super.reset();
    this.input.clear();
    this.txBuffer = 0;
    this.rxBuffer = 0;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    switch (reg.name as Reg) {
      case 'DATA': {
        const v = this.rxBuffer;
        this.set('STATE', this.get('STATE') & ~STATE_RXFULL);
        this.loadNext();
        return v;
      }
      case 'INTSTATUS':
        return this.interruptStatus;
      default:
        return stored;
    }
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const bits = written & laneMask;
    switch (reg.name as Reg) {
      case 'DATA':
        this.txBuffer = bits & 0xff;
        if (this.get('STATE') & STATE_TXFULL) this.set('STATE', this.get('STATE') | STATE_TXOVERRUN);
        else {
          this.set('STATE', this.get('STATE') | STATE_TXFULL);
          this.transmit();
        }
        return;
      case 'INTSTATUS':
        // Clearing TXO/RXO clears the STATE overrun bits they reflect.
        this.set('STATE', this.get('STATE') & ~(bits & (STATE_TXOVERRUN | STATE_RXOVERRUN)));
        super.writeRegister(reg, written, laneMask);
        return;
      default:
        super.writeRegister(reg, written, laneMask);
        if (reg.name === 'CTRL') this.loadNext();
    }
  }

  private transmit(): void {
    if (!(this.get('CTRL') & CTRL_TX_EN) || !(this.get('STATE') & STATE_TXFULL)) return;
    this.sinks.onTransmit(this.txBuffer, this.name);
    this.set('STATE', this.get('STATE') & ~STATE_TXFULL);
    if (this.get('CTRL') & CTRL_TX_INTEN) this.set('INTSTATUS', this.get('INTSTATUS') | INT_TX);
  }

  private loadNext(): void {
    if (!(this.get('CTRL') & CTRL_RX_EN) || this.get('STATE') & STATE_RXFULL) return;
    const b = this.input.shift();
    if (b < 0) return;
    this.rxBuffer = b;
    this.set('STATE', this.get('STATE') | STATE_RXFULL);
    if (this.get('CTRL') & CTRL_RX_INTEN) this.set('INTSTATUS', this.get('INTSTATUS') | INT_RX);
  }
}
