import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard, listBoards } from '../../src/mcu/boards/load.js';
import { linkerRegions, linkerScript } from '../../src/codegen/linker-script.js';
import { clockPlan } from '../../src/codegen/board-config.js';
import { readElf } from '../../src/elf/index.js';
import { BSP_DIR } from '../support/toolchain.js';

describe('linker scripts from board profiles', () => {
  it('FLASH is the boot memory, RAM the contiguous SRAM from 0x20000000 (mirrors not counted twice)', () => {
    const r = (name: string) => linkerRegions(loadBoard(name));
    expect(r('stm32f411re')).toMatchObject({ flash: { base: 0x08000000, size: 512 * 1024 }, ram: { base: 0x20000000, size: 128 * 1024 } });
    // L432: SRAM1 48K + SRAM2 16K seen at 0x2000C000 = 64K contiguous (RM0394 §2.2.2 memory map).
    expect(r('stm32l432kc')).toMatchObject({ flash: { base: 0x08000000, size: 256 * 1024 }, ram: { base: 0x20000000, size: 64 * 1024 } });
    // mps2: SSRAM1 (4M at 0) for code; SSRAM2/3 (4M) and not its mirror at 0x20400000.
    expect(r('mps2-an386')).toMatchObject({ flash: { base: 0, size: 4 << 20 }, ram: { base: 0x20000000, size: 4 << 20 } });
    for (const name of listBoards()) {
      const board = loadBoard(name);
      const regions = r(name);
      expect(board.memory.some((m) => m.base === regions.flash.base && m.size === regions.flash.size)).toBe(true);
    }
  });

  it('F411 runs inference at 100 MHz with 3 wait states (RM0383 Table 5, 2.7-3.6 V), L432 at 80 MHz with 4; mps2 stays at 25 MHz', () => {
    expect(clockPlan(loadBoard('stm32f411re'))).toEqual({ coreHz: 100e6, pll: { kind: 'f4', m: 8, n: 400, divider: 4, flashLatency: 3 } });
    // MSI 4 MHz / 1 * 40 / 2; RM0351 Table 9: range 1, 64 < HCLK <= 80 MHz needs 4 wait states.
    expect(clockPlan(loadBoard('stm32l432kc'))).toEqual({ coreHz: 80e6, pll: { kind: 'l4', m: 1, n: 40, divider: 2, flashLatency: 4 } });
    expect(clockPlan(loadBoard('mps2-an386'))).toEqual({ coreHz: 25e6 });
  });

  it('links with gcc: code in FLASH, .bss in RAM, the layer table kept but not allocated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-ld-'));
    try {
      writeFileSync(join(dir, 'board.ld'), linkerScript(loadBoard('stm32l432kc')));
      writeFileSync(join(dir, 'p.c'), [
        'int counter[100];',
        '__attribute__((section(".mcusim.layers"), used)) const struct { char m[4]; const void *p; } table = {"MLT1", counter};',
        'int main(void) { return counter[3]; }',
      ].join('\n'));
      const elf = join(dir, 'p.elf');
      execFileSync('arm-none-eabi-gcc', [
        '-mcpu=cortex-m4', '-mthumb', '-O2', '--specs=rdimon.specs', `-L${BSP_DIR}`, `-T${join(dir, 'board.ld')}`,
        '-Wl,--gc-sections', join(dir, 'p.c'), join(BSP_DIR, 'startup.c'), `-I${BSP_DIR}`, '-o', elf,
      ]);
      const image = readElf(new Uint8Array(readFileSync(elf)), elf);
      const section = (n: string) => image.sections.find((s) => s.name === n)!;
      expect(section('.text').addr).toBeGreaterThanOrEqual(0x08000000);
      expect(section('.bss').addr).toBeGreaterThanOrEqual(0x20000000);
      const layers = section('.mcusim.layers');
      expect(layers.flags & 2).toBe(0); // SHF_ALLOC clear: no flash or SRAM cost
      const bytes = readFileSync(elf).subarray(layers.offset, layers.offset + 8);
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('MLT1');
      const counter = image.symbols.find((s) => s.name === 'counter')!;
      expect(bytes.readUInt32LE(4)).toBe(counter.value); // the linker resolved the address inside the table
      expect(image.segments.every((s) => s.vaddr < 0x20000000 + 64 * 1024)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
