// Builds the timing micro-benchmark firmware (firmware/bench/timing) for a board and runs it in
// mcusim with the harness's clock/FLASH_ACR arguments; returns the "<name> <cycles...>" lines parsed.
import { join } from 'node:path';
import { buildElf, FIRMWARE_DIR } from '../support/toolchain.js';
import { readFileSync } from 'node:fs';
import { runElf, type RunResult } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';

const BENCH_DIR = join(FIRMWARE_DIR, 'bench', 'timing');

export interface TimingRun {
  cycles: Map<string, number[]>;
  result: RunResult;
}

export async function runTimingFirmware(board: 'mps2-an386' | 'stm32f411re', clock: 'hsi16' | 'pll100', acr: string): Promise<TimingRun> {
  const elf = await buildElf({
    name: 'timing-micro',
    sources: ['micro.c', 'clock.c', 'seqs.S', 'flash.S'].map((f) => join(BENCH_DIR, f)),
    variant: { opt: 'O2', float: 'hard' },
    board,
    extraFlags: [`-I${BENCH_DIR}`],
  });
  let out = '';
  const result = runElf({
    board: loadBoard(board),
    elfBytes: new Uint8Array(readFileSync(elf)),
    elfPath: elf,
    args: [clock, acr],
    stdout: (b) => { out += Buffer.from(b).toString('utf8'); },
    stderr: () => {},
    maxInstructions: 5_000_000,
  });
  if (result.stop !== 'exit' || result.exitCode !== 0) throw new Error(`timing firmware: ${result.message}\n${out}`);
  const cycles = new Map<string, number[]>();
  for (const line of out.trim().split('\n')) {
    const [name, ...values] = line.trim().split(/\s+/);
    cycles.set(name!, values.map(Number));
  }
  return { cycles, result };
}

/** t_<name> - t_empty: the sequence's own cycles (see the frame described in seqs.S). */
export function delta(run: TimingRun, name: string): number {
  const t = run.cycles.get(name);
  const empty = run.cycles.get('empty');
  if (!t || !empty) throw new Error(`no output for ${name}`);
  return t[0]! - empty[0]!;
}
