// The profiler on its marker test program (firmware/tests/profile): per-layer cycles against the
// inference cycles, per-function sums against the run's totals, memory against arm-none-eabi-size -A
// and nm -S, stack and heap high-water against the program's own measures, and the same results
// with and without block translation. QEMU runs the same ELF (no ITM there: no markers) with the same
// output.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { runQemu } from '../support/qemu.js';
import { buildMarkerProgram, runProfiled, type ProfiledRun } from './support.js';

const LAYERS = ['stem.conv', 'stage1.dw', 'stage1.pw', 'head.fc'];
const WEIGHTS: Record<string, string> = { 'stem.conv': 'w_stem', 'stage1.dw': 'w_dw', 'stage1.pw': 'w_pw', 'head.fc': 'w_fc' };
const FRAMES = 4;
/** One mark(): three guard loads, the FIFO-ready load and the store, with their branches (~12 instructions). */
const MARKER_COST_MAX_CYCLES = 40;

let elf: string;
let blocks: ProfiledRun;
let interpreted: ProfiledRun;

beforeAll(async () => {
  elf = await buildMarkerProgram('stm32f411re');
  blocks = runProfiled(elf, 'stm32f411re');
  interpreted = runProfiled(elf, 'stm32f411re', { translate: false });
}, 120_000);

const stdoutValue = (out: string, key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(out)?.[1]);

describe('marker test program: layers and frames', () => {
  it('reads the layer table and times every layer of every frame', () => {
    const L = blocks.report.layers!;
    expect(L.rows.map((r) => r.name)).toEqual(LAYERS);
    expect(L.rows.map((r) => r.runs)).toEqual(LAYERS.map(() => FRAMES));
    expect(L.rows.map((r) => r.macs)).toEqual([16 * 16 * 8 * 9, 8 * 8 * 8 * 9, 8 * 8 * 16 * 8, 8 * 8 * 16 * 4]);
    expect(L.markers).toBe(FRAMES * (2 + 2 * LAYERS.length));
    expect(blocks.report.frames!.count).toBe(FRAMES);
  });

  it('per-layer cycles add up to the inference cycles within the markers\' own cost, which is shown', () => {
    const L = blocks.report.layers!;
    const F = blocks.report.frames!;
    const inference = F.perFrame.reduce((s, f) => s + f.inferenceCycles, 0);
    const inLayers = L.rows.reduce((s, r) => s + r.totalCycles, 0);
    expect(inference - inLayers).toBe(L.markerOverheadCycles);
    // Per frame: 5 gaps between markers (frame start -> layer 0, 3 between layers, layer 3 -> frame end).
    const gaps = FRAMES * (LAYERS.length + 1);
    expect(L.markerOverheadCycles).toBeGreaterThan(0);
    expect(L.markerOverheadCycles / gaps).toBeLessThanOrEqual(MARKER_COST_MAX_CYCLES);
    // The work per layer is what the table says: stem.conv's 18,432 MACs cost the most.
    expect(Math.max(...L.rows.map((r) => r.cycles))).toBe(L.rows[0]!.cycles);
  });

  it('frame statistics: mean, median, p95, max of the inference, frame I/O apart', () => {
    const F = blocks.report.frames!;
    const inf = F.perFrame.map((f) => f.inferenceCycles).sort((a, b) => a - b);
    expect(F.inference.maxCycles).toBe(inf[inf.length - 1]);
    expect(F.inference.p95Cycles).toBe(inf[inf.length - 1]); // nearest rank of 4 values
    expect(F.inference.medianCycles).toBe((inf[1]! + inf[2]!) / 2);
    expect(F.inference.meanCycles).toBeCloseTo(inf.reduce((s, x) => s + x, 0) / inf.length, 6);
    expect(F.io.meanCycles).toBeGreaterThan(0);
    const last = F.perFrame[FRAMES - 1]!;
    expect(F.perFrame.every((f) => f.ioCyclesBefore > 0)).toBe(true);
    expect(last.inferenceCycles).toBeGreaterThan(0);
  });
});

describe('marker test program: functions', () => {
  it('per-function exclusive cycles and instructions add up to the run totals', () => {
    const f = blocks.report.functions!;
    expect(f.rows.reduce((s, r) => s + r.selfCycles, 0)).toBe(blocks.report.run.cycles);
    expect(f.totalCycles).toBe(blocks.report.run.cycles);
    expect(f.rows.reduce((s, r) => s + r.selfInstructions, 0)).toBe(blocks.report.run.instructions);
    const stalls = blocks.report.run.stallCycles;
    for (const cause of Object.keys(stalls) as (keyof typeof stalls)[]) {
      expect(f.rows.reduce((s, r) => s + r.stallCycles[cause], 0), cause).toBe(stalls[cause]);
    }
  });

  it('calls, inclusive cycles and recursion: main holds nearly everything, deep_sum recurses 6 deep per frame', () => {
    const rows = blocks.report.functions!.rows;
    const row = (prefix: string) => rows.find((r) => r.name === prefix || r.name.startsWith(`${prefix}.`))!;
    expect(row('stem_conv').calls).toBe(FRAMES);
    expect(row('deep_sum').calls).toBe(FRAMES * 6);
    expect(row('main').calls).toBe(1);
    // Inclusive time of a recursive function counts each cycle once.
    expect(row('deep_sum').totalCycles).toBe(row('deep_sum').selfCycles);
    expect(row('head_fc').totalCycles).toBeGreaterThan(row('head_fc').selfCycles + row('deep_sum').selfCycles - 1);
    expect(row('main').totalCycles).toBeGreaterThan(0.95 * blocks.report.run.cycles);
    // The layer's cycles between its markers contain its kernel's inclusive cycles.
    const stem = blocks.report.layers!.rows[0]!;
    expect(stem.totalCycles).toBeGreaterThanOrEqual(row('stem_conv').totalCycles);
    expect(stem.totalCycles - row('stem_conv').totalCycles).toBeLessThan(FRAMES * MARKER_COST_MAX_CYCLES);
  });

  it('gives identical results with --translate 0 (interpreter) and with block translation', () => {
    expect(interpreted.report.run.cycles).toBe(blocks.report.run.cycles);
    expect(interpreted.report.functions).toEqual(blocks.report.functions);
    expect(interpreted.report.layers).toEqual(blocks.report.layers);
    expect(interpreted.report.frames).toEqual(blocks.report.frames);
    expect(interpreted.report.memory).toEqual(blocks.report.memory);
  });
});

