/**
 * Power control. The regulator is always ready in this model: F4 PWR_CSR.VOSRDY reads 1 and the F446
 * over-drive flags (ODRDY, ODSWRDY) follow ODEN/ODSWEN (RM0383 §5.4, RM0390 §5.4); L4 PWR_SR2.VOSF
 * reads 0 (voltage scaling done) and REGLPF follows LPR (RM0351 §5.4). The L4 VCORE range from
 * PWR_CR1.VOS picks the flash wait-state row (isa/TIMING.md §9.1).
 */
import type { Board } from '../boards/types.js';
import { registerMap, withResetValues, type RegisterInfo, type RegisterSpec } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';

export const pwrF4Regs = registerMap('PWR', {
  CR: { offset: 0x00, reset: 0x0000_c000, access: 'rw', writeMask: 0x000f_eff3 },
  CSR: { offset: 0x04, reset: 0, access: 'rw', writeMask: 0x0000_0300 },
});
type F4Reg = keyof typeof pwrF4Regs.byName;

const CSR_BRR = 1 << 3;
const CSR_BRE = 1 << 9;
const CSR_VOSRDY = 1 << 14;
const CR_ODEN = 1 << 16;
const CR_ODSWEN = 1 << 17;

export class PwrF4 extends RegisterDevice<F4Reg> {
  private readonly overdrive: boolean;

  constructor(name: string, base: number, size: number, sinks: PeripheralSinks, resets: Record<string, number>, variant: readonly string[]) {
    super(name, base, size, withResetValues(pwrF4Regs, resets), sinks);
    this.overdrive = variant.includes('overdrive');
  }

  /** PWR_CR.VOS: regulator scale (F401/F411: 1 = scale 3, 2 = scale 2, 3 = scale 1). */
  get voltageScaling(): number {
    return (this.get('CR') >>> 14) & 3;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    if (reg.name !== 'CSR') return stored;
    const cr = this.get('CR');
    let v = stored | CSR_VOSRDY;
    if (stored & CSR_BRE) v |= CSR_BRR;
    if (this.overdrive) v |= (cr & (CR_ODEN | CR_ODSWEN)) >>> 0;
    return v >>> 0;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    if (reg.name === 'CR' && !this.overdrive) written &= ~(CR_ODEN | CR_ODSWEN);
    super.writeRegister(reg, written >>> 0, laneMask);
  }
}

const pwrL4Specs = {
  CR1: { offset: 0x00, reset: 0x0000_0200, access: 'rw', writeMask: 0x0000_4707 },
  CR2: { offset: 0x04, reset: 0, access: 'rw', writeMask: 0x0000_07ff },
  CR3: { offset: 0x08, reset: 0x0000_8000, access: 'rw', writeMask: 0x0000_851f },
  CR4: { offset: 0x0c, reset: 0, access: 'rw', writeMask: 0x0000_031f },
  SR1: { offset: 0x10, reset: 0, access: 'r' },
  SR2: { offset: 0x14, reset: 0, access: 'r' },
  SCR: { offset: 0x18, reset: 0, access: 'w' },
  PUCRA: { offset: 0x20, reset: 0, access: 'rw' },
  PDCRA: { offset: 0x24, reset: 0, access: 'rw' },
  PUCRB: { offset: 0x28, reset: 0, access: 'rw' },
  PDCRB: { offset: 0x2c, reset: 0, access: 'rw' },
  PUCRC: { offset: 0x30, reset: 0, access: 'rw' },
  PDCRC: { offset: 0x34, reset: 0, access: 'rw' },
  PUCRD: { offset: 0x38, reset: 0, access: 'rw' },
  PDCRD: { offset: 0x3c, reset: 0, access: 'rw' },
  PUCRE: { offset: 0x40, reset: 0, access: 'rw' },
  PDCRE: { offset: 0x44, reset: 0, access: 'rw' },
  PUCRF: { offset: 0x48, reset: 0, access: 'rw' },
  PDCRF: { offset: 0x4c, reset: 0, access: 'rw' },
  PUCRG: { offset: 0x50, reset: 0, access: 'rw' },
  PDCRG: { offset: 0x54, reset: 0, access: 'rw' },
  PUCRH: { offset: 0x58, reset: 0, access: 'rw' },
  PDCRH: { offset: 0x5c, reset: 0, access: 'rw' },
} satisfies Record<string, RegisterSpec>;
export const pwrL4Regs = registerMap('PWR', pwrL4Specs);
/** L4+ (RM0432 §5.4): port I pull registers and CR5.R1MODE (range 1 boost when 0). */
export const pwrL4PlusRegs = registerMap('PWR', {
  ...pwrL4Specs,
  PUCRI: { offset: 0x60, reset: 0, access: 'rw' },
  PDCRI: { offset: 0x64, reset: 0, access: 'rw' },
  CR5: { offset: 0x80, reset: 0x0000_0100, access: 'rw', writeMask: 0x0000_0100 },
});
type L4Reg = keyof typeof pwrL4PlusRegs.byName;

const CR1_LPR = 1 << 14;
const SR2_REGLPF = 1 << 9;

export class PwrL4 extends RegisterDevice<L4Reg> {
  /** Called after PWR_CR1.VOS changes (the flash wait-state rule depends on the VCORE range). */
  onRangeChange: () => void = () => {};

  constructor(name: string, base: number, size: number, board: Board, sinks: PeripheralSinks, resets: Record<string, number>, variant: readonly string[]) {
    const map = variant.includes('l4plus') ? pwrL4PlusRegs : (pwrL4Regs as typeof pwrL4PlusRegs);
    const vos = board.supply.vcoreRangeAtReset ?? 1;
    super(name, base, size, withResetValues(map, { CR1: (0x0000_0200 & ~0x600) | (vos << 9), ...resets }), sinks);
  }

  /** VCORE range from PWR_CR1.VOS: 1 (up to 80/120 MHz) or 2 (up to 26 MHz). */
  get vcoreRange(): number {
    return (this.get('CR1') >>> 9) & 3;
  }

  protected override readRegister(reg: RegisterInfo, stored: number): number {
    // VOSF (bit 10) stays 0: a VOS change completes at once. REGLPF mirrors LPR.
    if (reg.name === 'SR2') return (stored & ~SR2_REGLPF) | (this.get('CR1') & CR1_LPR ? SR2_REGLPF : 0);
    return stored;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    if (reg.name === 'CR1' && laneMask & 0x600) {
      const vos = (written >>> 9) & 3;
      if (vos !== 1 && vos !== 2) {
        this.warn('pwr-vos-forbidden', `PWR_CR1.VOS=${vos} is forbidden (RM0351 §5.4.1: 01 range 1, 10 range 2): ignored`);
        written = (written & ~0x600) | (this.get('CR1') & 0x600);
      }
    }
    const range = this.vcoreRange;
    super.writeRegister(reg, written >>> 0, laneMask);
    if (this.vcoreRange !== range) this.onRangeChange();
  }
}
