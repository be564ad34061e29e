/**
 * Base for peripherals whose registers are declared with `registerMap` (src/mcu/register-map.ts).
 * Handles byte/halfword/word lanes (STM32 peripherals accept all three on their 32-bit registers,
 * RM0383 §2.1.2), access types and unmodelled offsets; a device overrides `readRegister` for values
 * the hardware computes (ready flags, IDR) and `writeRegister` for side effects.
 */
import type { Peripheral } from '../peripheral.js';
import { applyWrite, type RegisterInfo, type RegisterMap } from '../register-map.js';
import type { PeripheralSinks } from './events.js';

export abstract class RegisterDevice<K extends string> implements Peripheral {
  /** Stored register values, by RegisterInfo.index. */
  protected readonly values: Uint32Array;

  constructor(
    readonly name: string,
    readonly base: number,
    readonly size: number,
    protected readonly map: RegisterMap<K>,
    protected readonly sinks: PeripheralSinks,
  ) {
    this.values = Uint32Array.from(map.registers, (r) => r.reset);
  }

  read(offset: number, width: 1 | 2 | 4): number {
    const reg = this.registerAt(offset, width);
    if (!reg) {
      this.sinks.onUnmodelled({ peripheral: this.name, address: (this.base + offset) >>> 0, offset, width, write: false, value: 0 });
      return 0;
    }
    const v = reg.access === 'w' ? 0 : this.readRegister(reg, this.values[reg.index]!);
    this.afterAccess(false);
    if (width === 4) return v >>> 0;
    const shift = (offset & 3) * 8;
    return (v >>> shift) & (width === 1 ? 0xff : 0xffff);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    const reg = this.registerAt(offset, width);
    if (!reg) {
      this.sinks.onUnmodelled({ peripheral: this.name, address: (this.base + offset) >>> 0, offset, width, write: true, value: value >>> 0 });
      return;
    }
    const shift = (offset & 3) * 8;
    const laneMask = width === 4 ? 0xffffffff : ((width === 1 ? 0xff : 0xffff) << shift) >>> 0;
    this.writeRegister(reg, ((value << shift) & laneMask) >>> 0, laneMask);
    this.afterAccess(true);
  }

  /** After a modelled register access: devices with interrupt lines re-evaluate them here. */
  protected afterAccess(_write: boolean): void {}

  reset(): void {
    for (const r of this.map.registers) this.values[r.index] = r.reset;
  }

  /** The value software reads; default: what is stored. */
  protected readRegister(_reg: RegisterInfo, stored: number): number {
    return stored;
  }

  /** Default: store per the access type. `written` holds the new bytes in place, `laneMask` which ones. */
  protected writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    this.values[reg.index] = applyWrite(reg, this.values[reg.index]!, written, laneMask);
  }

  protected get(name: K): number {
    return this.values[this.map.byName[name].index]!;
  }

  protected set(name: K, value: number): void {
    this.values[this.map.byName[name].index] = value >>> 0;
  }

  protected warn(kind: string, message: string): void {
    this.sinks.onWarning({ peripheral: this.name, kind, message: `${this.name.toUpperCase()}: ${message}` });
  }

  private registerAt(offset: number, width: number): RegisterInfo | undefined {
    const word = offset >>> 2;
    if (word >= this.map.indexByWord.length || (offset & 3) + width > 4) return undefined;
    const i = this.map.indexByWord[word]!;
    return i < 0 ? undefined : this.map.registers[i];
  }
}
