/** ELF32 reader for Cortex-M firmware: parse (readElf), check against a board (validateImageForBoard). */
export { ElfError, ELF_EXIT_CODES, type ElfErrorKind } from './errors.js';
export { readElf, machineName, EM_ARM, type ElfImage, type ElfSegment, type ElfSection } from './read-elf.js';
export { SymbolIndex, type ElfSymbol, type SymbolType, type SymbolBinding } from './symbols.js';
export { validateImageForBoard, type BootInfo } from './validate-for-board.js';
