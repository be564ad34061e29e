// The randomized differential test (issue 2): generated straight-line programs of thousands of
// random ALU, shift, multiply, divide, DSP, saturating and FP instructions run in mcusim and in QEMU;
// every register dump (r0-r12, APSR with Q and GE, s0-s31, FPSCR) must agree. Seeds are
// reproducible. Odd seeds run with every block translated at its first run (`--translate 1`), even
// seeds interpreted (`--translate 0`): the programs are straight-line, so both paths see every
// instruction kind. CI runs a bounded number (MCUSIM_RANDPROG_SEEDS, default 6, from
// MCUSIM_RANDPROG_FIRST_SEED, default 1); `npx tsx test/oracle/randprog-run.ts --seeds N` runs more.
import { describe, it } from 'vitest';
import { mcusimDriver, qemuDriver } from '../support/driver.js';
import { buildRandomProgram } from '../support/randprog.js';
import { firstDifference, parseDumps } from './dumps.js';

const seedCount = Number(process.env.MCUSIM_RANDPROG_SEEDS ?? 6);
const firstSeed = Number(process.env.MCUSIM_RANDPROG_FIRST_SEED ?? 1);
const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);

describe('random programs: mcusim vs QEMU', () => {
  it.for(seeds)('seed %i: every register dump agrees', { timeout: 200_000 }, async (seed, { expect }) => {
    const { elf, program } = await buildRandomProgram(seed, { instructions: 3000 });
    const [oracle, sim] = await Promise.all([
      qemuDriver.run(elf, { timeoutMs: 30_000 }),
      mcusimDriver.run(elf, { timeoutMs: 120_000, simArgs: ['--translate', seed % 2 === 1 ? '1' : '0'] }),
    ]);
    expect(oracle.exitCode).toBe(0);
    const simErr = sim.stderr?.toString('utf8') ?? '';
    const difference = firstDifference(parseDumps(oracle.stdout.toString()), parseDumps(sim.stdout.toString()), program);
    expect(difference, `seed ${seed}; mcusim stderr:\n${simErr}`).toBeNull();
    expect(sim.stdout.toString('latin1')).toBe(oracle.stdout.toString('latin1'));
    expect(sim.exitCode, simErr).toBe(0);
  });
});
