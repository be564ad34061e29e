/**
 * Embedded-flash read timing of an STM32 with its ART accelerator: RM0383 §3.4-3.5 / RM0090 §3.5.1-3.5.2
 * (F4) and RM0351 §3.3.3-3.3.4 (L4), restated with their sources in isa/TIMING.md §9.
 * The state comes from FLASH_ACR as the firmware wrote it (LATENCY, PRFTEN, ICEN, DCEN, ICRST/DCRST):
 * firmware that leaves the accelerator off pays the wait states.
 *
 * The model, rule by rule:
 * - Flash is read one line at a time (128 bits on F4, 64 bits on L4); a read takes LATENCY + 1 cycles,
 *   so an instruction-line miss stalls the core LATENCY cycles ("the penalty ... is at least equal to
 *   the number of wait states", RM0090 §3.5.2). Moving within the current line costs nothing.
 * - I-cache (ICEN): a hit is "provided without inserting any delay"; every line read from flash is
 *   stored, least recently used line out (F4: 64 lines x 128 bits).
 * - Prefetch (PRFTEN): once a line has arrived, the next sequential line is read (LATENCY + 1 cycles);
 *   reaching it before it arrives stalls for the rest. So sequential code needs LATENCY + 1 cycles of
 *   execution per line to run without stalls (RM0090: "at least four CPU cycles" at 3 WS).
 * - D-cache (DCEN): data reads of flash (literal pools, constant tables) hit without delay; a miss
 *   costs LATENCY and is stored (F4: 8 lines). "D-Code accesses have priority over I-Code": a data
 *   read delays a prefetch in flight by its own read time (bus contention on the flash).
 * The cache capacity is counted in fetch lines: icacheLines x cacheLineBits / lineBits.
 */
import type { MemoryTiming } from '../cpu/cycle-model.js';
import type { Board } from './boards/types.js';

/** What the accelerator reads from the FLASH interface (src/mcu/peripherals/flash-interface.ts). */
export interface FlashAcrState {
  readonly waitStates: number;
  readonly prefetch: boolean;
  readonly icache: boolean;
  readonly dcache: boolean;
  readonly icacheResets: number;
  readonly dcacheResets: number;
}

export interface FlashAcceleratorStats {
  fetchLineReads: number;
  icacheHits: number;
  prefetchHits: number;
  dcacheHits: number;
  dataReads: number;
  fetchStallCycles: number;
  dataStallCycles: number;
}

/**
 * A small fully associative LRU cache of line numbers. A hit is looked up through `slotOf` (line ->
 * slot + 1) instead of comparing every tag: the I-cache is asked on every fetch-line change, and
 * scanning its 64 tags there was the F4 boards' largest simulation cost. A miss still picks the
 * least recently used slot (the first of the oldest), so the behaviour is that of the plain scan.
 */
class LineCache {
  private readonly tags: Int32Array;
  private readonly lastUse: Float64Array;
  private readonly slotOf: Int32Array;
  private clock = 0;
  /** `lineCount`: the largest line number + 1 (flash size in lines). */
  constructor(lines: number, lineCount: number) {
    this.tags = new Int32Array(Math.max(1, lines)).fill(-1);
    this.lastUse = new Float64Array(Math.max(1, lines));
    this.slotOf = new Int32Array(lineCount);
  }
  /** True on a hit (and marks the line used); on a miss, stores the line in place of the LRU one. */
  access(line: number): boolean {
    const slot = this.slotOf[line]! - 1;
    if (slot >= 0) {
      this.lastUse[slot] = ++this.clock;
      return true;
    }
    const lastUse = this.lastUse;
    let victim = 0;
    for (let k = 1; k < lastUse.length; k++) if (lastUse[k]! < lastUse[victim]!) victim = k;
    const evicted = this.tags[victim]!;
    if (evicted >= 0) this.slotOf[evicted] = 0;
    this.tags[victim] = line;
    this.slotOf[line] = victim + 1;
    lastUse[victim] = ++this.clock;
    return false;
  }
  invalidate(): void {
    for (const line of this.tags) if (line >= 0) this.slotOf[line] = 0;
    this.tags.fill(-1);
    this.lastUse.fill(0);
  }
}

