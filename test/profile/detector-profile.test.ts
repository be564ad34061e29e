// The profiler on the shipped int8 detector (mcusim build, stm32f411re, the sample frames): per-layer
// cycles add up to each frame's inference cycles within the markers' own cost, per-function cycles
// add up to the run, and the weights per layer are the symbols `arm-none-eabi-nm -S` sizes.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MCUSIM_BIN } from '../support/driver.js';
import { REPO_ROOT } from '../support/toolchain.js';
import { runProfiled, type ProfiledRun } from './support.js';

/** One mark() of the detector (firmware/nn/app/markers.h): guard loads, FIFO wait, store. */
const MARKER_COST_MAX_CYCLES = 40;
let elf: string;
let run: ProfiledRun;

beforeAll(async () => {
  const b = spawnSync(process.execPath, [MCUSIM_BIN, 'build', '--board', 'stm32f411re'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
  if (b.status !== 0) throw new Error(`mcusim build failed: ${b.stderr}`);
  elf = b.stdout.trim().split('\n').pop()!;
  run = runProfiled(elf, 'stm32f411re', { args: [join(REPO_ROOT, 'firmware/frames/sample.bin')] });
}, 600_000);

describe('profiling the int8 detector', () => {
  it('runs every layer of every frame', () => {
    expect(run.exitCode).toBe(0);
    const L = run.report.layers!;
    const frames = run.report.frames!.count;
    expect(frames).toBeGreaterThan(1);
    expect(L.rows.length).toBeGreaterThan(10);
    expect(L.rows.every((r) => r.runs === frames)).toBe(true);
    expect(L.markers).toBe(frames * (2 + 2 * L.rows.length));
  });

  it('per-layer cycles add up to the inference cycles within the markers\' own cost', () => {
    const L = run.report.layers!;
    const F = run.report.frames!;
    const inference = F.perFrame.reduce((s, f) => s + f.inferenceCycles, 0);
    const inLayers = L.rows.reduce((s, r) => s + r.totalCycles, 0);
    expect(inference - inLayers).toBe(L.markerOverheadCycles);
    const gaps = F.count * (L.rows.length + 1);
    expect(L.markerOverheadCycles).toBeGreaterThan(0);
    expect(L.markerOverheadCycles).toBeLessThanOrEqual(gaps * MARKER_COST_MAX_CYCLES);
  });

  it('per-function exclusive cycles add up to the run\'s cycles', () => {
    const f = run.report.functions!;
    expect(f.rows.reduce((s, r) => s + r.selfCycles, 0)).toBe(run.report.run.cycles);
    expect(f.rows.reduce((s, r) => s + r.selfInstructions, 0)).toBe(run.report.run.instructions);
  });

  it('weights per layer equal the weight symbols\' sizes from arm-none-eabi-nm -S', () => {
    const nm = execFileSync('arm-none-eabi-nm', ['-S', elf], { encoding: 'utf8' });
    const size = new Map(nm.split('\n').map((l) => /^[0-9a-f]{8} ([0-9a-f]{8}) \S (\S+)$/.exec(l)).filter((m) => m !== null).map((m) => [m![2]!, parseInt(m![1]!, 16)]));
    const withWeights = run.report.layers!.rows.filter((r) => r.weightBytes > 0);
    expect(withWeights.length).toBeGreaterThan(5);
    for (const r of withWeights) {
      expect(r.weightSymbol, r.name).not.toBeNull();
      expect(r.weightBytes, r.name).toBe(size.get(r.weightSymbol!));
    }
  });
});
