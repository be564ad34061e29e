// One interface over the simulators a test can target (STYLE.md §5): the same ELF, arguments and
// working directory go to QEMU (the oracle) and to mcusim, and a spec compares what comes back.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runQemu } from './qemu.js';
import { spawnCaptured } from './spawn.js';
import { REPO_ROOT } from './toolchain.js';

export interface SimRunOptions {
  args?: string[];
  cwd?: string;
  stdin?: Buffer | string;
  timeoutMs: number;
  /** Extra `mcusim run` options (ignored by QEMU), e.g. ['--translate', '1']. */
  simArgs?: string[];
}

export interface SimRunResult {
  stdout: Buffer;
  /** The firmware's exit code; -1 when the run was killed on timeout. */
  exitCode: number;
  stderr?: Buffer;
  timedOut?: boolean;
}

export interface SimDriver {
  name: string;
  run(elf: string, opts: SimRunOptions): Promise<SimRunResult>;
}

export const qemuDriver: SimDriver = {
  name: 'qemu',
  run: (elf, opts) => runQemu(elf, opts),
};

/**
 * The simulator under test. Oracle suites never skip themselves: if this file is missing (moved,
 * renamed) every mcusim run fails and says so, instead of a suite silently reporting nothing.
 */
export const MCUSIM_BIN = join(REPO_ROOT, 'src/cli/bin.mjs');
if (!existsSync(MCUSIM_BIN)) throw new Error(`test/support/driver.ts: the mcusim executable ${MCUSIM_BIN} is missing`);

/**
 * `mcusim run <elf> --board mps2-an386 --quiet -- <args...>` (DESIGN.md, CLI contract): the firmware's
 * stdout is mcusim's stdout and the firmware's exit code is mcusim's exit status. Arguments after
 * `--` become the semihosting command line after argv[0], as QEMU's `arg=` options do.
 */
export const mcusimDriver: SimDriver = {
  name: 'mcusim',
  run(elf, opts) {
    const argv = [MCUSIM_BIN, 'run', elf, '--board', 'mps2-an386', '--quiet', ...(opts.simArgs ?? [])];
    if (opts.args?.length) argv.push('--', ...opts.args);
    return spawnCaptured('mcusim', process.execPath, argv, { ...opts, cwd: opts.cwd ?? REPO_ROOT });
  },
};
