/**
 * Flash and SRAM use of a built firmware against the board: the section accounting of the profiler
 * (src/profile/memory.ts, the split of `arm-none-eabi-size -A`) plus the capacities and stack
 * reserve of the generated linker script. The stack reserve counts as SRAM: the heap may not take it.
 */
import type { ElfImage } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import { staticMemory, type SectionUse } from '../profile/memory.js';
import { linkerRegions } from './linker-script.js';

export interface MemoryUse {
  sections: SectionUse[];
  flashBytes: number;
  flashCapacity: number;
  /** Static SRAM (.data, .bss with the arena) plus the stack reserve. */
  sramBytes: number;
  sramCapacity: number;
  stackReserve: number;
}

export function memoryUse(elf: ElfImage, board: Board): MemoryUse {
  const m = staticMemory(elf, board, null);
  const r = linkerRegions(board);
  // On mps2 the linker's FLASH is SSRAM1, RAM to the board: count it as the code memory it stands for.
  const inFlash = (s: SectionUse) => s.address >= r.flash.base && s.address < r.flash.base + r.flash.size;
  const sections = m.sections.map((s) => (inFlash(s) && s.flashBytes === 0 ? { ...s, flashBytes: s.bytes, sramBytes: 0 } : s));
  return {
    sections,
    flashBytes: sections.reduce((t, s) => t + s.flashBytes, 0),
    flashCapacity: r.flash.size,
    sramBytes: sections.reduce((t, s) => t + s.sramBytes, 0) + r.stackReserve,
    sramCapacity: r.ram.size,
    stackReserve: r.stackReserve,
  };
}
