/**
 * Flash and SRAM use of a linked ELF, by section, read from its section headers (the same split as
 * `arm-none-eabi-size -A`): allocated sections inside the FLASH region cost flash; inside RAM they
 * cost SRAM, and initialised RAM sections (.data) cost flash too (their load image). The stack
 * reserve of the linker script counts as SRAM: it is what the heap may not take.
 */
import type { ElfImage } from '../elf/index.js';
import type { LinkerRegions } from './linker-script.js';

const SHF_ALLOC = 2;
const SHT_NOBITS = 8;

export interface SectionUse {
  name: string;
  addr: number;
  bytes: number;
  flash: number;
  sram: number;
}

export interface MemoryUse {
  sections: SectionUse[];
  flashBytes: number;
  flashCapacity: number;
  /** Static SRAM (.data, .bss with the arena) plus the stack reserve. */
  sramBytes: number;
  sramCapacity: number;
  stackReserve: number;
}

const inside = (addr: number, r: { base: number; size: number }): boolean => addr >= r.base && addr < r.base + r.size;

export function memoryUse(elf: ElfImage, regions: LinkerRegions): MemoryUse {
  const sections: SectionUse[] = [];
  for (const s of elf.sections) {
    if (!(s.flags & SHF_ALLOC) || s.size === 0) continue;
    const inRam = inside(s.addr, regions.ram);
    const flash = inRam ? (s.type === SHT_NOBITS ? 0 : s.size) : inside(s.addr, regions.flash) ? s.size : 0;
    sections.push({ name: s.name, addr: s.addr, bytes: s.size, flash, sram: inRam ? s.size : 0 });
  }
  return {
    sections,
    flashBytes: sections.reduce((a, s) => a + s.flash, 0),
    flashCapacity: regions.flash.size,
    sramBytes: sections.reduce((a, s) => a + s.sram, 0) + regions.stackReserve,
    sramCapacity: regions.ram.size,
    stackReserve: regions.stackReserve,
  };
}
