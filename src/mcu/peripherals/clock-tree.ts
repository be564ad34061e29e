/**
 * What the rest of the simulator asks the RCC: the clocks derived from its current register state
 * (STYLE.md §4: never a frozen frequency). AHB and APB prescaler encodings are the same on F4 and L4
 * (RM0383 §6.3.3 RCC_CFGR HPRE/PPRE1/PPRE2, RM0351 §6.4.3).
 */
import type { ClockDomain } from '../boards/types.js';

export interface ClockTree {
  /** SYSCLK in Hz. */
  sysclkHz(): number;
  /** HCLK: the core, AHB and memory clock. */
  coreClockHz(): number;
  busClockHz(domain: ClockDomain): number;
  /** Called after any register write that may change a clock. */
  onClockChange(listener: () => void): void;
}

/** HPRE: 0xxx = /1, 1000 = /2 ... 1111 = /512 (no /32). */
export function ahbDivider(hpre: number): number {
  return hpre < 8 ? 1 : [2, 4, 8, 16, 64, 128, 256, 512][hpre - 8]!;
}

/** PPREx: 0xx = /1, 100 = /2, 101 = /4, 110 = /8, 111 = /16. */
export function apbDivider(ppre: number): number {
  return ppre < 4 ? 1 : 1 << (ppre - 3);
}

/** A clock tree that never changes (mps2: one 25 MHz SYSCLK for everything). */
export class FixedClock implements ClockTree {
  constructor(private readonly hz: number) {}
  sysclkHz(): number {
    return this.hz;
  }
  coreClockHz(): number {
    return this.hz;
  }
  busClockHz(): number {
    return this.hz;
  }
  onClockChange(): void {}
}

export const mhz = (hz: number): string => `${+(hz / 1e6).toFixed(3)} MHz`;
