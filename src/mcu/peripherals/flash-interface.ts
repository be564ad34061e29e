/**
 * The embedded-flash interface registers (RM0383 §3.8 for F4, RM0351 §3.7 for L4): FLASH_ACR with
 * LATENCY, PRFTEN, ICEN, DCEN, ICRST, DCRST read back as written, the KEYR unlock sequence and the
 * LOCK bit. The timing model reads `waitStates`, `prefetch`, `icache`, `dcache` and the cache-reset
 * counters from here. The RM's rule that LATENCY must suit HCLK at the present supply
 * (src/mcu/boards/flash-timing.ts) is checked whenever LATENCY or the clock changes; a violation is
 * a warning event (real silicon would read wrong instructions), the simulation goes on.
 * Flash programming (PG/SER/MER with writes to flash memory) is not modelled.
 */
import { waitStateRow, waitStatesRequired, type SupplyState } from '../boards/flash-timing.js';
import type { Board, BoardFamily, FlashTiming } from '../boards/types.js';
import { registerMap, withResetValues, type RegisterInfo, type RegisterMap } from '../register-map.js';
import { mhz, type ClockTree } from './clock-tree.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';

const ACR_PRFTEN = 1 << 8;
const ACR_ICEN = 1 << 9;
const ACR_DCEN = 1 << 10;
const ACR_ICRST = 1 << 11;
const ACR_DCRST = 1 << 12;
const CR_LOCK = 1 << 31;
/** RM0383 §3.5.1 / RM0351 §3.3.5 unlock keys. */
const KEY1 = 0x4567_0123;
const KEY2 = 0xcdef_89ab;

type Reg = 'ACR' | 'KEYR' | 'OPTKEYR' | 'SR' | 'CR' | 'OPTCR' | 'PDKEYR' | 'ECCR';

function flashRegs(family: BoardFamily, timing: FlashTiming): RegisterMap<Reg> {
  const latencyMask = (1 << timing.latencyBits) - 1;
  if (family === 'stm32f4') {
    return registerMap('FLASH', {
      ACR: { offset: 0x00, reset: timing.acrReset, access: 'rw', writeMask: 0x1f00 | latencyMask },
      KEYR: { offset: 0x04, reset: 0, access: 'w' },
      OPTKEYR: { offset: 0x08, reset: 0, access: 'w' },
      SR: { offset: 0x0c, reset: 0, access: 'rc_w1', writeMask: 0x0000_01f3 },
      CR: { offset: 0x10, reset: 0x8000_0000, access: 'rw', writeMask: 0x8301_03ff },
      // RM0383 §3.8.6: RDP level 0 (0xAA), no write protection, BOR off; the same value reads back from
      // an erased F4's option bytes (an ST-LINK readback published with a public F4 project agrees).
      OPTCR: { offset: 0x14, reset: 0x0fff_aaed, access: 'rw', writeMask: 0xcfff_fffc },
    } as Record<Reg, { offset: number; reset: number; access: 'rw' | 'w' | 'rc_w1'; writeMask?: number }>);
  }
  return registerMap('FLASH', {
    ACR: { offset: 0x00, reset: timing.acrReset, access: 'rw', writeMask: 0x7f00 | latencyMask },
    PDKEYR: { offset: 0x04, reset: 0, access: 'w' },
    KEYR: { offset: 0x08, reset: 0, access: 'w' },
    OPTKEYR: { offset: 0x0c, reset: 0, access: 'w' },
    SR: { offset: 0x10, reset: 0, access: 'rc_w1', writeMask: 0x0000_c3fb },
    CR: { offset: 0x14, reset: 0xc000_0000, access: 'rw', writeMask: 0xbf07_87ff },
    ECCR: { offset: 0x18, reset: 0, access: 'rw', writeMask: 0xc100_0000 },
  } as Record<Reg, { offset: number; reset: number; access: 'rw' | 'w' | 'rc_w1'; writeMask?: number }>);
}

function timingOf(board: Board): FlashTiming {
  if (!board.flash) throw new Error(`board ${board.name} has a flash interface but no flash timing data`);
  return board.flash;
}

export class FlashInterface extends RegisterDevice<Reg> {
  /** Times software reset the I-cache / D-cache (ICRST / DCRST written 1 with the cache off). */
  icacheResets = 0;
  dcacheResets = 0;
  private readonly timing: FlashTiming;
  private readonly latencyMask: number;
  private keyStage = 0;
  private readonly reported = new Set<string>();
  private readonly acrListeners: (() => void)[] = [];