describe('marker test program: memory', () => {
  it('flash per section equals arm-none-eabi-size -A', () => {
    const out = execFileSync('arm-none-eabi-size', ['-A', elf], { encoding: 'utf8' });
    const size = new Map(out.split('\n').map((l) => /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(l)).filter((m) => m !== null).map((m) => [m![1]!, Number(m![2])]));
    const mem = blocks.report.memory!;
    for (const s of mem.sections) expect(s.bytes, s.name).toBe(size.get(s.name));
    const flashSections = ['.isr_vector', '.text', '.ARM.exidx', '.init_array', '.fini_array', '.data'];
    expect(mem.sections.filter((s) => s.flashBytes > 0).map((s) => s.name).sort()).toEqual([...flashSections].sort());
    expect(mem.flashBytes).toBe(flashSections.reduce((t, n) => t + size.get(n)!, 0));
    expect(mem.dataBytes).toBe(size.get('.data'));
    expect(mem.bssBytes).toBe(size.get('.bss'));
    // The layer table is not allocated: it costs no flash or SRAM.
    expect(mem.sections.find((s) => s.name === '.mcusim.layers')).toBeUndefined();
    expect(size.get('.mcusim.layers')).toBe(32 + 96 * LAYERS.length);
  });

  it('symbol sizes and per-layer weight sizes equal arm-none-eabi-nm -S', () => {
    const nm = execFileSync('arm-none-eabi-nm', ['-S', elf], { encoding: 'utf8' });
    const sized = nm.split('\n').map((l) => /^([0-9a-f]{8}) ([0-9a-f]{8}) [tTdDbBrRwW] (\S+)$/.exec(l)).filter((m) => m !== null);
    const bySymbol = new Map(sized.map((m) => [`${m![3]}@${parseInt(m![1]!, 16) & ~1}`, parseInt(m![2]!, 16)]));
    const mem = blocks.report.memory!;
    expect(mem.symbols.length).toBeGreaterThan(100);
    for (const s of mem.symbols) expect(s.bytes, s.name).toBe(bySymbol.get(`${s.name}@${s.address}`));
    for (const row of blocks.report.layers!.rows) {
      const sym = sized.find((m) => m![3] === WEIGHTS[row.name])!;
      expect(row.weightSymbol).toBe(WEIGHTS[row.name]);
      expect(row.weightSymbolBytes).toBe(parseInt(sym[2]!, 16));
      expect(row.weightBytes).toBe(parseInt(sym[2]!, 16));
    }
  });

  it('stack high-water equals the program\'s painted-stack measure within 64 bytes; the deepest layer is head.fc', () => {
    const painted = stdoutValue(blocks.stdout, 'stack_painted_bytes');
    const stack = blocks.report.memory!.stack!;
    expect(painted).toBeGreaterThan(1000);
    expect(Math.abs(stack.highWaterBytes - painted)).toBeLessThanOrEqual(64);
    const perLayer = blocks.report.layers!.rows.map((r) => r.stackHighWaterBytes!);
    expect(Math.max(...perLayer)).toBe(perLayer[3]);
    expect(perLayer[3]).toBeLessThanOrEqual(stack.highWaterBytes);
  });

  it('heap high-water equals what the program asked of sbrk', () => {
    expect(blocks.report.memory!.heap!.highWaterBytes).toBe(stdoutValue(blocks.stdout, 'heap_sbrk_bytes'));
  });

  it('arena: planned from the table, measured from the bytes the layers changed', () => {
    const A = blocks.report.layers!.arena;
    expect(A.plannedBytes).toBe(256 + 16 * 16 * 8);
    expect(A.measuredPeakBytes).toBeGreaterThan(A.plannedBytes - 64);
    expect(A.measuredPeakBytes).toBeLessThanOrEqual(A.plannedBytes);
    const written = blocks.report.layers!.rows.map((r) => r.arenaBytesWritten);
    expect(written[0]).toBeGreaterThan(1800); // stem.conv writes its 2,048-byte output
    expect(written[0]).toBeLessThanOrEqual(2048);
  });
});

describe('marker test program in QEMU', () => {
  it('runs unchanged where the ITM is absent: same stdout, exit 0', async () => {
    const qelf = await buildMarkerProgram('mps2-an386');
    const q = await runQemu(qelf, { timeoutMs: 60_000 });
    const m = runProfiled(qelf, 'mps2-an386');
    expect(q.exitCode).toBe(0);
    expect(m.exitCode).toBe(0);
    expect(m.stdout).toBe(q.stdout.toString('latin1'));
    expect(m.report.layers!.markers).toBe(FRAMES * 10);
  }, 120_000);
});
