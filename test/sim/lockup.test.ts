// Lockup (ARMv7-M ARM B1.5.15): firmware/tests/exc_lockup.c faults inside its HardFault handler.
// QEMU, the oracle, aborts with "Lockup" and dumps the registers; `mcusim run` must stop with exit
// code 20 (src/common/exit-codes.ts), name the PC QEMU reports (R15) and the function holding it, and
// decode the status registers: CFSR.UNDEFINSTR (bit 16) from the two undefined instructions and
// HFSR.FORCED (bit 30) from the first one's escalation (UsageFault is disabled at reset).
import { describe, it } from 'vitest';
import { mcusimDriver, qemuDriver } from '../support/driver.js';
import { buildTestProgram, variantName, type BuildVariant } from '../support/toolchain.js';
import { spawn } from 'node:child_process';
import { MCUSIM_BIN } from '../support/driver.js';
import { REPO_ROOT } from '../support/toolchain.js';

const VARIANTS: BuildVariant[] = [{ opt: 'O0', float: 'soft' }, { opt: 'O2', float: 'hard' }];

/** `mcusim run` without --quiet: the summary (with the fault report) goes to stderr. */
function runVerbose(elf: string): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MCUSIM_BIN, 'run', elf, '--board', 'mps2-an386'], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr, stdout }));
  });
}

describe('lockup: a fault in HardFault', () => {
  it.for(VARIANTS.map((v) => ({ v, label: variantName(v) })))('$label: exit code 20, QEMU\'s PC, decoded CFSR/HFSR', { timeout: 90_000 }, async ({ v }, { expect }) => {
    const elf = await buildTestProgram('exc_lockup', v);
    const [qemu, quiet, verbose] = await Promise.all([
      qemuDriver.run(elf, { timeoutMs: 20_000 }),
      mcusimDriver.run(elf, { timeoutMs: 40_000 }),
      runVerbose(elf),
    ]);
    const qemuErr = qemu.stderr!.toString();
    expect(qemuErr).toContain('Lockup');
    const r15 = /R15=([0-9a-f]{8})/.exec(qemuErr);
    expect(r15, qemuErr).toBeTruthy();
    const pc = `0x${r15![1]}`;

    expect(quiet.stdout.toString()).toBe(qemu.stdout.toString());
    expect(quiet.stdout.toString()).toBe('about to fault\n');
    expect(quiet.exitCode).toBe(20);
    const line = quiet.stderr!.toString().trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(new RegExp(`core locked up at PC ${pc} \\(HardFault_Handler(\\+0x[0-9a-f]+)?\\)`));
    expect(line).toContain('UNDEFINSTR');
    expect(line).toContain('CFSR=0x00010000 (UNDEFINSTR) HFSR=0x40000000 (FORCED)');

    expect(verbose.code).toBe(20);
    expect(verbose.stderr).toMatch(new RegExp(`PC ${pc} in HardFault_Handler`));
    expect(verbose.stderr).toContain('CFSR=0x00010000 HFSR=0x40000000');
    expect(verbose.stderr).toContain('UNDEFINSTR: undefined instruction');
    expect(verbose.stderr).toContain('FORCED: a configurable fault escalated to HardFault');
    // Handler mode, exception 3, in the stopped core's xPSR.
    expect(verbose.stderr).toMatch(/xpsr=0x[0-9a-f]{4}0003/);
  });
});
