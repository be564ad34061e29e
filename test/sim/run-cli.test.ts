// `mcusim run` as a user meets it: bad input and runaway firmware give one clear line on stderr and
// the documented exit code (README "exit codes", src/common/exit-codes.ts, src/elf/errors.ts), never a
// stack trace and never a hang. The firmware is a real arm-none-eabi-gcc ELF whose Reset_Handler
// ends in an endless loop (test/elf/fixtures.ts); corrupt copies are made from it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.js';
import { buildFixture, F411_LAYOUT, readBytes } from '../elf/fixtures.js';
import { MCUSIM_BIN } from '../support/driver.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-cli-'));
const good = readBytes(buildFixture('f411', F411_LAYOUT));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function patched(edit: (b: Uint8Array) => void): Uint8Array {
  const b = good.slice();
  edit(b);
  return b;
}

function mcusim(...args: string[]) {
  const r = spawnSync(process.execPath, [MCUSIM_BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line `mcusim: <file>: ...` and no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^mcusim: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('mcusim run: bad ELF files', () => {
  it('a truncated ELF exits 10', () => {
    const r = mcusim('run', file('cut.elf', good.subarray(0, 100)));
    expect(r.code).toBe(10);
    expectOneLine(r.stderr, /cut\.elf: .*(truncated|past the end|cut short)/i);
  });

  it('a 64-bit ELF exits 11', () => {
    const r = mcusim('run', file('c64.elf', patched((b) => { b[4] = 2; })));
    expect(r.code).toBe(11);
    expectOneLine(r.stderr, /c64\.elf: not a 32-bit ELF \(ELFCLASS64\)/);
  });

  it('a big-endian ELF exits 12', () => {
    const r = mcusim('run', file('be.elf', patched((b) => { b[5] = 2; })));
    expect(r.code).toBe(12);
    expectOneLine(r.stderr, /be\.elf: .*big-endian/i);
  });

  it('an AArch64 ELF and the host x86-64 /bin/ls exit 13 naming the machine', () => {
    const a64 = mcusim('run', file('a64.elf', patched((b) => { b[18] = 183; b[19] = 0; })));
    expect(a64.code).toBe(13);
    expectOneLine(a64.stderr, /AArch64/);
    const ls = mcusim('run', '/bin/ls');
    expect(ls.code).toBe(13);
    expectOneLine(ls.stderr, /x86-64/);
  });

  it('a reset vector in ARM state (bit 0 clear) exits 15', () => {
    const image = readElf(good, 'f411.elf');
    const seg = image.segments.find((s) => s.paddr <= 0x08000000 && 0x08000000 < s.paddr + s.filesz)!;
    const resetVectorOffset = seg.offset + (0x08000000 - seg.paddr) + 4;
    const r = mcusim('run', file('arm.elf', patched((b) => { b[resetVectorOffset] = b[resetVectorOffset]! & ~1; })));
    expect(r.code).toBe(15);
    expectOneLine(r.stderr, /ARM state/);
  });

  it('a missing file exits 2', () => {
    const r = mcusim('run', join(dir, 'nope.elf'));
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /nope\.elf: cannot read/);
  });
});

describe('mcusim run: runaway firmware', () => {
  const elf = file('loop.elf', good);

  it('stops at --max-cycles with exit 21 and says where it was', () => {
    const r = mcusim('run', elf, '--max-cycles', '200000', '--quiet');
    expect(r.code).toBe(21);
    expectOneLine(r.stderr, /cycle limit of 200000 reached at PC 0x0800[0-9a-f]{4} \(Reset_Handler(\+0x[0-9a-f]+)?\) without the firmware exiting/);
  });

  it('stops at --max-instructions with exit 21', () => {
    const r = mcusim('run', elf, '--max-instructions', '50000', '--quiet');
    expect(r.code).toBe(21);
    expectOneLine(r.stderr, /instruction limit of 50000 reached/);
  });

  it('stops at --timeout (wall-clock seconds) with exit 22', () => {
    const r = mcusim('run', elf, '--timeout', '0.5', '--quiet');
    expect(r.code).toBe(22);
    expectOneLine(r.stderr, /timeout of 0\.5 s reached/);
  });

  it('writes a JSON report with the counts even when stopped at a limit', () => {
    const report = join(dir, 'loop.json');
    const r = mcusim('run', elf, '--max-instructions', '1000', '--quiet', '--report', report);
    expect(r.code).toBe(21);
    const rep = JSON.parse(readBytesText(report));
    expect(rep.run.stop).toBe('instruction-limit');
    expect(rep.run.instructions).toBe(1000);
    expect(rep.run.cycles).toBeGreaterThanOrEqual(1000);
  });
});

describe('mcusim --help', () => {
  it('documents the exit codes of run', () => {
    const r = mcusim('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:.*20 lockup/s);
  });

  it('--translate takes a count of runs >= 0 (0: interpret only), else exit 2 in one line', () => {
    const elf = file('loop-translate.elf', good);
    const report = (n: string) => {
      const path = join(dir, `translate-${n}.json`);
      expect(mcusim('run', elf, '--max-instructions', '30000', '--quiet', '--translate', n, '--report', path).code).toBe(21);
      const rep = JSON.parse(readBytesText(path));
      return [rep.run.instructions, rep.run.cycles];
    };
    expect(report('0')).toEqual(report('1'));
    const r = mcusim('run', elf, '--translate', '-1');
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /--translate: must be a whole number >= 0, got -1/);
  });

  it('an unknown option is a usage error (exit 2) in one line', () => {
    const r = mcusim('run', '--no-such-flag');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mcusim: Unknown argument/);
  });
});

function readBytesText(path: string): string {
  return Buffer.from(readBytes(path)).toString('utf8');
}
