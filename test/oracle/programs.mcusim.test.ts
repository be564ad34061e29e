// mcusim against QEMU on the C test programs (issue 2): every program at -O0/-O2/-Os x hard/soft
// float runs in both with the same arguments, stdin and a fresh working directory each; stdout must
// be identical byte for byte and the exit codes equal. Runs once the CPU core exists
// (src/cpu/cpu.ts) and `mcusim run` is wired to it.
import { beforeAll, describe, it } from 'vitest';
import { mcusimDriver, qemuDriver } from '../support/driver.js';
import { BUILD_MATRIX, variantName } from '../support/toolchain.js';
import { type BuiltProgram, PROGRAMS, buildAllPrograms, caseKey, runProgram } from './programs.js';

describe('C test programs: mcusim vs QEMU', () => {
  let built: Map<string, BuiltProgram>;
  beforeAll(async () => {
    built = await buildAllPrograms();
  });

  describe.each(PROGRAMS.map((p) => [p.name] as const))('%s', (name) => {
    const cases = BUILD_MATRIX.map((variant) => ({ label: variantName(variant), variant }));
    // mcusim gets three times QEMU's limit (an interpreter, and a few seconds of tsx start-up).
    it.for(cases)('$label: same stdout and exit code', { timeout: 200_000 }, async ({ variant }, { expect }) => {
      const b = built.get(caseKey(name, variant))!;
      const [oracle, sim] = await Promise.all([runProgram(qemuDriver, b), runProgram(mcusimDriver, b, 3)]);
      expect(oracle.timedOut, 'QEMU timed out').toBe(false);
      const simErr = sim.stderr?.toString('utf8') ?? '';
      expect(sim.timedOut, `mcusim timed out; stderr:\n${simErr}`).toBe(false);
      // Compare as text first for a readable diff, then as bytes for the exact contract.
      expect(sim.stdout.toString('latin1'), `mcusim stderr:\n${simErr}`).toBe(oracle.stdout.toString('latin1'));
      expect(Buffer.compare(sim.stdout, oracle.stdout)).toBe(0);
      expect(sim.exitCode, `mcusim stderr:\n${simErr}`).toBe(oracle.exitCode);
      expect(sim.leftovers).toEqual(oracle.leftovers);
    });
  });
});
