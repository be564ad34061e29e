/**
 * DWT (ARMv7-M ARM C1.8, Cortex-M4 TRM §8.3): the cycle counter and the profiling event counters,
 * all derived from simulated cycles, so firmware that times itself reads what the report says.
 * Counting needs DEMCR.TRCENA and the per-counter enable bits in DWT_CTRL, as on silicon.
 */
import type { Cpu } from '../../cpu/cpu.js';
import type { Peripheral } from '../peripheral.js';

/** DWT_CTRL: NUMCOMP = 4 (bits 31:28), CYCCNTENA bit 0, CPIEVTENA 17, EXCEVTENA 18, SLEEPEVTENA 19, LSUEVTENA 20, FOLDEVTENA 21. */
const CTRL_RESET = 0x40000000;

/**
 * A counter that follows a running total while its enable holds and keeps its value while it does
 * not (ARMv7-M ARM C1.8.2: writes set the value; disabled counters hold it).
 */
class GatedCounter {
  private origin = 0;
  private held = 0;
  private running = false;

  constructor(private readonly mask: number) {}

  /** Starts or stops following `total` when `enabled` changed since the last look. */
  sync(enabled: boolean, total: number): void {
    if (enabled === this.running) return;
    if (enabled) this.origin = total - this.held;
    else this.held = total - this.origin;
    this.running = enabled;
  }

  value(total: number): number {
    return (this.running ? total - this.origin : this.held) & this.mask;
  }

  set(value: number, total: number): void {
    if (this.running) this.origin = total - value;
    else this.held = value;
  }

  reset(): void {
    this.origin = this.held = 0;
    this.running = false;
  }
}

/** The counters at DWT offsets 0x04..0x18 with their DWT_CTRL enable bit and width. */
const COUNTERS = [
  { offset: 0x004, enableBit: 0, mask: 0xffffffff }, // CYCCNT, CYCCNTENA
  { offset: 0x008, enableBit: 17, mask: 0xff }, // CPICNT, CPIEVTENA
  { offset: 0x00c, enableBit: 18, mask: 0xff }, // EXCCNT, EXCEVTENA
  { offset: 0x010, enableBit: 19, mask: 0xff }, // SLEEPCNT, SLEEPEVTENA
  { offset: 0x014, enableBit: 20, mask: 0xff }, // LSUCNT, LSUEVTENA
  { offset: 0x018, enableBit: 21, mask: 0xff }, // FOLDCNT, FOLDEVTENA
] as const;

export class Dwt implements Peripheral {
  readonly name = 'dwt';
  readonly base = 0xe0001000;
  readonly size = 0x1000;
  ctrl = CTRL_RESET;
  private readonly counters = COUNTERS.map((c) => new GatedCounter(c.mask >>> 0));
  private readonly comparators = new Uint32Array(12);

  constructor(
    private readonly cpu: Cpu,
    /** DEMCR.TRCENA (bit 24 of the SCS's DEMCR). */
    private readonly traceEnabled: () => boolean,
    private readonly unmodelled: (address: number, write: boolean, value: number) => void,
  ) {}

  reset(): void {
    this.ctrl = CTRL_RESET;
    for (const c of this.counters) c.reset();
    this.comparators.fill(0);
  }

  /** The running total each counter follows: cycles, then the core's extra-cycle totals by cause. */
  private total(k: number): number {
    const s = this.cpu.stalls;
    switch (k) {
      case 0: return this.cpu.cycles;
      case 1: return s.cpi;
      case 2: return s.exc;
      case 3: return s.sleep;
      case 4: return s.lsu;
      default: return s.fold;
    }
  }

  /** Counting needs DEMCR.TRCENA and the counter's enable bit; checked whenever a counter is used. */
  private syncAll(): void {
    const trace = this.traceEnabled();
    COUNTERS.forEach((c, k) => this.counters[k]!.sync(trace && ((this.ctrl >>> c.enableBit) & 1) === 1, this.total(k)));
  }

  /** The current CYCCNT value. */
  cyccnt(): number {
    this.syncAll();
    return this.counters[0]!.value(this.total(0)) >>> 0;
  }

  read(offset: number, width: 1 | 2 | 4 = 4): number {
    const word = this.readWord(offset & ~3);
    return width === 4 ? word : (word >>> (8 * (offset & 3))) & (width === 1 ? 0xff : 0xffff);
  }

  private readWord(offset: number): number {
    if (offset === 0x000) return this.ctrl >>> 0;
    if (offset >= 0x004 && offset <= 0x018) {
      this.syncAll();
      const k = (offset - 4) >>> 2;
      return this.counters[k]!.value(this.total(k)) >>> 0;
    }
    if (offset === 0x01c) return this.cpu.pc >>> 0; // PCSR: the sampled PC
    if (offset >= 0x20 && offset < 0x50) return this.comparators[(offset - 0x20) >>> 2]!;
    if (offset >= 0xfd0) return 0;
    this.unmodelled(this.base + offset, false, 0);
    return 0;
  }

  write(offset: number, _width: 1 | 2 | 4, value: number): void {
    offset &= ~3;
    if (offset === 0x000) {
      this.syncAll();
      this.ctrl = (CTRL_RESET & 0xf0000000) | (value & 0x0fffffff);
      this.syncAll();
      return;
    }
    if (offset >= 0x004 && offset <= 0x018) {
      this.syncAll();
      const k = (offset - 4) >>> 2;
      this.counters[k]!.set(value >>> 0 & COUNTERS[k]!.mask, this.total(k));
      return;
    }
    if (offset >= 0x20 && offset < 0x50) {
      this.comparators[(offset - 0x20) >>> 2] = value;
      return;
    }
    this.unmodelled(this.base + offset, true, value);
  }
}