export class FlashAccelerator implements MemoryTiming {
  readonly lineShift: number;
  readonly stats: FlashAcceleratorStats = { fetchLineReads: 0, icacheHits: 0, prefetchHits: 0, dcacheHits: 0, dataReads: 0, fetchStallCycles: 0, dataStallCycles: 0 };
  private readonly icache: LineCache;
  private readonly dcache: LineCache;
  /** Flash ranges as [start, end) pairs with the flash offset of start. */
  private readonly ranges: { start: number; end: number; offset: number }[];
  private waitStates = 0;
  private prefetchOn = false;
  private icacheOn = false;
  private dcacheOn = false;
  private icacheResets = 0;
  private dcacheResets = 0;
  private prefetchLine = -1;
  private prefetchReady = 0;

  constructor(board: Board, private readonly acr: FlashAcrState) {
    const flash = board.flash;
    if (!flash) throw new Error(`board ${board.name} has no flash timing data`);
    this.lineShift = Math.log2(flash.lineBits / 8);
    if (!Number.isInteger(this.lineShift)) throw new Error(`board ${board.name}: flash lineBits ${flash.lineBits} is not a power of two bytes`);
    const perCacheLine = Math.max(1, flash.art.cacheLineBits / flash.lineBits);
    const main = board.memory.find((m) => m.kind === 'flash');
    if (!main) throw new Error(`board ${board.name} has flash timing but no flash memory`);
    this.ranges = [{ start: main.base, end: main.base + main.size, offset: 0 }];
    for (const a of board.aliases) if (a.target === main.name) this.ranges.push({ start: a.base, end: a.base + a.size, offset: 0 });
    const lineCount = Math.ceil(Math.max(...this.ranges.map((r) => r.end - r.start + r.offset)) / 2 ** this.lineShift);
    this.icache = new LineCache(flash.art.icacheLines * perCacheLine, lineCount);
    this.dcache = new LineCache(flash.art.dcacheLines * perCacheLine, lineCount);
    this.sync();
  }

  /** Re-reads FLASH_ACR; call after every write to it. ICRST/DCRST empty the caches. */
  sync(): void {
    const acr = this.acr;
    this.waitStates = acr.waitStates;
    this.prefetchOn = acr.prefetch;
    this.icacheOn = acr.icache;
    this.dcacheOn = acr.dcache;
    if (acr.icacheResets !== this.icacheResets) {
      this.icacheResets = acr.icacheResets;
      this.icache.invalidate();
    }
    if (acr.dcacheResets !== this.dcacheResets) {
      this.dcacheResets = acr.dcacheResets;
      this.dcache.invalidate();
    }
    if (!this.prefetchOn) this.prefetchLine = -1;
  }

  /** Line number inside the flash array, or -1 when `address` is not flash. */
  private flashLine(address: number): number {
    const a = address >>> 0;
    const ranges = this.ranges;
    for (let k = 0; k < ranges.length; k++) {
      const r = ranges[k]!;
      if (a >= r.start && a < r.end) return (a - r.start + r.offset) >>> this.lineShift;
    }
    return -1;
  }

  fetchLine(address: number, now: number): number {
    const ws = this.waitStates;
    if (ws === 0) return 0;
    const line = this.flashLine(address);
    if (line < 0) return 0;
    let stall: number;
    if (this.icacheOn && this.icache.access(line)) {
      this.stats.icacheHits++;
      stall = 0;
    } else if (this.prefetchOn && line === this.prefetchLine) {
      this.stats.prefetchHits++;
      stall = this.prefetchReady > now ? this.prefetchReady - now : 0;
    } else {
      this.stats.fetchLineReads++;
      stall = ws;
    }
    if (this.prefetchOn) {
      this.prefetchLine = line + 1;
      this.prefetchReady = now + stall + ws + 1;
    }
    this.stats.fetchStallCycles += stall;
    return stall;
  }

  dataRead(address: number, now: number): number {
    const ws = this.waitStates;
    if (ws === 0) return 0;
    const line = this.flashLine(address);
    if (line < 0) return 0;
    if (this.dcacheOn && this.dcache.access(line)) {
      this.stats.dcacheHits++;
      return 0;
    }
    this.stats.dataReads++;
    this.stats.dataStallCycles += ws;
    // D-Code has priority over I-Code (RM0090 §3.5.2): a prefetch in flight finishes one read later.
    if (this.prefetchLine >= 0 && this.prefetchReady > now) this.prefetchReady += ws + 1;
    return ws;
  }
}
