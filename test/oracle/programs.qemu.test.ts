// QEMU sanity suite for the C test programs: every program builds at -O0/-O2/-Os x hard/soft float
// and, in QEMU mps2-an386, exits with the expected code and prints the values computed
// independently in expected.ts. This holds the programs (and QEMU as our oracle) to known answers
// before mcusim is compared with QEMU in programs.mcusim.test.ts.
import { basename } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { qemuDriver } from '../support/driver.js';
import { BUILD_MATRIX, variantName } from '../support/toolchain.js';
import { expectationFor } from './expected.js';
import { type BuiltProgram, PROGRAMS, buildAllPrograms, caseKey, runProgram } from './programs.js';

let built: Map<string, BuiltProgram>;
beforeAll(async () => {
  built = await buildAllPrograms();
});

// Concurrent: each case is one QEMU process, mostly waiting on the host; two at a time halve the wall time.
describe.concurrent.each(PROGRAMS.map((p) => [p.name, p] as const))('%s in QEMU', (name, program) => {
  it.for(BUILD_MATRIX.map((variant) => ({ label: variantName(variant), variant })))('$label: expected exit code and output', async ({ variant }, { expect }) => {
    const b = built.get(caseKey(name, variant))!;
    const run = await runProgram(qemuDriver, b);
    const stdout = run.stdout.toString('utf8');
    const want = expectationFor(name, variant, program.args ?? [], basename(b.elf));
    expect(run.timedOut, `timed out; output so far:\n${stdout}`).toBe(false);
    const lines = stdout.split('\n');
    for (const line of want.lines) expect(lines, `missing line "${line}" in:\n${stdout}`).toContain(line);
    for (const { line, value, tolerance } of want.near ?? []) {
      const found = lines.map((l) => line.exec(l)).find((m) => m);
      expect(found, `no line matches ${line}`).toBeTruthy();
      expect(Math.abs(Number(found![1]) - value), `${found![0]} vs ${value}`).toBeLessThanOrEqual(tolerance);
    }
    expect(stdout).not.toMatch(/^FAIL /m);
    expect(run.exitCode, stdout).toBe(want.exitCode);
    expect(run.leftovers, 'files left in the working directory').toEqual([]);
  });
});
