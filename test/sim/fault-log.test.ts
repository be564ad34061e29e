// Faults the firmware's own handler catches, and accesses no device answers, are named in the run
// summary (issue 12 §5): a HAL-style firmware that reads an unmapped address and spins in its
// HardFault handler until the cycle limit ends with the access and the decoded fault on stderr.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { MCUSIM_BIN } from '../support/driver.js';
import { buildTestProgram } from '../support/toolchain.js';

let elf: string;
beforeAll(async () => {
  elf = await buildTestProgram('fault_spin', { opt: 'O2', float: 'soft' }, 'stm32f411re');
}, 60_000);

describe('run summary: faults caught by the firmware', () => {
  it('names the unanswered access and the HardFault it escalated to', () => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', elf, '--board', 'stm32f411re', '--max-cycles', '200000'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('reading 0x60000000\n');
    expect(r.status).toBe(21); // cycle limit
    expect(r.stderr).toMatch(/cycle limit of 200000 reached at PC 0x080[0-9a-f]+ \(HardFault_Handler\+0x[0-9a-f]+\)/);
    // The first unanswered access: address, direction and the instruction that made it.
    expect(r.stderr).toMatch(/1 access no memory or device answered \(BusFault each; first: 0x60000000r at PC 0x080[0-9a-f]+ \(main\+0x[0-9a-f]+\)\)/);
    // BusFault is not enabled in SHCSR: escalated to HardFault, FORCED, BFAR valid.
    expect(r.stderr).toMatch(/1 fault taken by the firmware \(first 1\):\n\s+HardFault PRECISERR at PC 0x080[0-9a-f]+ \(main\+0x[0-9a-f]+\) address 0x60000000, cycle \d+: CFSR=0x00008200 \(PRECISERR BFARVALID\) HFSR=0x40000000 \(FORCED\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--quiet still names them when the run does not exit', () => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', elf, '--board', 'stm32f411re', '--max-cycles', '200000', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(21);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^mcusim: cycle limit of 200000 reached/);
    expect(lines.slice(1).join('\n')).toMatch(/0x60000000r at PC .*\n.*1 fault taken by the firmware.*\n\s+HardFault PRECISERR/);
  });

  it('an unreadable --uart-input file is a usage error (exit 2, one line)', () => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', elf, '--board', 'stm32f411re', '--uart-input', '/nonexistent/input.txt'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd()).toBe('mcusim: --uart-input: cannot read /nonexistent/input.txt: ENOENT');
  });
});
