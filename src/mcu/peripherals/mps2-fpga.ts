/**
 * The MPS2 FPGA system registers as QEMU 7.2 models them for mps2-an386 (hw/misc/mps2-scc.c,
 * hw/misc/mps2-fpgaio.c; Arm AN386 §3 and the MPS2 TRM). SCC: CFG0/CFG1 read as written, CFG3 reads
 * 0 (DIP switches), CFG4 = 2, the ID registers; a SYS_CFG transaction completes at once with ERROR
 * (QEMU's an386 has no oscillator clocks to configure). FPGAIO: LED0 (2 LEDs), BUTTON reads 0, and the
 * 1 Hz / 100 Hz / prescaled counters run on simulated time from `tick`, with the 25 MHz SYSCLK.
 */
import { registerMap, type RegisterInfo } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';

export const mps2SccRegs = registerMap('SCC', {
  CFG0: { offset: 0x00, reset: 0, access: 'rw' },
  CFG1: { offset: 0x04, reset: 0, access: 'rw' },
  CFG3: { offset: 0x0c, reset: 0, access: 'r' },
  CFG4: { offset: 0x10, reset: 0x2, access: 'r' },
  CFGDATA_RTN: { offset: 0xa0, reset: 0, access: 'r' },
  CFGDATA_OUT: { offset: 0xa4, reset: 0, access: 'rw' },
  CFGCTRL: { offset: 0xa8, reset: 0x0010_0000, access: 'rw', writeMask: 0x43f0_0fff },
  CFGSTAT: { offset: 0xac, reset: 0, access: 'r' },
  DLL: { offset: 0x100, reset: 0xffff_0001, access: 'rw', writeMask: 0xff00_0000 },
  AID: { offset: 0xff8, reset: 0x0020_0008, access: 'r' },
  ID: { offset: 0xffc, reset: 0x4104_3860, access: 'r' },
});

const CFGCTRL_START = 1 << 31;
const CFGSTAT_DONE = 1;
const CFGSTAT_ERROR = 2;

export class Mps2Scc extends RegisterDevice<keyof typeof mps2SccRegs.byName> {
  constructor(name: string, base: number, size: number, sinks: PeripheralSinks) {
    super(name, base, size, mps2SccRegs, sinks);
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    super.writeRegister(reg, written, laneMask);
    if (reg.name === 'CFGCTRL') {
      this.set('CFGSTAT', written & laneMask & CFGCTRL_START ? CFGSTAT_DONE | CFGSTAT_ERROR : 0);
    }
  }
}

export const mps2FpgaioRegs = registerMap('FPGAIO', {
  LED0: { offset: 0x00, reset: 0, access: 'rw', writeMask: 0x3 },
  BUTTON: { offset: 0x08, reset: 0, access: 'r' },
  CLK1HZ: { offset: 0x10, reset: 0, access: 'rw' },
  CLK100HZ: { offset: 0x14, reset: 0, access: 'rw' },
  COUNTER: { offset: 0x18, reset: 0, access: 'rw' },
  PRESCALE: { offset: 0x1c, reset: 0, access: 'rw' },
  PSCNTR: { offset: 0x20, reset: 0, access: 'rw' },
  MISC: { offset: 0x4c, reset: 0, access: 'rw' },
});

export class Mps2Fpgaio extends RegisterDevice<keyof typeof mps2FpgaioRegs.byName> {
  /** Simulated cycles since reset (SYSCLK = the prescaler clock = 25 MHz on AN386). */
  private now = 0;
  private clk1HzOrigin = 0;
  private clk100HzOrigin = 0;
  private counterSync = 0;

  constructor(
    name: string,
    base: number,
    size: number,
    sinks: PeripheralSinks,
    private readonly sysclkHz: number,
  ) {
    super(name, base, size, mps2FpgaioRegs, sinks);
  }

  tick(cycles: number): void {
    this.now += cycles;
  }

  override reset(): void {
    super.reset();
    this.now = this.clk1HzOrigin = this.clk100HzOrigin = this.counterSync = 0;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    switch (reg.name) {
      case 'CLK1HZ':
        return Math.floor((this.now - this.clk1HzOrigin) / this.sysclkHz) >>> 0;
      case 'CLK100HZ':
        return Math.floor(((this.now - this.clk100HzOrigin) * 100) / this.sysclkHz) >>> 0;
      case 'COUNTER':
      case 'PSCNTR':
        this.resyncCounter();
        return this.get(reg.name);
      default:
        return stored;
    }
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    switch (reg.name) {
      case 'CLK1HZ':
        this.clk1HzOrigin = this.now - (written >>> 0) * this.sysclkHz;
        return;
      case 'CLK100HZ':
        this.clk100HzOrigin = this.now - ((written >>> 0) * this.sysclkHz) / 100;
        return;
      case 'COUNTER':
      case 'PSCNTR':
      case 'PRESCALE':
        this.resyncCounter();
        super.writeRegister(reg, written, laneMask);
        return;
      default:
        super.writeRegister(reg, written, laneMask);
    }
  }

  /**
   * PSCNTR counts down once per prescaler tick; one tick after reaching 0 it reloads from PRESCALE
   * and COUNTER increments (AN386 FPGAIO; with PRESCALE = 0 COUNTER increments every tick).
   */
  private resyncCounter(): void {
    const ticks = this.now - this.counterSync;
    if (ticks <= 0) return;
    this.counterSync = this.now;
    const pscntr = this.get('PSCNTR');
    const prescale = this.get('PRESCALE');
    if (ticks < pscntr) {
      this.set('PSCNTR', pscntr - ticks);
    } else if (prescale === 0) {
      this.set('COUNTER', this.get('COUNTER') + (ticks - pscntr));
      this.set('PSCNTR', 0);
    } else {
      const sincePeriodStart = ticks - pscntr + prescale;
      this.set('PSCNTR', prescale - (sincePeriodStart % (prescale + 1)));
      this.set('COUNTER', this.get('COUNTER') + Math.floor(sincePeriodStart / (prescale + 1)));
    }
  }
}
