// Translated blocks (src/cpu/block-compiler.ts) must be invisible: the same firmware run with block
// translation on (translating at the first run of a block, so nearly all code goes through it, and
// at the default threshold) and off (interpreter only) gives the same output, exit code, instruction
// and cycle counts, stall breakdown and DWT counter totals, on zero-wait mps2-an386 and on
// stm32f411re with flash wait states and the ART (line-change fetch stalls), with SysTick
// interrupts and faults arriving inside blocks, with code patched after it was translated
// (firmware/tests/selfmod.c), and with cycle and instruction limits hit mid-block.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf, buildTestProgram, FIRMWARE_DIR } from '../support/toolchain.js';
import { runElf, type RunOptions } from '../../src/sim/runner.js';
import { Cpu } from '../../src/cpu/cpu.js';
import { Bus } from '../../src/mcu/bus.js';
import { createRegion } from '../../src/cpu/memory.js';
import { assemble } from '../support/step.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { BLOCKS_PER_DOUBLING, FREE_BLOCKS } from '../../src/cpu/block-compiler.js';

type Mode = { translateBlocks: boolean; blockThreshold?: number };
const MODES: Record<string, Mode> = {
  interpreter: { translateBlocks: false },
  'blocks at first run': { translateBlocks: true, blockThreshold: 1 },
  'blocks when hot': { translateBlocks: true },
};

function observe(elf: string, board: string, mode: Mode, extra: Partial<RunOptions> = {}) {
  let out = '';
  const r = runElf({
    board: loadBoard(board), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf,
    stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: () => {}, ...mode, ...extra,
  });
  const cpu = r.machine.cpu;
  return {
    stop: r.stop, exitCode: r.exitCode, out, instructions: r.instructions, cycles: r.cycles,
    // r[15] is scratch (the executing instruction's address + 4, set only where an instruction reads it)
    pc: cpu.pc, regs: Array.from(cpu.r.subarray(0, 15)), apsr: cpu.apsr, fp: Array.from(cpu.sBits), fpscr: cpu.fpscr, stalls: { ...cpu.stalls }, breakdown: r.machine.timing.stallBreakdown(),
    exceptionsTaken: r.exceptionsTaken,
  };
}

function expectSameEverywhere(elf: string, board: string, extra: Partial<RunOptions> = {}) {
  const [reference, ...others] = Object.entries(MODES).map(([name, mode]) => ({ name, run: observe(elf, board, mode, extra) }));
  for (const o of others) expect(o.run, `${o.name} vs interpreter`).toEqual(reference!.run);
  return reference!.run;
}

