// The execution observer (src/cpu/observer.ts): a profiler attached to the core sees the same
// stream of retired instructions and exception entries/returns, with the same cycles, whether the
// code runs in the interpreter or in translated blocks; and with no observer attached, translated
// blocks contain no observer code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf, buildTestProgram, FIRMWARE_DIR } from '../support/toolchain.js';
import { runElf, type RunOptions } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import type { ExecutionObserver } from '../../src/cpu/observer.js';
import { loadThumb } from '../support/step.js';

/** Cycles and retirements per instruction address, and the exception events in order with their cycle counts. */
class Recorder implements ExecutionObserver {
  readonly cyclesAt = new Map<number, number>();
  readonly countAt = new Map<number, number>();
  readonly exceptions: string[] = [];
  instructions = 0;
  private last = 0;
  constructor(private readonly now: () => number) {}
  private delta(): number {
    const now = this.now();
    const d = now - this.last;
    this.last = now;
    return d;
  }
  retired(startPc: number, lastPc: number, instructions: number): void {
    expect(lastPc - startPc >= 0 && instructions >= 1).toBe(true);
    this.instructions += instructions;
    this.cyclesAt.set(startPc, (this.cyclesAt.get(startPc) ?? 0) + this.delta());
    this.countAt.set(startPc, (this.countAt.get(startPc) ?? 0) + instructions);
  }
  exceptionEntry(exceptionNumber: number, returnAddress: number): void {
    this.exceptions.push(`entry ${exceptionNumber} ret 0x${returnAddress.toString(16)} +${this.delta()} @${this.last}`);
  }
  exceptionReturn(excReturn: number): void {
    this.exceptions.push(`return 0x${excReturn.toString(16)} +${this.delta()} @${this.last}`);
  }
  get total(): number {
    return this.last;
  }
}

const MODES: Record<string, Partial<RunOptions>> = {
  interpreter: { translateBlocks: false },
  'blocks at first run': { translateBlocks: true, blockThreshold: 1 },
  'blocks when hot': { translateBlocks: true },
};

function profile(elf: string, board: string, mode: Partial<RunOptions>, args: string[] = []) {
  let recorder: Recorder | undefined;
  const r = runElf({
    board: loadBoard(board), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf, args,
    stdout: () => {}, stderr: () => {}, ...mode,
    observer: (cpu) => (recorder = new Recorder(() => cpu.cycles)),
  });
  return { r, recorder: recorder! };
}

describe('execution observer', () => {
  it('sees every instruction with the same cycles per address in the interpreter and in blocks', async () => {
    const cases: { name: string; elf: string; board: string; args?: string[] }[] = [];
    for (const name of ['systick_irq', 'exc_svc_psp', 'exc_nvic', 'exc_fp']) {
      cases.push({ name, elf: await buildTestProgram(name, { opt: 'O2', float: 'hard' }), board: 'mps2-an386' });
    }
    const sources = ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f));
    cases.push({
      name: 'coremark-lite', board: 'stm32f411re', args: ['pll100', 'art'],
      elf: await buildElf({ name: 'coremark-lite', sources, variant: { opt: 'O2', float: 'hard' }, board: 'stm32f411re' }),
    });
    for (const c of cases) {
      const runs = [];
      for (const [mode, options] of Object.entries(MODES)) {
        runs.push({ mode, ...profile(c.elf, c.board, options, c.args) });
        // each run is synchronous: let the test worker answer vitest's RPC between runs, or a long
        // run on a loaded machine ends in "Timeout calling onTaskUpdate"
        await new Promise((resolve) => setImmediate(resolve));
      }
      const [reference, ...others] = runs;
      const ref = reference!;
      expect(ref.r.stop, c.name).toBe('exit');
      // the observer accounts for every instruction and every cycle of the run
      expect(ref.recorder.instructions, c.name).toBe(ref.r.instructions);
      expect(ref.recorder.total, c.name).toBe(ref.r.cycles);
      if (c.name !== 'coremark-lite') expect(ref.recorder.exceptions.length, c.name).toBeGreaterThan(0);
      for (const o of others) {
        expect(o.r.instructions, `${c.name} ${o.mode}`).toBe(ref.r.instructions);
        expect(o.recorder.instructions, `${c.name} ${o.mode}`).toBe(ref.recorder.instructions);
        expect(o.recorder.countAt, `${c.name} ${o.mode}: retirements per address`).toEqual(ref.recorder.countAt);
        expect(o.recorder.cyclesAt, `${c.name} ${o.mode}: cycles per address`).toEqual(ref.recorder.cyclesAt);
        expect(o.recorder.exceptions, `${c.name} ${o.mode}: exception entries and returns`).toEqual(ref.recorder.exceptions);
      }
    }
  }, 240_000);

  it('leaves translated blocks free of observer code when none is attached, and rebuilds them when one is', () => {
    const cpu = loadThumb('movs r0, #0\nloop:\n adds r0, #1\n cmp r0, #50\n bne loop\nstop: b stop');
    cpu.blockThreshold = 1;
    cpu.run(60);
    const blockSources = () => cpu.bus.regionAt(0x08000002)!.region.decoded.filter((i) => i.block !== null && i.blockEpoch === cpu.bus.codeEpoch).map((i) => i.block!.toString());
    expect(blockSources().length).toBeGreaterThan(0);
    for (const src of blockSources()) expect(src).not.toContain('obs.');
    const seen: number[] = [];
    cpu.setObserver({ retired: (a) => { seen.push(a); }, exceptionEntry: () => {}, exceptionReturn: () => {} });
    cpu.pc = 0x08000002;
    cpu.r[0] = 0;
    cpu.run(30);
    expect(seen.length).toBe(30);
    expect(blockSources().some((src) => src.includes('obs.retired'))).toBe(true);
  });
});
