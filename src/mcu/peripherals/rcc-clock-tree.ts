/**
 * What the F4 and L4 RCC models share (RM0383 §6.3, RM0351 §6.4): clocks cached from the register
 * state, recomputed after every write that may change them, listeners told of each change, and the
 * AHB/APB clocks derived through the CFGR prescalers. Each family supplies its SYSCLK sources and
 * where its PPRE fields sit in RCC_CFGR.
 */
import type { Board, ClockDomain } from '../boards/types.js';
import { ahbDivider, apbDivider, mhz, type ClockTree } from './clock-tree.js';
import { RegisterDevice } from './register-device.js';

export abstract class RccClockTree<K extends string> extends RegisterDevice<K> implements ClockTree {
  private readonly listeners: (() => void)[] = [];
  private cachedSysclkHz = 0;
  private cachedHclkHz = 0;
  protected abstract readonly board: Board;

  /** Frequency of the SYSCLK source selected by CFGR.SWS, in Hz. */
  protected abstract sourceHz(sws: number): number;
  /** Bit positions of PPRE1 and PPRE2 in RCC_CFGR. */
  protected abstract apbPrescalerShifts(): readonly [ppre1: number, ppre2: number];

  override reset(): void {
    super.reset();
    this.recompute();
    this.notifyClockChange();
  }

  onClockChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  sysclkHz(): number {
    return this.cachedSysclkHz;
  }

  coreClockHz(): number {
    return this.cachedHclkHz;
  }

  busClockHz(domain: ClockDomain): number {
    const cfgr = this.get('CFGR' as K);
    const [ppre1, ppre2] = this.apbPrescalerShifts();
    switch (domain) {
      case 'SYSCLK':
        return this.cachedSysclkHz;
      case 'AHB':
        return this.cachedHclkHz;
      case 'APB1':
        return this.cachedHclkHz / apbDivider((cfgr >>> ppre1) & 7);
      case 'APB2':
        return this.cachedHclkHz / apbDivider((cfgr >>> ppre2) & 7);
    }
  }

  protected notifyClockChange(): void {
    for (const l of this.listeners) l();
  }

  /** SYSCLK from CFGR.SWS and HCLK through HPRE (the same fields on F4 and L4). */
  protected recompute(): void {
    const cfgr = this.get('CFGR' as K);
    this.cachedSysclkHz = this.sourceHz((cfgr >>> 2) & 3);
    this.cachedHclkHz = this.cachedSysclkHz / ahbDivider((cfgr >>> 4) & 0xf);
    if (this.cachedHclkHz > this.board.clocks.maxHz) {
      this.warn('clock-above-maximum', `HCLK ${mhz(this.cachedHclkHz)} is above the ${this.board.chip} maximum of ${mhz(this.board.clocks.maxHz)}`);
    }
  }
}
