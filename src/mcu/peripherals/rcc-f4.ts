/**
 * STM32F4 reset and clock control, RM0383 Rev 4 §6.3 (F411; RM0368 §6.3 F401 and RM0390 §6.3 F446
 * have the same layout; F446 adds PLLR and SW=11, variant "pllr"). Oscillators and PLLs become ready
 * as soon as they are switched on (their RDY flag follows the ON bit), SWS follows SW once the
 * selected source is ready, and the clocks are derived from the registers: SYSCLK = HSI | HSE |
 * PLL (src / M * N / P, RM0383 §6.3.2), HCLK = SYSCLK / HPRE, PCLKx = HCLK / PPREx.
 */
import type { Board } from '../boards/types.js';
import type { RegisterInfo } from '../register-map.js';
import { registerMap, withResetValues, type RegisterSpec } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RccClockTree } from './rcc-clock-tree.js';

const CR = { HSION: 1 << 0, HSIRDY: 1 << 1, HSEON: 1 << 16, HSERDY: 1 << 17, PLLON: 1 << 24, PLLRDY: 1 << 25, PLLI2SON: 1 << 26, PLLI2SRDY: 1 << 27, PLLSAION: 1 << 28, PLLSAIRDY: 1 << 29 };

const rccF4Specs = {
  CR: { offset: 0x00, reset: 0x0000_0083, access: 'rw', writeMask: 0x050d_00f9 },
  PLLCFGR: { offset: 0x04, reset: 0x2400_3010, access: 'rw', writeMask: 0x0f43_7fff },
  CFGR: { offset: 0x08, reset: 0x0000_0000, access: 'rw', writeMask: 0xffff_fff3 },
  CIR: { offset: 0x0c, reset: 0x0000_0000, access: 'rw', writeMask: 0x0000_7f00 },
  AHB1RSTR: { offset: 0x10, reset: 0, access: 'rw' },
  AHB2RSTR: { offset: 0x14, reset: 0, access: 'rw' },
  APB1RSTR: { offset: 0x20, reset: 0, access: 'rw' },
  APB2RSTR: { offset: 0x24, reset: 0, access: 'rw' },
  AHB1ENR: { offset: 0x30, reset: 0, access: 'rw' },
  AHB2ENR: { offset: 0x34, reset: 0, access: 'rw' },
  APB1ENR: { offset: 0x40, reset: 0, access: 'rw' },
  APB2ENR: { offset: 0x44, reset: 0, access: 'rw' },
  BDCR: { offset: 0x70, reset: 0, access: 'rw', writeMask: 0x0001_830d },
  CSR: { offset: 0x74, reset: 0x0e00_0000, access: 'rw', writeMask: 0x0000_0001 },
  DCKCFGR: { offset: 0x8c, reset: 0, access: 'rw' },
} satisfies Record<string, RegisterSpec>;

export const rccF4Regs = registerMap('RCC', rccF4Specs);
/** F446 (RM0390 §6.3): PLLR and PLLSAI bits, the AHB3 (FMC/QSPI) reset and enable registers. */
export const rccF446Regs = registerMap('RCC', {
  ...rccF4Specs,
  CR: { ...rccF4Specs.CR, writeMask: 0x150d_00f9 },
  PLLCFGR: { ...rccF4Specs.PLLCFGR, writeMask: 0x7f43_7fff },
  AHB3RSTR: { offset: 0x18, reset: 0, access: 'rw' },
  AHB3ENR: { offset: 0x38, reset: 0, access: 'rw' },
});
type Reg = keyof typeof rccF446Regs.byName;

export class RccF4 extends RccClockTree<Reg> {
  private readonly hasPllR: boolean;

  constructor(
    name: string,
    base: number,
    size: number,
    protected readonly board: Board,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    variant: readonly string[],
  ) {
    super(name, base, size, withResetValues<Reg>(variant.includes('pllr') ? rccF446Regs : (rccF4Regs as typeof rccF446Regs), resets), sinks);
    this.hasPllR = variant.includes('pllr');
    this.recompute();
  }

  /** RM0383 §6.3.3: PPRE1 bits 12:10, PPRE2 bits 15:13. */
  protected apbPrescalerShifts(): readonly [number, number] {
    return [10, 13];
  }

  /** PLL input (HSI or HSE per PLLSRC) in Hz; 0 when that oscillator is absent. */
  private pllInputHz(): number {
    return (this.get('PLLCFGR') >>> 22) & 1 ? this.board.clocks.hseHz : this.board.clocks.hsiHz;
  }

  /** VCO output in Hz (0 for an M or N the RM forbids, which we report when the PLL is switched on). */
  private vcoHz(): number {
    const cfg = this.get('PLLCFGR');
    const m = cfg & 0x3f;
    const n = (cfg >>> 6) & 0x1ff;
    return m < 2 || n < 2 ? 0 : (this.pllInputHz() / m) * n;
  }

