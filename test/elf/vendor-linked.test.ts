// ELFs linked the way STM32CubeIDE/CubeMX scripts link them (firmware/tests/vendor_linked): the RW
// segment's load address is in flash and its memsz (with .bss) runs over the next segment's load
// addresses, which QEMU and flash programmers accept because they load file bytes only. mcusim must
// accept the image and still refuse two segments whose file bytes overlap.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ElfError, readElf, validateImageForBoard } from '../../src/elf/index.js';
import { loadBoard } from '../../src/mcu/boards/index.js';
import { buildElf } from '../support/toolchain.js';

export const VENDOR_LINKED = {
  name: 'vendor_linked',
  sources: ['firmware/tests/vendor_linked/vendor_linked.c'],
  linkerScript: 'firmware/tests/vendor_linked/mps2-an386-cubeide.ld',
} as const;

let bytes: Uint8Array;
beforeAll(async () => {
  const elf = await buildElf({ ...VENDOR_LINKED, sources: [...VENDOR_LINKED.sources], variant: { opt: 'O2', float: 'soft' } });
  bytes = new Uint8Array(readFileSync(elf));
}, 60_000);

describe('vendor-linked ELF (CubeIDE-style script)', () => {
  it('has the layout that used to be refused: memsz past .data runs into the next load address', () => {
    const image = readElf(bytes, 'vendor.elf');
    const rw = image.segments.find((s) => s.vaddr === 0x20000000)!;
    expect(rw.paddr).toBeLessThan(0x00400000); // loaded from flash
    expect(rw.memsz).toBeGreaterThan(rw.filesz + 16 * 1024); // .data + 16 KiB of .bss
    const next = image.segments.find((s) => s.paddr > rw.paddr)!;
    expect(next.paddr).toBeLessThan(rw.paddr + rw.memsz);
    expect(next.filesz).toBe(0);
    const boot = validateImageForBoard(image, loadBoard('mps2-an386'));
    expect(boot.vectorTableAddress).toBe(0);
  });

  it('still refuses segments whose file bytes overlap (exit 14)', () => {
    const image = readElf(bytes, 'vendor.elf');
    const [code, data] = [image.segments[0]!, image.segments.find((s) => s.vaddr === 0x20000000)!];
    const b = bytes.slice();
    const phoff = new DataView(b.buffer).getUint32(28, true);
    // .data's load address moved 8 bytes back, into the last file bytes of the code segment.
    new DataView(b.buffer).setUint32(phoff + data.index * 32 + 12, code.paddr + code.filesz - 8, true);
    let err: unknown;
    try {
      readElf(b, 'overlap.elf');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ElfError);
    expect((err as ElfError).exitCode).toBe(14);
    expect((err as ElfError).message).toMatch(/^overlap\.elf: segments 0 \(0x0\.\.0x[0-9a-f]+\) and \d \(0x[0-9a-f]+\.\.0x[0-9a-f]+\) overlap in load addresses/);
  });

  it('refuses a segment whose zero-initialised part does not fit at its run address (exit 14)', () => {
    const image = readElf(bytes, 'vendor.elf');
    const rw = image.segments.find((s) => s.vaddr === 0x20000000)!;
    const b = bytes.slice();
    const phoff = new DataView(b.buffer).getUint32(28, true);
    new DataView(b.buffer).setUint32(phoff + rw.index * 32 + 20, 0x04000000, true); // 64 MiB: more than all its RAM
    expect(() => validateImageForBoard(readElf(b, 'huge.elf'), loadBoard('mps2-an386'))).toThrow(/segment \d at run address 0x20000000\.\.0x24000000 .* is outside mps2-an386's memory/);
  });
});
