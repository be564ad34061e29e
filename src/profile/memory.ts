/**
 * Where the flash and SRAM go, from the ELF alone: every allocated section with its flash bytes (the
 * load image: code, read-only data, and .data's initial values) and SRAM bytes (.data, .bss and any
 * other section placed in RAM), the size of every function and data object (as `nm -S` gives them),
 * and the layer weights (the symbol each layer-table record points at). Memory kinds come from the
 * board's memory map, so aliases and CCM count as what they are.
 */
import type { ElfImage } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import type { LayerTable } from './layer-table.js';

const SHF_ALLOC = 2;
const SHT_NOBITS = 8;

export interface SectionUse {
  name: string;
  address: number;
  /** sh_size, as `arm-none-eabi-size -A` lists it. */
  bytes: number;
  flashBytes: number;
  sramBytes: number;
}

export interface SymbolUse {
  name: string;
  address: number;
  bytes: number;
  kind: 'function' | 'object';
  region: 'flash' | 'sram' | 'other';
}

export interface StaticMemory {
  sections: SectionUse[];
  symbols: SymbolUse[];
  flashBytes: number;
  /** .data + .bss (+ other allocated sections in RAM). */
  sramStaticBytes: number;
  dataBytes: number;
  bssBytes: number;
  /** Per layer-table record: the weight symbol's name and `nm -S` size (null without a symbol there). */
  layerWeights: { symbol: string | null; symbolBytes: number | null }[];
}

type Region = 'flash' | 'sram' | 'other';

export function regionOf(board: Board, address: number): Region {
  for (const m of board.memory) {
    if (address >= m.base && address < m.base + m.size) return m.kind === 'flash' || m.kind === 'rom' ? 'flash' : 'sram';
  }
  for (const a of board.aliases) {
    if (address >= a.base && address < a.base + a.size) {
      const target = board.memory.find((m) => m.name === a.target);
      return target && (target.kind === 'flash' || target.kind === 'rom') ? 'flash' : 'sram';
    }
  }
  return 'other';
}

export function staticMemory(image: ElfImage, board: Board, table: LayerTable | null): StaticMemory {
  const sections: SectionUse[] = [];
  for (const s of image.sections) {
    if ((s.flags & SHF_ALLOC) === 0 || s.size === 0) continue;
    const run = regionOf(board, s.addr);
    // The load address: where the segment holding the section puts it (.data: flash, runs in RAM).
    const seg = image.segments.find((g) => s.addr >= g.vaddr && s.addr < g.vaddr + Math.max(g.memsz, 1));
    const load = seg ? regionOf(board, seg.paddr + (s.addr - seg.vaddr)) : run;
    const inFile = s.type !== SHT_NOBITS;
    sections.push({
      name: s.name, address: s.addr, bytes: s.size,
      flashBytes: inFile && (run === 'flash' || load === 'flash') ? s.size : 0,
      sramBytes: run === 'sram' ? s.size : 0,
    });
  }
  const symbols: SymbolUse[] = image.symbols
    // Absolute symbols (st_shndx ABS, such as linker-script constants) occupy no memory.
    .filter((s) => (s.type === 'FUNC' || s.type === 'OBJECT') && s.size > 0 && s.sectionIndex !== 0 && s.sectionIndex < 0xff00 && !s.name.startsWith('$'))
    .map((s) => ({ name: s.name, address: s.value, bytes: s.size, kind: s.type === 'FUNC' ? 'function' as const : 'object' as const, region: regionOf(board, s.value) }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  const sum = (f: (s: SectionUse) => number, only?: (s: SectionUse) => boolean) => sections.filter(only ?? (() => true)).reduce((t, s) => t + f(s), 0);
  const isData = (s: SectionUse) => s.sramBytes > 0 && s.flashBytes > 0;
  const isBss = (s: SectionUse) => s.sramBytes > 0 && s.flashBytes === 0;
  return {
    sections,
    symbols,
    flashBytes: sum((s) => s.flashBytes),
    sramStaticBytes: sum((s) => s.sramBytes),
    dataBytes: sum((s) => s.sramBytes, isData),
    bssBytes: sum((s) => s.sramBytes, isBss),
    layerWeights: (table?.layers ?? []).map((l) => {
      const sym = l.weightAddress === 0 ? undefined : image.symbols.find((s) => s.type === 'OBJECT' && s.value === l.weightAddress);
      return { symbol: sym?.name ?? null, symbolBytes: sym ? sym.size : null };
    }),
  };
}
