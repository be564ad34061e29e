// The detector on its default board (stm32f411re) in mcusim: the app programs the PLL to 100 MHz with
// the ART on, writes the frame and layer markers of firmware/nn/LAYER-TABLE.md on ITM port 1 only
// when a debugger enabled the ITM, and the markers nest frame > layers 0..n-1 in order.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MCUSIM_BIN } from '../support/driver.js';
import { REPO_ROOT } from '../../src/codegen/firmware-build.js';
import { buildDetector, runInMcusim, type McusimRun } from './detector-support.js';
import type { FirmwareBuild } from '../../src/codegen/firmware-build.js';

const SAMPLE = join(REPO_ROOT, 'firmware/frames/sample.bin');
const SAMPLE_FRAMES = 8;
const kind = (word: number) => word >>> 24;
const index = (word: number) => word & 0xffffff;

let build: FirmwareBuild;
let traced: McusimRun;

beforeAll(async () => {
  build = await buildDetector('stm32f411re');
  traced = await runInMcusim(build.elfPath, 'stm32f411re', [SAMPLE], { markers: true });
}, 600_000);

describe('detector on stm32f411re', () => {
  it('runs at 100 MHz and prints one detection line per sample frame', () => {
    expect(traced.exitCode).toBe(0);
    expect(traced.result.coreClockHz).toBe(100e6);
    const lines = traced.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/:.*/, ''))).toEqual(Array.from({ length: SAMPLE_FRAMES }, (_, k) => `frame ${k}`));
    expect(lines[0]).toBe('frame 0: 0 people'); // the empty room with a sun patch (firmware/frames/README.md)
  });

  it('markers: frame start, layer i start/end for every layer in order, frame end; cycles increase', () => {
    const words = traced.markers.map((m) => m.word);
    const expected: number[] = [];
    for (let f = 0; f < SAMPLE_FRAMES; f++) {
      expected.push(0x03000000 | f);
      for (let i = 0; i < build.layers; i++) expected.push(0x01000000 | i, 0x02000000 | i);
      expected.push(0x04000000 | f);
    }
    expect(words).toEqual(expected);
    for (let k = 1; k < traced.markers.length; k++) expect(traced.markers[k]!.cycles).toBeGreaterThanOrEqual(traced.markers[k - 1]!.cycles);
    // Inference is the bulk of each frame's time, and the layers account for nearly all of it.
    const starts = traced.markers.filter((m) => kind(m.word) === 3), ends = traced.markers.filter((m) => kind(m.word) === 4);
    const perFrame = starts.map((s, f) => ends[f]!.cycles - s.cycles);
    let inLayers = 0, open = 0;
    for (const m of traced.markers) {
      if (kind(m.word) === 1) open = m.cycles;
      if (kind(m.word) === 2) inLayers += m.cycles - open;
    }
    const total = perFrame.reduce((a, b) => a + b, 0);
    expect(inLayers / total).toBeGreaterThan(0.97);
    expect(total / traced.result.cycles).toBeGreaterThan(0.8);
    expect(index(ends.at(-1)!.word)).toBe(SAMPLE_FRAMES - 1);
  });

  it('without a debugger enabling the ITM no marker is written and the output is the same', async () => {
    const plain = await runInMcusim(build.elfPath, 'stm32f411re', [SAMPLE]);
    expect(plain.markers).toEqual([]);
    expect(plain.stdout).toBe(traced.stdout);
    expect(plain.exitCode).toBe(0);
  }, 300_000);

  it('the demo (`mcusim run` with no ELF) builds or reuses this firmware and prints the same detections', () => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(traced.stdout);
    expect(r.stderr).toMatch(/demo: the shipped detector for stm32f411re \((cached build|built) .*stm32f411re-O2-[0-9a-f]{16}\/detector\.elf\)/);
  }, 600_000);

  it('the STM32L432KC build (64 KB SRAM) runs at 80 MHz from MSI through the PLL and prints the same detections', async () => {
    const l432 = await buildDetector('stm32l432kc');
    const run = await runInMcusim(l432.elfPath, 'stm32l432kc', [SAMPLE]);
    expect(run.exitCode).toBe(0);
    expect(run.result.coreClockHz).toBe(80e6);
    expect(run.stdout).toBe(traced.stdout);
  }, 300_000);
});