  constructor(
    name: string,
    base: number,
    size: number,
    private readonly board: Board,
    sinks: PeripheralSinks,
    resets: Record<string, number>,
    private readonly clock: ClockTree,
    private readonly supply: () => SupplyState,
  ) {
    super(name, base, size, withResetValues(flashRegs(board.family, timingOf(board)), resets), sinks);
    this.timing = timingOf(board);
    this.latencyMask = (1 << this.timing.latencyBits) - 1;
    clock.onClockChange(() => this.checkLatency());
    // The supply (L4 VCORE range) can change the rule too; the factory calls checkLatency then.
  }

  get waitStates(): number {
    return this.get('ACR') & this.latencyMask;
  }
  get prefetch(): boolean {
    return (this.get('ACR') & ACR_PRFTEN) !== 0;
  }
  get icache(): boolean {
    return (this.get('ACR') & ACR_ICEN) !== 0;
  }
  get dcache(): boolean {
    return (this.get('ACR') & ACR_DCEN) !== 0;
  }

  /** Calls `listener` after every write to FLASH_ACR (the flash timing model re-reads it). */
  onAcrWrite(listener: () => void): void {
    this.acrListeners.push(listener);
  }

  override reset(): void {
    super.reset();
    this.keyStage = 0;
    this.icacheResets = 0;
    this.dcacheResets = 0;
  }

  protected override writeRegister(reg: RegisterInfo, written: number, laneMask: number): void {
    switch (reg.name as Reg) {
      case 'ACR': {
        const before = this.get('ACR');
        let value = written;
        // RM0383 §3.8.1: ICRST/DCRST can only be written while that cache is disabled.
        if (before & ACR_ICEN) value &= ~ACR_ICRST;
        else if (written & laneMask & ACR_ICRST && !(before & ACR_ICRST)) this.icacheResets++;
        if (before & ACR_DCEN) value &= ~ACR_DCRST;
        else if (written & laneMask & ACR_DCRST && !(before & ACR_DCRST)) this.dcacheResets++;
        super.writeRegister(reg, value >>> 0, laneMask);
        this.checkLatency();
        for (const listener of this.acrListeners) listener();
        return;
      }
      case 'KEYR':
        this.unlockStep(written);
        return;
      case 'CR':
        // A locked FLASH_CR ignores writes (RM0383 §3.8.5 LOCK bit).
        if (this.get('CR') & CR_LOCK) {
          this.warn('flash-cr-locked', 'write to FLASH_CR while it is locked (write KEY1, KEY2 to FLASH_KEYR first): ignored');
          return;
        }
        super.writeRegister(reg, written, laneMask);
        return;
      default:
        super.writeRegister(reg, written, laneMask);
    }
  }

  private unlockStep(key: number): void {
    if (this.keyStage === 0 && key === KEY1) {
      this.keyStage = 1;
    } else if (this.keyStage === 1 && key === KEY2) {
      this.keyStage = 0;
      this.set('CR', this.get('CR') & ~CR_LOCK);
    } else {
      this.keyStage = 0;
      this.warn('flash-key-sequence', `wrong FLASH_KEYR sequence (0x${(key >>> 0).toString(16)}): real hardware locks FLASH_CR until the next reset`);
    }
  }

  /** Warns once per (latency, HCLK, supply) when LATENCY is too small for the clock or no row fits. */
  checkLatency(): void {
    const hclk = this.clock.coreClockHz();
    const supply = this.supply();
    const latency = this.waitStates;
    const row = waitStateRow(this.timing, supply);
    const where = supply.vcoreRange !== undefined && this.timing.waitStates.selector === 'vcore-range' ? `VCORE range ${supply.vcoreRange}` : `VDD ${supply.vddV} V`;
    const source = this.timing.waitStates.source.split(' (')[0];
    const required = waitStatesRequired(this.timing, hclk, supply);
    if (required === undefined) {
      this.once(`none@${hclk}@${where}`, 'flash-clock-out-of-range', `HCLK ${mhz(hclk)} is above what the flash supports at ${where} (${row ? `${row.label} row ends at ${mhz(row.maxHclkHz[row.maxHclkHz.length - 1]!)}` : 'no row for this supply'}; ${source})`);
    } else if (latency < required) {
      this.once(
        `${latency}@${hclk}@${where}`,
        'flash-latency-too-low',
        `LATENCY=${latency} wait state${latency === 1 ? '' : 's'} is too few for HCLK ${mhz(hclk)} at ${where}: needs ${required} (${source})`,
      );
    }
    if (row && !row.prefetchAllowed && this.prefetch) {
      this.once(`prefetch@${where}`, 'flash-prefetch-not-allowed', `prefetch (PRFTEN) must stay off at ${row.label} (${source})`);
    }
  }

  private once(key: string, kind: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.warn(kind, message);
  }
}
