// `mcusim boards` as a user pipes it: no colour escape codes when stdout is not a terminal, and
// sizes as people read them (mps2-an386's RAM: 4 MiB + 16 KiB + 4 MiB + 16 MiB of regions).
import { describe, expect, it } from 'vitest';
import { formatSize } from '../../src/cli/boards.js';
import { spawnCaptured } from '../support/spawn.js';
import { MCUSIM_BIN } from '../support/driver.js';

describe('mcusim boards', () => {
  it('prints plain text to a pipe, with readable sizes', async () => {
    const r = await spawnCaptured('mcusim', process.execPath, [MCUSIM_BIN, 'boards'], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).not.toContain('\x1b');
    expect(out).toMatch(/mps2-an386 .*│ 24 MiB \+ 16 KiB /);
    expect(out).toMatch(/stm32f411re \(default\) .*│ 512 KiB .*│ 128 KiB /);
  });

  it('formats sizes in whole units', () => {
    expect(formatSize(24 * 2 ** 20 + 16 * 1024)).toBe('24 MiB + 16 KiB');
    expect(formatSize(96 * 1024)).toBe('96 KiB');
    expect(formatSize(2 ** 20)).toBe('1 MiB');
    expect(formatSize(1030)).toBe('1 KiB + 6 bytes');
    expect(formatSize(0)).toBe('0 bytes');
  });
});