describe('block translation', () => {
  it('matches the interpreter on C programs (interrupts, faults, FP, DSP, division)', async () => {
    for (const name of ['systick_irq', 'faults', 'exc_faults', 'exc_nvic', 'exc_svc_psp', 'exc_fp', 'selfmod', 'float_math', 'dsp', 'division', 'int_arith']) {
      for (const opt of ['O0', 'O2'] as const) {
        const elf = await buildTestProgram(name, { opt, float: 'hard' });
        const run = expectSameEverywhere(elf, 'mps2-an386');
        expect(run.stop, `${name} -${opt}: ${run.out}`).toBe('exit');
      }
    }
  }, 240_000);

  it('matches the interpreter cycle for cycle with flash wait states and the ART', async () => {
    const sources = ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f));
    const elf = await buildElf({ name: 'coremark-lite', sources, variant: { opt: 'O2', float: 'hard' }, board: 'stm32f411re' });
    for (const acr of ['art', 'prefetch', 'off']) {
      const run = expectSameEverywhere(elf, 'stm32f411re', { args: ['pll100', acr] });
      expect(run.exitCode).toBe(0);
      expect(run.breakdown.flashWait).toBeGreaterThan(0);
    }
  }, 240_000);

  it('gives every timing micro-benchmark sequence (TRM / silicon rules) the interpreter\'s cycles', async () => {
    // Each sequence in seqs.S exercises one pipelining rule; with translation at first run every
    // sequence runs as a block, so the class-specialised cost paths meet each rule.
    const dir = join(FIRMWARE_DIR, 'bench', 'timing');
    for (const board of ['mps2-an386', 'stm32f411re'] as const) {
      const elf = await buildElf({
        name: 'timing-micro', sources: ['micro.c', 'clock.c', 'seqs.S', 'flash.S'].map((f) => join(dir, f)),
        variant: { opt: 'O2', float: 'hard' }, board, extraFlags: [`-I${dir}`],
      });
      const args = board === 'mps2-an386' ? ['hsi16', 'none'] : ['pll100', 'art'];
      expect(expectSameEverywhere(elf, board, { args }).exitCode).toBe(0);
    }
  }, 120_000);

  it('stops at exactly the same instruction when a cycle or instruction limit falls inside a block', async () => {
    const elf = await buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' } });
    for (const limit of [1_000_003, 2_500_001]) {
      expect(expectSameEverywhere(elf, 'mps2-an386', { maxCycles: limit }).stop).toBe('cycle-limit');
      expect(expectSameEverywhere(elf, 'mps2-an386', { maxInstructions: limit }).instructions).toBe(limit);
    }
    // coremark-lite runs many IT blocks: limits landing on each position inside them
    const sources = ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f));
    const cm = await buildElf({ name: 'coremark-lite', sources, variant: { opt: 'O2', float: 'hard' }, board: 'mps2-an386' });
    for (let limit = 200_000; limit < 200_006; limit++) {
      expect(expectSameEverywhere(cm, 'mps2-an386', { maxInstructions: limit, args: ['hsi16', 'none'] }).instructions).toBe(limit);
      expect(expectSameEverywhere(cm, 'mps2-an386', { maxCycles: limit, args: ['hsi16', 'none'] }).stop).toBe('cycle-limit');
    }
  }, 120_000);

  it('runs a block at the address it is reached at when flash is seen through an alias', () => {
    // The same flash bytes at 0x08000000 and 0x00000000 share decoded instructions; ADR's result
    // depends on the address the loop runs at, so a block built for one alias must not run for the other.
    const code = assemble('loop:\n adr r1, data\n adds r0, #1\n cmp r0, #100\n bne loop\nstop: b stop\n.align 2\ndata: .word 0');
    const bus = new Bus();
    const flash = createRegion('flash', 0x08000000, 0x1000, 'flash');
    bus.mapRegion(flash);
    bus.mapRegion(flash, 0);
    bus.writeBytes(0x08000000, code);
    const cpu = new Cpu(bus);
    cpu.blockThreshold = 1;
    for (const base of [0x08000000, 0, 0x08000000]) {
      cpu.pc = base;
      cpu.r[0] = 0;
      cpu.run(402);
      expect(cpu.r[0]).toBe(100);
      expect(cpu.r[1]! - base, `loop run at 0x${base.toString(16)}`).toBe(12);
    }
  });

  it('translates the first FREE_BLOCKS blocks at the threshold, then fewer and fewer (same results)', () => {
    // 300 two-instruction blocks (ADDS; B next), each entered 8 times: at threshold 1 the first
    // FREE_BLOCKS are translated, then the threshold doubles every BLOCKS_PER_DOUBLING blocks, so
    // once it passes 8 no further block is translated (code with many warm blocks stays interpreted).
    const CHUNKS = 300, ROUNDS = 8;
    const chunks = Array.from({ length: CHUNKS }, (_, k) => `c${k}: adds r0, #1\n b c${k + 1}`).join('\n');
    const code = assemble(`movs r2, #${ROUNDS}\nc0pre: b c0\n${chunks}\nc${CHUNKS}: subs r2, #1\n bne c0\nstop: b stop`);
    const run = (translate: boolean) => {
      const bus = new Bus();
      bus.mapRegion(createRegion('flash', 0, 0x4000, 'flash'));
      bus.writeBytes(0, code);
      const cpu = new Cpu(bus);
      cpu.translateBlocks = translate;
      cpu.blockThreshold = 1;
      cpu.pc = 0;
      cpu.run(2 + ROUNDS * (2 * CHUNKS + 2));
      let translated = 0;
      for (let k = 0; k < CHUNKS; k++) if (cpu.fetch(4 + 4 * k).block !== null) translated++;
      return { r0: cpu.r[0], pc: cpu.pc, cycles: cpu.cycles, instructions: cpu.instructions, translated };
    };
    const blocks = run(true), interpreted = run(false);
    expect(blocks.r0).toBe(CHUNKS * ROUNDS);
    expect({ ...blocks, translated: 0 }).toEqual(interpreted);
    // thresholds 1, 2, 4, 8 are reached within 8 entries, 16 is not: translation stops after
    // FREE_BLOCKS + 4 doublings' worth of heads (two of which are the entry and round-end blocks)
    expect(blocks.translated).toBeGreaterThanOrEqual(FREE_BLOCKS + 4 * BLOCKS_PER_DOUBLING - 2);
    expect(blocks.translated).toBeLessThanOrEqual(FREE_BLOCKS + 4 * BLOCKS_PER_DOUBLING);
  });
});
