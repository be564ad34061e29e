/**
 * STM32 GPIO port, RM0383 §8.4 (F4) and RM0351 §8.5 (L4, which adds GPIOx_BRR and resets unused pins
 * to analog mode). BSRR sets and resets ODR bits in one write (set wins, §8.4.7); IDR is computed from
 * the pin state: an output pin reads its ODR bit, an input or alternate-function pin reads the level
 * a test drove with `setInput`, else its pull (pull-up 1, pull-down or floating 0), an analog pin
 * reads 0 (the Schmitt trigger is off, §8.3.12). LCKR (pin locking) is not modelled.
 */
import type { BoardFamily } from '../boards/types.js';
import { registerMap, withResetValues, type RegisterInfo, type RegisterSpec } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';

const gpioF4Specs = {
  MODER: { offset: 0x00, reset: 0, access: 'rw' },
  OTYPER: { offset: 0x04, reset: 0, access: 'rw', writeMask: 0xffff },
  OSPEEDR: { offset: 0x08, reset: 0, access: 'rw' },
  PUPDR: { offset: 0x0c, reset: 0, access: 'rw' },
  IDR: { offset: 0x10, reset: 0, access: 'r' },
  ODR: { offset: 0x14, reset: 0, access: 'rw', writeMask: 0xffff },
  BSRR: { offset: 0x18, reset: 0, access: 'w' },
  AFRL: { offset: 0x20, reset: 0, access: 'rw' },
  AFRH: { offset: 0x24, reset: 0, access: 'rw' },
} satisfies Record<string, RegisterSpec>;

export const gpioF4Regs = registerMap('GPIO', gpioF4Specs);
const gpioL4Specs = {
  ...gpioF4Specs,
  MODER: { offset: 0x00, reset: 0xffff_ffff, access: 'rw' },
  BRR: { offset: 0x28, reset: 0, access: 'w', writeMask: 0xffff },
} satisfies Record<string, RegisterSpec>;
export const gpioL4Regs = registerMap('GPIO', gpioL4Specs);
/** L47x/L48x (RM0351 §8.5.12): GPIOx_ASCR connects analog switches to the ADC; variant "ascr". */
export const gpioL4AscrRegs = registerMap('GPIO', { ...gpioL4Specs, ASCR: { offset: 0x2c, reset: 0, access: 'rw', writeMask: 0xffff } });
type Reg = keyof typeof gpioL4AscrRegs.byName;

export class Gpio extends RegisterDevice<Reg> {
  /** Levels driven from outside per pin: bit set in `driven` means `levels` holds the pin's level. */
  private driven = 0;
  private levels = 0;

  constructor(name: string, base: number, size: number, family: BoardFamily, sinks: PeripheralSinks, resets: Record<string, number>, variant: readonly string[] = []) {
    const map = family !== 'stm32l4' ? gpioF4Regs : variant.includes('ascr') ? gpioL4AscrRegs : gpioL4Regs;
    super(name, base, size, withResetValues(map as typeof gpioL4AscrRegs, resets), sinks);
  }

  /** Drive pin `pin` (0..15) from outside (a button, a sensor); undefined releases it. */
  setInput(pin: number, level: 0 | 1 | undefined): void {
    const bit = 1 << pin;
    if (level === undefined) this.driven &= ~bit;
    else {
      this.driven |= bit;
      this.levels = level ? this.levels | bit : this.levels & ~bit;
    }
  }

  /** The level on pin `pin`, as IDR shows it. */
  pinLevel(pin: number): 0 | 1 {
    return ((this.inputData() >>> pin) & 1) as 0 | 1;
  }

  /** MODER field of a pin: 0 input, 1 output, 2 alternate function, 3 analog. */
  pinMode(pin: number): number {
    return (this.get('MODER') >>> (2 * pin)) & 3;
  }

  private inputData(): number {
    const moder = this.get('MODER');
    const pupdr = this.get('PUPDR');
    const odr = this.get('ODR');
    let idr = 0;
    for (let pin = 0; pin < 16; pin++) {
      const mode = (moder >>> (2 * pin)) & 3;
      let level: number;
      if (mode === 3) level = 0;
      else if (mode === 1) level = (odr >>> pin) & 1;
      else if ((this.driven >>> pin) & 1) level = (this.levels >>> pin) & 1;
      else level = ((pupdr >>> (2 * pin)) & 3) === 1 ? 1 : 0;
      idr |= level << pin;
    }
    return idr;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    return reg.name === 'IDR' ? this.inputData() : stored;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const odr = this.get('ODR');
    if (reg.name === 'BSRR') {
      const bits = written & laneMask;
      // Reset first, then set: BSx has priority over BRx (RM0383 §8.4.7).
      this.set('ODR', ((odr & ~(bits >>> 16)) | (bits & 0xffff)) & 0xffff);
    } else if (reg.name === 'BRR') {
      this.set('ODR', odr & ~(written & laneMask & 0xffff));
    } else super.writeRegister(reg, written, laneMask);
  }

  override reset(): void {
    super.reset();
    this.driven = 0;
    this.levels = 0;
  }
}
