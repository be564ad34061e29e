// A run from the session's post-boot snapshot (src/sim/session.ts) must be indistinguishable from a
// full run of the same ELF with the same command line: stdout, stop, exit code, instructions,
// cycles, stall breakdown, DWT/fault counters and the final registers. Runs alternate command lines
// and programs that print during boot, take interrupts, fault and patch their own code, so a state
// the snapshot missed (or restored wrongly) shows up as a difference in a later run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf, buildTestProgram, FIRMWARE_DIR } from '../support/toolchain.js';
import { runElf, type RunResult } from '../../src/sim/runner.js';
import { FirmwareSession } from '../../src/sim/session.js';
import { loadBoard } from '../../src/mcu/boards/load.js';

function observed(r: RunResult, out: string) {
  const cpu = r.machine.cpu;
  return {
    out, stop: r.stop, exitCode: r.exitCode, message: r.message, instructions: r.instructions, cycles: r.cycles,
    stalls: { ...cpu.stalls }, breakdown: r.machine.timing.stallBreakdown(), exceptionsTaken: r.exceptionsTaken,
    regs: Array.from(cpu.r.subarray(0, 15)), apsr: cpu.apsr, fp: Array.from(cpu.sBits),
    simulatedSeconds: r.machine.simulatedSeconds(), unmodelled: r.unmodelledAccesses, warnings: r.warnings,
  };
}

function fullRun(elf: string, board: string, args: string[], extra: { translateBlocks?: boolean; blockThreshold?: number } = {}) {
  let out = '';
  const r = runElf({
    board: loadBoard(board), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf, args,
    stdout: (b) => { out += Buffer.from(b).toString('latin1'); }, stderr: () => {}, ...extra,
  });
  return observed(r, out);
}

function sessionRun(s: FirmwareSession, args: string[], limits: { maxInstructions?: number } = {}) {
  let out = '';
  const r = s.run({ args, stdout: (b) => { out += Buffer.from(b).toString('latin1'); }, stderr: () => {}, ...limits });
  return observed(r, out);
}

describe('FirmwareSession: runs from the post-boot snapshot', () => {
  it('gives a full run\'s results for every command line, run after run', async () => {
    const elf = await buildTestProgram('cmdline', { opt: 'O2', float: 'hard' });
    const session = new FirmwareSession({ board: loadBoard('mps2-an386'), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf });
    const lines = [['a', 'bb'], [], ['frame-1.bin'], ['x', 'y', 'z', 'a-longer-argument'], ['a', 'bb']];
    for (const args of lines) {
      const fromSnapshot = sessionRun(session, args);
      expect(fromSnapshot.exitCode).toBe(1 + args.length);
      expect(fromSnapshot).toEqual(fullRun(elf, 'mps2-an386', args));
    }
    // Boot really is skipped: reset to the command-line request, run once.
    expect(session.boot!.instructions).toBeGreaterThan(100);
  }, 120_000);

  it('matches full runs on C programs with interrupts, faults, FP and self-modifying code', async () => {
    for (const name of ['systick_irq', 'exc_nvic', 'exc_faults', 'float_math', 'selfmod', 'malloc', 'int_arith']) {
      const elf = await buildTestProgram(name, { opt: 'O2', float: 'hard' });
      for (const blocks of [{ translateBlocks: true, blockThreshold: 1 }, { translateBlocks: false }]) {
        const session = new FirmwareSession({ board: loadBoard('mps2-an386'), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf, ...blocks });
        const reference = fullRun(elf, 'mps2-an386', [], blocks);
        expect(reference.stop, `${name}: ${reference.out}`).toBe('exit');
        for (let k = 0; k < 3; k++) expect(sessionRun(session, []), `${name} run ${k + 1}`).toEqual(reference);
      }
    }
  }, 240_000);

  it('matches full runs with flash wait states and the ART, and keeps translated code across runs', async () => {
    const sources = ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f));
    const elf = await buildElf({ name: 'coremark-lite', sources, variant: { opt: 'O2', float: 'hard' }, board: 'stm32f411re', extraFlags: ['-DITERATIONS=3'] });
    const session = new FirmwareSession({ board: loadBoard('stm32f411re'), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf });
    for (const args of [['pll100', 'art'], ['hsi16', 'none'], ['pll100', 'art']]) {
      expect(sessionRun(session, args)).toEqual(fullRun(elf, 'stm32f411re', args));
    }
    // Decoded instructions are kept, not decoded again by every run.
    const decodedCount = () => [...session.run({ args: ['pll100', 'art'], stdout: () => {}, stderr: () => {} }).machine.regions.values()].reduce((n, r) => n + r.decoded.length, 0);
    const before = decodedCount();
    expect(decodedCount()).toBe(before);
  }, 120_000);

  it('stops at an instruction limit where a full run stops, also inside boot', async () => {
    const elf = await buildTestProgram('int_arith', { opt: 'O2', float: 'hard' });
    const session = new FirmwareSession({ board: loadBoard('mps2-an386'), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf });
    sessionRun(session, []);
    for (const maxInstructions of [50, 5000]) {
      let out = '';
      const full = runElf({
        board: loadBoard('mps2-an386'), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf, maxInstructions,
        stdout: (b) => { out += Buffer.from(b).toString('latin1'); }, stderr: () => {},
      });
      const fromSession = sessionRun(session, [], { maxInstructions });
      expect(fromSession.stop).toBe('instruction-limit');
      expect(fromSession).toEqual(observed(full, out));
    }
  }, 60_000);
});
