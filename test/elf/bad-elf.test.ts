// Damaged and foreign ELFs: each gives one line naming the problem and the exit code of its kind
// (table in src/elf/errors.ts). Corruptions are made on a real arm-none-eabi-gcc ELF; the x86-64
// case also uses the host's own /bin/ls and node executables, and `file`-style facts come from readelf.
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/common/errors.js';
import { ElfError, readElf } from '../../src/elf/index.js';
import { buildFixture, buildObjectFile, F411_LAYOUT, readBytes } from './fixtures.js';

const good = readBytes(buildFixture('f411', F411_LAYOUT));

function errorOf(bytes: Uint8Array, name = 'firmware.elf'): ElfError {
  try {
    readElf(bytes, name);
  } catch (e) {
    expect(e).toBeInstanceOf(ElfError);
    expect(e).toBeInstanceOf(UserError);
    const err = e as ElfError;
    expect(err.message).not.toContain('\n');
    expect(err.message.startsWith(`${name}: `)).toBe(true);
    return err;
  }
  throw new Error('readElf accepted a bad file');
}

function patched(edit: (b: Uint8Array, dv: DataView) => void): Uint8Array {
  const b = good.slice();
  edit(b, new DataView(b.buffer));
  return b;
}

/** The first `n` bytes of a (possibly huge) file. */
function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(n);
  const got = readSync(fd, buf, 0, n, 0);
  closeSync(fd);
  return new Uint8Array(buf.subarray(0, got));
}

describe('bad ELF files', () => {
  it('truncated files (exit 10) at every structural boundary', () => {
    const dv = new DataView(good.buffer);
    const phoff = dv.getUint32(28, true);
    const shoff = dv.getUint32(32, true);
    const cuts = [3, 16, 40, 51, phoff + 10, phoff + 40, Math.floor(shoff / 2), shoff + 20, good.length - 1];
    for (const cut of cuts) {
      const err = errorOf(good.subarray(0, cut));
      expect([cut, err.exitCode]).toEqual([cut, 10]);
      expect(err.message).toMatch(/truncated/);
    }
    expect(errorOf(new Uint8Array(0)).message).toBe('firmware.elf: empty file, not an ELF executable');
  });

  it('a text file is not an ELF (exit 10)', () => {
    const err = errorOf(new TextEncoder().encode('int main(void) { return 0; }\n'), 'main.c');
    expect(err.exitCode).toBe(10);
    expect(err.message).toBe('main.c: not an ELF file (no \\x7fELF magic number at the start)');
  });

  it('ELFCLASS64 (byte 4 = 2) gives exit 11', () => {
    const err = errorOf(patched((b) => (b[4] = 2)));
    expect(err.exitCode).toBe(11);
    expect(err.message).toBe('firmware.elf: not a 32-bit ELF (ELFCLASS64): mcusim runs Cortex-M4 (ARM 32-bit) firmware');
  });

  it('big-endian (byte 5 = 2) gives exit 12', () => {
    const err = errorOf(patched((b) => (b[5] = 2)));
    expect(err.exitCode).toBe(12);
    expect(err.message).toMatch(/^firmware\.elf: big-endian ELF \(ELFDATA2MSB\)/);
  });

  it('e_machine x86-64 (62) and AArch64 (183) give exit 13 naming the machine', () => {
    const x86 = errorOf(patched((_, dv) => dv.setUint16(18, 62, true)));
    expect(x86.exitCode).toBe(13);
    expect(x86.message).toMatch(/built for x86-64 \(e_machine 62\), not ARM/);
    const a64 = errorOf(patched((_, dv) => dv.setUint16(18, 183, true)));
    expect(a64.exitCode).toBe(13);
    expect(a64.message).toMatch(/built for AArch64 \(e_machine 183\)/);
    const odd = errorOf(patched((_, dv) => dv.setUint16(18, 999, true)));
    expect([odd.exitCode, odd.message]).toEqual([13, 'firmware.elf: built for machine 999 (e_machine 999), not ARM (40): mcusim runs Cortex-M4 (ARM 32-bit) firmware']);
  });

  it("the host's own x86-64 executables (/bin/ls, node) give exit 13", () => {
    const ls = errorOf(readBytes('/bin/ls'), 'ls');
    expect(ls.exitCode).toBe(13);
    expect(ls.message).toBe('ls: built for x86-64 (e_machine 62, ELFCLASS64), not ARM: mcusim runs Cortex-M4 (ARM 32-bit) firmware');
    // node is ~100 MB; its first 4 KB hold the ELF header, which is all the check reads.
    const node = errorOf(head(process.execPath, 4096), 'node');
    expect(node.exitCode).toBe(13);
    expect(node.message).toMatch(/^node: built for x86-64/);
  });

  it('a relocatable object (.o) is not a linked executable (exit 10)', () => {
    const err = errorOf(readBytes(buildObjectFile()), 'prog.o');
    expect(err.exitCode).toBe(10);
    expect(err.message).toMatch(/relocatable object \(ET_REL\), not a linked executable/);
  });

  it('overlapping load addresses give exit 14', () => {
    // Move the second PT_LOAD onto the first one's load address.
    const image = readElf(good, 'ok.elf');
    const [first, second] = image.segments;
    const phoff = new DataView(good.buffer).getUint32(28, true);
    const err = errorOf(patched((_, dv) => dv.setUint32(phoff + second!.index * 32 + 12, first!.paddr + 4, true)));
    expect(err.exitCode).toBe(14);
    expect(err.message).toMatch(/overlap in load addresses/);
  });

  it('a segment with more file bytes than memory bytes gives exit 14', () => {
    const phoff = new DataView(good.buffer).getUint32(28, true);
    const seg = readElf(good, 'ok.elf').segments[0]!;
    const err = errorOf(patched((_, dv) => dv.setUint32(phoff + seg.index * 32 + 20, seg.filesz - 4, true)));
    expect(err.exitCode).toBe(14);
  });
});
