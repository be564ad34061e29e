/**
 * DWT (ARMv7-M ARM C1.8, Cortex-M4 TRM §8.3): the cycle counter and the profiling event counters,
 * all derived from simulated cycles, so firmware that times itself reads what the report says.
 * Counting needs DEMCR.TRCENA and the per-counter enable bits in DWT_CTRL, as on silicon.
 */
import type { Cpu } from '../../cpu/cpu.js';
import type { Peripheral } from '../peripheral.js';

/** DWT_CTRL: NUMCOMP = 4 (bits 31:28), CYCCNTENA bit 0, CPIEVTENA 17, EXCEVTENA 18, SLEEPEVTENA 19, LSUEVTENA 20, FOLDEVTENA 21. */
const CTRL_RESET = 0x40000000;

export class Dwt implements Peripheral {
  readonly name = 'dwt';
  readonly base = 0xe0001000;
  readonly size = 0x1000;
  ctrl = CTRL_RESET;
  /** CYCCNT = (cycles - cycOrigin) while counting; frozen value while stopped. */
  private cycOrigin = 0;
  private cycFrozen = 0;
  private counting = false;
  private readonly eventOrigin = { cpi: 0, exc: 0, sleep: 0, lsu: 0, fold: 0 };
  private readonly comparators = new Uint32Array(12);

  constructor(
    private readonly cpu: Cpu,
    /** DEMCR.TRCENA (bit 24 of the SCS's DEMCR). */
    private readonly traceEnabled: () => boolean,
    private readonly unmodelled: (address: number, write: boolean, value: number) => void,
  ) {}

  reset(): void {
    this.ctrl = CTRL_RESET;
    this.cycOrigin = this.cycFrozen = 0;
    this.counting = false;
    this.comparators.fill(0);
    // The 8-bit event counters read 0 after a reset (the core's stall totals keep running).
    Object.assign(this.eventOrigin, this.cpu.stalls);
  }

  private cycleCountingNow(): boolean {
    return (this.ctrl & 1) === 1 && this.traceEnabled();
  }

  /** The current CYCCNT value. */
  cyccnt(): number {
    this.syncCounting();
    return this.counting ? (this.cpu.cycles - this.cycOrigin) >>> 0 : this.cycFrozen >>> 0;
  }

  /** Start/stop follows DWT_CTRL.CYCCNTENA and DEMCR.TRCENA; checked whenever CYCCNT is observed. */
  private syncCounting(): void {
    const want = this.cycleCountingNow();
    if (want === this.counting) return;
    if (want) this.cycOrigin = this.cpu.cycles - this.cycFrozen;
    else this.cycFrozen = (this.cpu.cycles - this.cycOrigin) >>> 0;
    this.counting = want;
  }

  read(offset: number, width: 1 | 2 | 4 = 4): number {
    const word = this.readWord(offset & ~3);
    return width === 4 ? word : (word >>> (8 * (offset & 3))) & (width === 1 ? 0xff : 0xffff);
  }

  private readWord(offset: number): number {
    const s = this.cpu.stalls;
    const o = this.eventOrigin;
    switch (offset & ~3) {
      case 0x000: return this.ctrl >>> 0;
      case 0x004: return this.cyccnt();
      case 0x008: return (s.cpi - o.cpi) & 0xff;
      case 0x00c: return (s.exc - o.exc) & 0xff;
      case 0x010: return (s.sleep - o.sleep) & 0xff;
      case 0x014: return (s.lsu - o.lsu) & 0xff;
      case 0x018: return (s.fold - o.fold) & 0xff;
      case 0x01c: return this.cpu.pc >>> 0; // PCSR: the sampled PC
    }
    if (offset >= 0x20 && offset < 0x50) return this.comparators[(offset - 0x20) >>> 2]!;
    if (offset >= 0xfd0) return 0;
    this.unmodelled(this.base + offset, false, 0);
    return 0;
  }

  write(offset: number, _width: 1 | 2 | 4, value: number): void {
    const s = this.cpu.stalls;
    const o = this.eventOrigin;
    switch (offset & ~3) {
      case 0x000:
        this.syncCounting();
        this.ctrl = (CTRL_RESET & 0xf0000000) | (value & 0x0fffffff);
        this.syncCounting();
        return;
      case 0x004:
        this.syncCounting();
        if (this.counting) this.cycOrigin = this.cpu.cycles - (value >>> 0);
        else this.cycFrozen = value >>> 0;
        return;
      // Writes set the 8-bit counters: keep origin so that (total - origin) & 0xff == value.
      case 0x008: o.cpi = s.cpi - (value & 0xff); return;
      case 0x00c: o.exc = s.exc - (value & 0xff); return;
      case 0x010: o.sleep = s.sleep - (value & 0xff); return;
      case 0x014: o.lsu = s.lsu - (value & 0xff); return;
      case 0x018: o.fold = s.fold - (value & 0xff); return;
    }
    if (offset >= 0x20 && offset < 0x50) {
      this.comparators[(offset - 0x20) >>> 2] = value;
      return;
    }
    this.unmodelled(this.base + offset, true, value);
  }
}
