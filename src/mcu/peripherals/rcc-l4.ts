/**
 * STM32L4 reset and clock control, RM0351 Rev 9 §6.4 (L47x/L48x; RM0394 §6.4 L43x has the same layout
 * without PLLSAI2, RM0432 §6.4 L4+ widens PLLM to 4 bits: variant "l4plus"). Ready flags follow their
 * ON bits, SWS follows SW once the source is ready. Clocks from the registers (RM0351 §6.2):
 * SYSCLK = MSI | HSI16 | HSE | PLLCLK with PLLCLK = src / (PLLM+1) * PLLN / PLLR (PLLR = 2, 4, 6, 8),
 * MSI frequency from MSIRANGE when MSIRGSEL=1, else from RCC_CSR.MSISRANGE (the range after reset).
 */
import type { Board } from '../boards/types.js';
import { registerMap, withResetValues, type RegisterInfo, type RegisterSpec } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RccClockTree } from './rcc-clock-tree.js';

const CR = {
  MSION: 1 << 0, MSIRDY: 1 << 1, MSIRGSEL: 1 << 3, HSION: 1 << 8, HSIRDY: 1 << 10, HSEON: 1 << 16, HSERDY: 1 << 17,
  PLLON: 1 << 24, PLLRDY: 1 << 25, PLLSAI1ON: 1 << 26, PLLSAI1RDY: 1 << 27, PLLSAI2ON: 1 << 28, PLLSAI2RDY: 1 << 29,
};
const PLLREN = 1 << 24;

const rccL4Specs = {
  CR: { offset: 0x00, reset: 0x0000_0063, access: 'rw', writeMask: 0x050d_0bfd },
  // HSITRIM at its mid value, the calibration fields (factory, XX in the RM) read 0: 0x10 with the
  // 5-bit trim of the L47x (RM0351 §6.4.2); the L43x and L4+ (7-bit trim) override it with 0x40 in
  // their chip files. ST's HAL agrees: RCC_HSICALIBRATION_DEFAULT is 0x40 when RCC_ICSCR_HSITRIM_6 exists, else 0x10.
  ICSCR: { offset: 0x04, reset: 0x1000_0000, access: 'rw', writeMask: 0x7f00_ff00 },
  CFGR: { offset: 0x08, reset: 0, access: 'rw', writeMask: 0x7f00_fff3 },
  PLLCFGR: { offset: 0x0c, reset: 0x0000_1000, access: 'rw', writeMask: 0xff73_7f73 },
  PLLSAI1CFGR: { offset: 0x10, reset: 0x0000_1000, access: 'rw' },
  CIER: { offset: 0x18, reset: 0, access: 'rw' },
  CIFR: { offset: 0x1c, reset: 0, access: 'r' },
  CICR: { offset: 0x20, reset: 0, access: 'w' },
  AHB1RSTR: { offset: 0x28, reset: 0, access: 'rw' },
  AHB2RSTR: { offset: 0x2c, reset: 0, access: 'rw' },
  AHB3RSTR: { offset: 0x30, reset: 0, access: 'rw' },
  APB1RSTR1: { offset: 0x38, reset: 0, access: 'rw' },
  APB1RSTR2: { offset: 0x3c, reset: 0, access: 'rw' },
  APB2RSTR: { offset: 0x40, reset: 0, access: 'rw' },
  AHB1ENR: { offset: 0x48, reset: 0x0000_0100, access: 'rw' },
  AHB2ENR: { offset: 0x4c, reset: 0, access: 'rw' },
  AHB3ENR: { offset: 0x50, reset: 0, access: 'rw' },
  APB1ENR1: { offset: 0x58, reset: 0, access: 'rw' },
  APB1ENR2: { offset: 0x5c, reset: 0, access: 'rw' },
  APB2ENR: { offset: 0x60, reset: 0, access: 'rw' },
  CCIPR: { offset: 0x88, reset: 0, access: 'rw' },
  BDCR: { offset: 0x90, reset: 0, access: 'rw', writeMask: 0x0301_83bd },
  CSR: { offset: 0x94, reset: 0x0c00_0600, access: 'rw', writeMask: 0x0000_0f19 },
} satisfies Record<string, RegisterSpec>;

export const rccL4Regs = registerMap('RCC', rccL4Specs);
/** L47x/L48x and L4+: PLLSAI2. */
export const rccL4Sai2Regs = registerMap('RCC', {
  ...rccL4Specs,
  CR: { ...rccL4Specs.CR, writeMask: 0x150d_0bfd },
  PLLSAI2CFGR: { offset: 0x14, reset: 0x0000_1000, access: 'rw' },
});
/** L4+ (RM0432 §6.4): PLLM[3:0], PLLSAI2, CCIPR2. */
export const rccL4PlusRegs = registerMap('RCC', {
  ...rccL4Specs,
  CR: { ...rccL4Specs.CR, writeMask: 0x150d_0bfd },
  PLLCFGR: { ...rccL4Specs.PLLCFGR, writeMask: 0xff73_7ff3 },
  PLLSAI2CFGR: { offset: 0x14, reset: 0x0000_1000, access: 'rw' },
  CCIPR2: { offset: 0x9c, reset: 0, access: 'rw' },
});
type Reg = keyof typeof rccL4PlusRegs.byName;

export class RccL4 extends RccClockTree<Reg> {
  private readonly pllmMask: number;

  constructor(
    name: string,
    base: number,
    size: number,
    protected readonly board: Board,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    variant: readonly string[],
  ) {
    const map = variant.includes('l4plus') ? rccL4PlusRegs : variant.includes('pllsai2') ? rccL4Sai2Regs : rccL4Regs;
    super(name, base, size, withResetValues<Reg>(map as typeof rccL4PlusRegs, resets), sinks);
    this.pllmMask = variant.includes('l4plus') ? 0xf : 0x7;
    this.recompute();
  }

