// Board-dependent checks: segments inside the board's memory (exit 14) and a usable vector table at
// the boot address (exit 15). Expected words come from arm-none-eabi-objdump of the same ELF.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ElfError, readElf, validateImageForBoard } from '../../src/elf/index.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { buildFixture, F411_LAYOUT, MPS2_LAYOUT, readBytes } from './fixtures.js';

const f411Path = buildFixture('f411', F411_LAYOUT);
const f411 = readBytes(f411Path);

/** Words 0 and 1 of .isr_vector as objdump prints them (little-endian words with -s). */
function vectorWords(path: string): [number, number] {
  const out = execFileSync('arm-none-eabi-objdump', ['-s', '-j', '.isr_vector', path], { encoding: 'utf8' });
  const m = /^\s*[0-9a-f]+ ([0-9a-f]{8}) ([0-9a-f]{8})/m.exec(out)!;
  const le = (h: string): number => parseInt(h.match(/../g)!.reverse().join(''), 16);
  return [le(m[1]!), le(m[2]!)];
}

function expectElfError(fn: () => unknown, code: number, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ElfError);
    expect((e as ElfError).exitCode).toBe(code);
    expect((e as ElfError).message).toMatch(pattern);
    expect((e as ElfError).message).not.toContain('\n');
    return;
  }
  throw new Error('no ElfError');
}

/** Byte offset in the file of the vector table's word `n`. */
function vectorWordOffset(bytes: Uint8Array, n: number): number {
  const seg = readElf(bytes, 'x.elf').segments.find((s) => s.paddr === 0x08000000)!;
  return seg.offset + 4 * n;
}

describe('validateImageForBoard', () => {
  it('reads SP and reset handler from the vector table at 0x08000000 on stm32f411re', () => {
    const boot = validateImageForBoard(readElf(f411, 'f411.elf'), loadBoard('stm32f411re'));
    const [sp, reset] = vectorWords(f411Path);
    expect(boot).toEqual({ vectorTableAddress: 0x08000000, initialSp: sp, resetHandler: reset - 1 });
    expect(sp).toBe(0x20000000 + 128 * 1024);
    const image = readElf(f411, 'f411.elf');
    expect(image.symbolAt(boot.resetHandler)).toBe('Reset_Handler');
  });

  it('accepts a QEMU-style image linked at 0 on mps2-an386', () => {
    const path = buildFixture('mps2', MPS2_LAYOUT);
    const boot = validateImageForBoard(readElf(readBytes(path), 'mps2.elf'), loadBoard('mps2-an386'));
    const [sp, reset] = vectorWords(path);
    expect(boot).toEqual({ vectorTableAddress: 0, initialSp: sp, resetHandler: reset - 1 });
  });

  it('an STM32 image on mps2-an386 is outside its memory (exit 14)', () => {
    expectElfError(() => validateImageForBoard(readElf(f411, 'f411.elf'), loadBoard('mps2-an386')), 14, /^f411\.elf: segment 0 at 0x08000000\.\.0x[0-9a-f]+ .* is outside mps2-an386's memory/);
  });

  it('a 300 KB table fits stm32f411re (512 KB flash) but not stm32l432kc (256 KB)', () => {
    const big = readElf(readBytes(buildFixture('big', { ...F411_LAYOUT, ramBytes: 48 * 1024, bigTableBytes: 300 * 1024 })), 'big.elf');
    expect(validateImageForBoard(big, loadBoard('stm32f411re')).vectorTableAddress).toBe(0x08000000);
    expectElfError(() => validateImageForBoard(big, loadBoard('stm32l432kc')), 14, /is outside stm32l432kc's memory/);
  });

  it('no vector table at the boot address (exit 15)', () => {
    const image = readElf(readBytes(buildFixture('late-vectors', { ...F411_LAYOUT, vectorOffset: 0x1000 })), 'late.elf');
    expectElfError(() => validateImageForBoard(image, loadBoard('stm32f411re')), 15, /no vector table at the boot address 0x08000000 of stm32f411re/);
  });

  it('a reset vector with bit 0 clear (ARM state) gives exit 15', () => {
    const b = f411.slice();
    const off = vectorWordOffset(b, 1);
    b[off] = b[off]! & ~1;
    expectElfError(() => validateImageForBoard(readElf(b, 'arm.elf'), loadBoard('stm32f411re')), 15, /reset vector 0x080[0-9a-f]+ .* has bit 0 clear, which selects ARM state/);
  });

  it('an initial SP outside RAM gives exit 15', () => {
    const b = f411.slice();
    new DataView(b.buffer).setUint32(vectorWordOffset(b, 0), 0x30000000, true);
    expectElfError(() => validateImageForBoard(readElf(b, 'sp.elf'), loadBoard('stm32f411re')), 15, /initial stack pointer 0x30000000 .* is not inside stm32f411re's RAM/);
  });
});
