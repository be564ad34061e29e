// Flash wait states and the ART accelerator on the STM32F411 (RM0383 §3.4 Table 5, §3.5; RM0090 §3.5.2
// describes the same accelerator), with the benchmark firmware setting the clock itself: HSE 8 MHz ->
// PLL 100 MHz and FLASH_ACR.LATENCY = 3 (Table 5: 90-100 MHz at 2.7-3.6 V), then the ART bits.
// Expected counts are worked out from the RM's description, reasoning beside each:
//  - a flash read takes LATENCY+1 = 4 cycles; moving into a line that is not in the line buffer, the
//    prefetch buffer or the I-cache stalls the core 3 cycles ("at least the number of wait states");
//  - with PRFTEN the next sequential line is read as soon as the current one arrives, so sequential
//    code stalls only if it runs through a line in fewer than 4 cycles ("at least four CPU cycles");
//  - with ICEN a line once read is served "without inserting any delay"; with DCEN the same for data.
// Frame (firmware/bench/timing/flash.S): every function starts on a 16-byte line; its prologue and
// START fill line 0, so the sequence starts on line 1. Zero-wait cost T0 = LDR 2 + MOV 1 + sequence
// + MOV 1, as in micro.test.ts.
import { describe, expect, it } from 'vitest';
import { runTimingFirmware, type TimingRun } from './harness.js';

type Row = [name: string, cold: number, warm: number, why: string];

const ZERO_WAIT: Row[] = [
  ['empty', 4, 4, 'T0 = 2 + 1 + 1'],
  ['straight16', 68, 68, '64 ADDS (16-bit) = 64'],
  ['straight32', 36, 36, '32 ADD.W = 32'],
  ['loop', 83, 83, '8 x (7 ADDS + SUBS + BNE taken 2) - 1 for the last BNE not taken = 79'],
  ['literal', 10, 10, 'LDR 2 + ADDS 1 + LDR 2 + ADDS 1 = 6'],
];

const AT_100MHZ: Record<string, Row[]> = {
  off: [
    ['empty', 7, 7, 'END MOV enters line 1: +3'],
    ['straight16', 95, 95, '64 + 9 line entries (lines 1-8, END on line 9) x 3'],
    ['straight32', 63, 63, '32 + 9 x 3'],
    ['loop', 131, 131, '79 + every iteration enters line 1 and line 2 (8 x 2 x 3 = 48); END MOV shares line 2'],
    ['literal', 19, 19, '6 + line 1 entry 3 + two D-Code flash reads x 3'],
  ],
  prefetch: [
    ['empty', 4, 4, 'line 1 was prefetched during the prologue: no stall'],
    ['straight16', 68, 68, '8 cycles per line >= 4: prefetch keeps up'],
    ['straight32', 36, 36, '4 cycles per line = 4: prefetch just keeps up'],
    ['loop', 104, 104, 'iteration 1 sequential (no stall); iterations 2-8 branch back to line 1, not the prefetched line: 7 x 3'],
    ['literal', 16, 16, 'fetch hidden; two D-Code reads x 3 (no D-cache)'],
  ],
  icache: [
    ['empty', 7, 4, 'cold: miss on line 1; warm: I-cache hit'],
    ['straight16', 95, 68, 'cold as with the ART off; warm: every line hits'],
    ['straight32', 63, 36, 'cold as with the ART off; warm: every line hits'],
    ['loop', 89, 83, 'cold: lines 1 and 2 miss once (2 x 3), then hit; warm: all hit'],
    ['literal', 19, 16, 'D-Code reads are not I-cached: 2 x 3 every time'],
  ],
  dcache: [
    ['empty', 7, 7, 'no instruction-side help: as with the ART off'],
    ['straight16', 95, 95, 'as with the ART off'],
    ['straight32', 63, 63, 'as with the ART off'],
    ['loop', 131, 131, 'as with the ART off'],
    ['literal', 13, 13, 'the literal shares its flash line with the CYCCNT-address literal START read: D-cache hits'],
  ],
  art: [
    ['empty', 4, 4, 'prefetch + caches: zero-wait'],
    ['straight16', 68, 68, 'prefetch keeps up'],
    ['straight32', 36, 36, 'prefetch keeps up'],
    ['loop', 83, 83, 'iteration 1: lines 1, 2 arrive by prefetch; later iterations hit the I-cache'],
    ['literal', 10, 10, 'D-cache hits'],
  ],
};

function check(run: TimingRun, rows: Row[]): void {
  for (const [name, cold, warm, why] of rows) {
    expect(run.cycles.get(`flash_${name}`), `${name}: ${why}`).toEqual([cold, warm]);
  }
}

describe('STM32F411 flash timing', () => {
  it('at the 16 MHz reset clock (0 WS) flash code runs at the zero-wait counts', async () => {
    const run = await runTimingFirmware('stm32f411re', 'hsi16', 'off');
    check(run, ZERO_WAIT);
    expect(run.cycles.get('clock')).toEqual([16_000_000]);
    expect(run.result.coreClockHz).toBe(16_000_000);
  }, 120_000);

  it.each(Object.entries(AT_100MHZ))('at 100 MHz, 3 WS, FLASH_ACR accelerator bits: %s', async (mode, rows) => {
    const run = await runTimingFirmware('stm32f411re', 'pll100', mode);
    check(run, rows);
    // SystemCoreClock as the start-up code set it agrees with the clock mcusim derives from RCC.
    expect(run.cycles.get('clock')).toEqual([100_000_000]);
    expect(run.result.coreClockHz).toBe(100_000_000);
    expect(run.result.warnings.filter((w) => w.includes('LATENCY'))).toEqual([]);
  }, 120_000);

  it('keeps the DWT identity CYCCNT = instructions + CPICNT + LSUCNT + EXCCNT + SLEEPCNT - FOLDCNT (ARMv7-M C1.8)', async () => {
    const run = await runTimingFirmware('stm32f411re', 'pll100', 'off');
    const cpu = run.result.machine.cpu;
    const s = cpu.stalls;
    expect(cpu.cycles).toBe(cpu.instructions + s.cpi + s.lsu + s.exc + s.sleep - s.fold);
    const breakdown = run.result.machine.timing.stallBreakdown();
    expect(Object.values(breakdown).reduce((a, b) => a + b, 0)).toBe(s.cpi + s.lsu + s.exc);
    expect(breakdown.flashWait).toBeGreaterThan(0);
  }, 120_000);
});
