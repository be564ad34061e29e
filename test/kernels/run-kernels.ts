// Builds a generated kernel test program (kernel-cases.ts) for a board and runs it in mcusim in-process
// (or hands the ELF to QEMU): the per-case verdicts and DWT cycle counts come back parsed.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { buildElf, BUILD_DIR, FIRMWARE_DIR, type Board, type OptLevel } from '../support/toolchain.js';
import { runElf } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { generateProgram, type KernelCase } from './kernel-cases.js';

export const KERNEL_DIR = join(FIRMWARE_DIR, 'nn', 'kernels');
const CLOCK_C = join(FIRMWARE_DIR, 'bench', 'timing', 'clock.c');

export interface CaseResult {
  index: number;
  ok: boolean;
  cycles: number;
  line: string;
}

export interface ProgramRun {
  exitCode: number;
  stdout: string;
  results: CaseResult[];
}

const LINE = /^case (\d+) (ok|FAIL)(?:.*?)cycles (\d+)$/;

export function parseResults(stdout: string): CaseResult[] {
  return stdout.split('\n').flatMap((line) => {
    const m = LINE.exec(line.trim());
    return m ? [{ index: Number(m[1]), ok: m[2] === 'ok', cycles: Number(m[3]), line: line.trim() }] : [];
  });
}

/** Every C file of the kernels (the code generator compiles them all the same way). */
export function kernelSources(): string[] {
  return readdirSync(KERNEL_DIR).filter((f) => f.endsWith('.c')).sort().map((f) => join(KERNEL_DIR, f));
}

/** Writes the program's C under firmware/build/kernel-tests (named by content) and builds it. */
export async function buildKernelProgram(name: string, cases: KernelCase[], seed: number, board: Board, opt: OptLevel = 'O2', corruptCase = -1): Promise<string> {
  const { source } = generateProgram(cases, seed, corruptCase);
  const dir = join(BUILD_DIR, 'kernel-tests');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.c`);
  writeFileSync(file, source);
  return buildElf({
    name, board, variant: { opt, float: 'hard' },
    sources: [file, ...kernelSources(), CLOCK_C],
    extraFlags: [`-I${KERNEL_DIR}`],
  });
}

/** Runs a kernel test ELF in mcusim; on the STM32F411 at 100 MHz, 3 wait states, ART on. */
export function runInMcusim(elf: string, board: Board): ProgramRun {
  let stdout = '';
  const args = board === 'stm32f411re' ? ['pll100', 'art'] : ['hsi16', 'none'];
  const r = runElf({
    board: loadBoard(board), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf, args,
    stdout: (b) => { stdout += Buffer.from(b).toString(); }, stderr: () => {},
  });
  return { exitCode: r.exitCode ?? -1, stdout, results: parseResults(stdout) };
}
