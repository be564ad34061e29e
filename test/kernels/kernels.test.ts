// The Cortex-M4 int8 kernels (firmware/nn/kernels) against the host int8 reference
// (src/nn/quant/int8-ops.ts), bit for bit: every detector layer shape on the STM32F411 at 100 MHz with
// the ART on (mcusim), random odd shapes in mcusim and in QEMU (the same ELF, the same verdicts).
import { describe, expect, it } from 'vitest';
import { runQemu } from '../support/qemu.js';
import { DETECTOR_CASES, randomCases } from './kernel-cases.js';
import { buildKernelProgram, parseResults, runInMcusim } from './run-kernels.js';

describe('int8 kernels on the Cortex-M4', () => {
  it('compute every detector layer shape exactly as the host reference (mcusim on stm32f411re at 100 MHz with the ART on, and QEMU)', async () => {
    const elf = await buildKernelProgram('kernels-detector', DETECTOR_CASES, 1, 'stm32f411re');
    const run = runInMcusim(elf, 'stm32f411re');
    expect(run.results.map((r) => r.index)).toEqual(DETECTOR_CASES.map((_, i) => i));
    expect(run.results.filter((r) => !r.ok).map((r) => `${DETECTOR_CASES[r.index]!.name}: ${r.line}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const r of run.results) expect(r.cycles).toBeGreaterThan(0);
    // The same cases built for QEMU's board: the functional oracle agrees on every verdict.
    const qemuElf = await buildKernelProgram('kernels-detector-mps2', DETECTOR_CASES, 1, 'mps2-an386');
    const qemu = await runQemu(qemuElf, { args: ['hsi16', 'none'], timeoutMs: 60_000 });
    expect(parseResults(qemu.stdout.toString()).map((r) => [r.index, r.ok])).toEqual(DETECTOR_CASES.map((_, i) => [i, true]));
    expect(qemu.exitCode).toBe(0);
  }, 180_000);

  it('compute random odd shapes (channels % 4 != 0, strides, slices) exactly, in mcusim and in QEMU', async () => {
    const cases = randomCases(7, 48);
    const elf = await buildKernelProgram('kernels-random', cases, 2, 'mps2-an386');
    const sim = runInMcusim(elf, 'mps2-an386');
    expect(sim.results.filter((r) => !r.ok).map((r) => `${cases[r.index]!.name}: ${r.line}`)).toEqual([]);
    expect(sim.results).toHaveLength(cases.length);
    expect(sim.exitCode).toBe(0);
    const qemu = await runQemu(elf, { args: ['hsi16', 'none'], timeoutMs: 60_000 });
    const oracle = parseResults(qemu.stdout.toString());
    expect(oracle.map((r) => [r.index, r.ok])).toEqual(cases.map((_, i) => [i, true]));
    expect(qemu.exitCode).toBe(0);
  }, 120_000);

  it('stay exact at -Os and at -O0 (where the C fallbacks of the asm paths run)', async () => {
    const cases = randomCases(13, 24);
    for (const opt of ['Os', 'O0'] as const) {
      const elf = await buildKernelProgram(`kernels-random-${opt}`, cases, 5, 'mps2-an386', opt);
      const run = runInMcusim(elf, 'mps2-an386');
      expect(run.results.filter((r) => !r.ok).map((r) => `${opt} ${cases[r.index]!.name}: ${r.line}`)).toEqual([]);
      expect(run.results).toHaveLength(cases.length);
      expect(run.exitCode).toBe(0);
    }
  }, 120_000);

  it('catch a single wrong byte (the harness can fail)', async () => {
    const cases = randomCases(11, 4);
    const elf = await buildKernelProgram('kernels-canary', cases, 3, 'mps2-an386', 'O2', 2);
    const run = runInMcusim(elf, 'mps2-an386');
    expect(run.results.map((r) => r.ok)).toEqual([true, true, false, true]);
    expect(run.exitCode).toBe(1);
  }, 60_000);
});