  protected sourceHz(sws: number): number {
    const cfg = this.get('PLLCFGR');
    switch (sws) {
      case 0:
        return this.board.clocks.hsiHz;
      case 1:
        return this.board.clocks.hseHz;
      case 2:
        return this.vcoHz() / ((((cfg >>> 16) & 3) + 1) * 2);
      default: {
        const r = (cfg >>> 28) & 7;
        return r < 2 ? 0 : this.vcoHz() / r;
      }
    }
  }

  private readyMask(sw: number): number {
    return [CR.HSIRDY, CR.HSERDY, CR.PLLRDY, this.hasPllR ? CR.PLLRDY : 0][sw]!;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const name = reg.name as Reg;
    if (name === 'CR') {
      let cr = ((this.get('CR') & ~(reg.writeMask & laneMask)) | (written & reg.writeMask & laneMask)) >>> 0;
      cr = this.keepClocksInUse(cr);
      if ((cr & CR.PLLON) !== 0 && (this.get('CR') & CR.PLLON) === 0 && this.vcoHz() === 0) {
        this.warn('pll-misconfigured', `PLL switched on with PLLM=${this.get('PLLCFGR') & 0x3f}, PLLN=${(this.get('PLLCFGR') >>> 6) & 0x1ff} or an absent input clock: it never locks`);
      }
      this.set('CR', this.withReadyFlags(cr));
    } else if (name === 'PLLCFGR' && this.get('CR') & CR.PLLON) {
      this.warn('pll-config-while-on', 'PLLCFGR written while the PLL is on (RM0383 §6.3.2: configure the PLL only while PLLON=0)');
      super.writeRegister(reg, written, laneMask);
    } else if (name === 'CSR') {
      super.writeRegister(reg, written, laneMask);
      // RMVF (bit 24) clears the reset flags in bits 31:25.
      if (written & laneMask & (1 << 24)) this.set('CSR', this.get('CSR') & 0x00ff_ffff);
      const csr = this.get('CSR');
      this.set('CSR', (csr & ~2) | ((csr & 1) << 1));
    } else if (name === 'BDCR') {
      super.writeRegister(reg, written, laneMask);
      const bdcr = this.get('BDCR');
      this.set('BDCR', (bdcr & ~2) | (bdcr & 1 && this.board.clocks.lseHz > 0 ? 2 : 0));
    } else {
      super.writeRegister(reg, written, laneMask);
    }
    if (name === 'CR' || name === 'CFGR' || name === 'PLLCFGR') this.switchAndRecompute();
  }

  /** RM0383 §6.3.1: HSION/HSEON/PLLON cannot be cleared while that clock drives SYSCLK (directly or via the PLL). */
  private keepClocksInUse(cr: number): number {
    const sws = (this.get('CFGR') >>> 2) & 3;
    const viaPll = sws >= 2;
    const pllFromHse = ((this.get('PLLCFGR') >>> 22) & 1) === 1;
    if (sws === 0 || (viaPll && !pllFromHse)) cr |= CR.HSION;
    if (sws === 1 || (viaPll && pllFromHse)) cr |= CR.HSEON;
    if (viaPll) cr |= CR.PLLON;
    return cr >>> 0;
  }

  private withReadyFlags(cr: number): number {
    const c = this.board.clocks;
    let v = cr & ~(CR.HSIRDY | CR.HSERDY | CR.PLLRDY | CR.PLLI2SRDY | CR.PLLSAIRDY);
    if (cr & CR.HSION && c.hsiHz > 0) v |= CR.HSIRDY;
    if (cr & CR.HSEON && c.hseHz > 0) v |= CR.HSERDY;
    const pllInputReady = (this.get('PLLCFGR') >>> 22) & 1 ? v & CR.HSERDY : v & CR.HSIRDY;
    if (cr & CR.PLLON && pllInputReady && this.vcoHz() > 0) v |= CR.PLLRDY;
    if (cr & CR.PLLI2SON && pllInputReady) v |= CR.PLLI2SRDY;
    if (cr & CR.PLLSAION && pllInputReady) v |= CR.PLLSAIRDY;
    return v >>> 0;
  }

  /** SWS takes SW's value once the requested source is ready (RM0383 §6.3.3, SWS bits). */
  private switchAndRecompute(): void {
    const cfgr = this.get('CFGR');
    const sw = cfgr & 3;
    const sws = (cfgr >>> 2) & 3;
    if (sw !== sws) {
      const readyBit = this.readyMask(sw);
      if (readyBit !== 0 && this.get('CR') & readyBit) this.set('CFGR', (cfgr & ~0xc) | (sw << 2));
    }
    this.recompute();
    this.notifyClockChange();
  }
}
