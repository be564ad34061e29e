// The C test programs in firmware/tests and how each is run: arguments, stdin, time limit. Shared by
// the QEMU sanity suite and the mcusim-vs-QEMU suite so both run exactly the same cases.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimDriver, SimRunResult } from '../support/driver.js';
import { BUILD_MATRIX, type BuildVariant, buildTestProgram, variantName } from '../support/toolchain.js';

export interface ProgramCase {
  name: string;
  args?: string[];
  stdin?: string;
  timeoutMs: number;
}

export const PROGRAMS: readonly ProgramCase[] = [
  { name: 'int_arith', timeoutMs: 20_000 },
  { name: 'division', timeoutMs: 20_000 },
  { name: 'bitops', timeoutMs: 20_000 },
  { name: 'dsp', timeoutMs: 20_000 },
  { name: 'float_math', timeoutMs: 30_000 },
  { name: 'fpscr', timeoutMs: 20_000 },
  { name: 'systick_irq', timeoutMs: 30_000 },
  { name: 'setjmp_longjmp', timeoutMs: 20_000 },
  { name: 'malloc', timeoutMs: 30_000 },
  { name: 'faults', timeoutMs: 20_000 },
  { name: 'selfmod', timeoutMs: 20_000 },
  { name: 'semihosting_io', args: ['first', 'second'], stdin: 'hello from stdin\n', timeoutMs: 20_000 },
  // A comma checks QEMU's option escaping; each word becomes one argv entry.
  { name: 'cmdline', args: ['alpha', 'beta=2', 'x,y', '--flag'], timeoutMs: 20_000 },
];

export interface BuiltProgram {
  program: ProgramCase;
  variant: BuildVariant;
  elf: string;
}

/** Builds every program at every flag combination, a few compilers at a time. */
export async function buildAllPrograms(): Promise<Map<string, BuiltProgram>> {
  const jobs = PROGRAMS.flatMap((program) => BUILD_MATRIX.map((variant) => ({ program, variant })));
  const built = new Map<string, BuiltProgram>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { program, variant } = jobs[next++]!;
      const elf = await buildTestProgram(program.name, variant);
      built.set(caseKey(program.name, variant), { program, variant, elf });
    }
  };
  await Promise.all(Array.from({ length: Math.max(2, cpus().length) }, worker));
  return built;
}

export function caseKey(name: string, variant: BuildVariant): string {
  return `${name} ${variantName(variant)}`;
}

export interface ProgramRun extends SimRunResult {
  /** Files the program left behind in its working directory. */
  leftovers: string[];
}

/**
 * Runs a built program in a fresh scratch directory (semihosting file calls resolve there).
 * `timeoutScale` stretches the program's time limit for a slower simulator.
 */
export async function runProgram(driver: SimDriver, built: BuiltProgram, timeoutScale = 1): Promise<ProgramRun> {
  const cwd = mkdtempSync(join(tmpdir(), `mcusim-${driver.name}-${built.program.name}-`));
  try {
    const result = await driver.run(built.elf, {
      args: built.program.args,
      stdin: built.program.stdin,
      cwd,
      timeoutMs: built.program.timeoutMs * timeoutScale,
    });
    return { ...result, leftovers: readdirSync(cwd) };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