  /** RM0351 §6.4.3: PPRE1 bits 10:8, PPRE2 bits 13:11. */
  protected apbPrescalerShifts(): readonly [number, number] {
    return [8, 11];
  }

  msiHz(): number {
    const range = this.get('CR') & CR.MSIRGSEL ? (this.get('CR') >>> 4) & 0xf : (this.get('CSR') >>> 8) & 0xf;
    return this.board.clocks.msiRangesHz[range] ?? 0;
  }

  private pllInputHz(): number {
    const c = this.board.clocks;
    return [0, this.msiHz(), c.hsiHz, c.hseHz][this.get('PLLCFGR') & 3]!;
  }

  private vcoHz(): number {
    const cfg = this.get('PLLCFGR');
    const m = ((cfg >>> 4) & this.pllmMask) + 1;
    const n = (cfg >>> 8) & 0x7f;
    return n < 8 ? 0 : (this.pllInputHz() / m) * n;
  }

  protected sourceHz(sws: number): number {
    const c = this.board.clocks;
    if (sws === 0) return this.msiHz();
    if (sws === 1) return c.hsiHz;
    if (sws === 2) return c.hseHz;
    const cfg = this.get('PLLCFGR');
    return cfg & PLLREN ? this.vcoHz() / ((((cfg >>> 25) & 3) + 1) * 2) : 0;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    const name = reg.name as Reg;
    if (name === 'CR') {
      let cr = ((this.get('CR') & ~(reg.writeMask & laneMask)) | (written & reg.writeMask & laneMask)) >>> 0;
      cr = this.keepClocksInUse(cr);
      if (cr & CR.PLLON && !(this.get('CR') & CR.PLLON) && (this.vcoHz() === 0 || (this.get('PLLCFGR') & 3) === 0)) {
        this.warn('pll-misconfigured', 'PLL switched on with no input (PLLSRC=0), PLLN below 8 or an absent oscillator: it never locks');
      }
      this.set('CR', this.withReadyFlags(cr));
    } else if (name === 'PLLCFGR' && this.get('CR') & CR.PLLON) {
      this.warn('pll-config-while-on', 'PLLCFGR written while the PLL is on (RM0351 §6.2.5: configure the PLL only while PLLON=0)');
      super.writeRegister(reg, written, laneMask);
    } else if (name === 'CSR') {
      super.writeRegister(reg, written, laneMask);
      // RMVF (bit 23) clears the reset flags in bits 31:24; LSIRDY (bit 1) follows LSION (bit 0).
      let csr = this.get('CSR');
      if (written & laneMask & (1 << 23)) csr &= 0x00ff_ffff;
      this.set('CSR', (csr & ~2) | ((csr & 1) << 1));
    } else if (name === 'BDCR') {
      super.writeRegister(reg, written, laneMask);
      const bdcr = this.get('BDCR');
      this.set('BDCR', (bdcr & ~2) | (bdcr & 1 && this.board.clocks.lseHz > 0 ? 2 : 0));
    } else {
      super.writeRegister(reg, written, laneMask);
    }
    if (name === 'CR' || name === 'CFGR' || name === 'PLLCFGR' || name === 'CSR') this.switchAndRecompute();
  }

  /** RM0351 §6.4.1: an oscillator driving SYSCLK (directly or through the PLL) cannot be switched off. */
  private keepClocksInUse(cr: number): number {
    const sws = (this.get('CFGR') >>> 2) & 3;
    const pllSrc = this.get('PLLCFGR') & 3;
    if (sws === 0 || (sws === 3 && pllSrc === 1)) cr |= CR.MSION;
    if (sws === 1 || (sws === 3 && pllSrc === 2)) cr |= CR.HSION;
    if (sws === 2 || (sws === 3 && pllSrc === 3)) cr |= CR.HSEON;
    if (sws === 3) cr |= CR.PLLON;
    return cr >>> 0;
  }

  private withReadyFlags(cr: number): number {
    const c = this.board.clocks;
    let v = cr & ~(CR.MSIRDY | CR.HSIRDY | CR.HSERDY | CR.PLLRDY | CR.PLLSAI1RDY | CR.PLLSAI2RDY);
    if (cr & CR.MSION) v |= CR.MSIRDY;
    if (cr & CR.HSION && c.hsiHz > 0) v |= CR.HSIRDY;
    if (cr & CR.HSEON && c.hseHz > 0) v |= CR.HSERDY;
    const src = this.get('PLLCFGR') & 3;
    const inputReady = [0, v & CR.MSIRDY, v & CR.HSIRDY, v & CR.HSERDY][src]!;
    if (cr & CR.PLLON && inputReady && this.vcoHz() > 0) v |= CR.PLLRDY;
    if (cr & CR.PLLSAI1ON && inputReady) v |= CR.PLLSAI1RDY;
    if (cr & CR.PLLSAI2ON && inputReady) v |= CR.PLLSAI2RDY;
    return v >>> 0;
  }

  private switchAndRecompute(): void {
    const cfgr = this.get('CFGR');
    const sw = cfgr & 3;
    if (sw !== ((cfgr >>> 2) & 3) && this.get('CR') & [CR.MSIRDY, CR.HSIRDY, CR.HSERDY, CR.PLLRDY][sw]!) {
      this.set('CFGR', (cfgr & ~0xc) | (sw << 2));
    }
    this.recompute();
    this.notifyClockChange();
  }
}
