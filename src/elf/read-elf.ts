/**
 * ELF32 little-endian ARM executables: header, program headers, section headers and the symbol table,
 * with strict validation (System V ABI "ELF" chapter 4; ARM IHI 0044 "ELF for the Arm Architecture").
 * Every offset and size is checked against the file before it is read, so a damaged file gives one
 * ElfError line (src/elf/errors.ts) and never a RangeError.
 */
import { ElfError } from './errors.js';
import { readSymbols, SymbolIndex, type ElfSymbol } from './symbols.js';

export const EM_ARM = 40;
const ET_EXEC = 2;
const PT_LOAD = 1;
const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;

/** e_machine values worth naming in a message (System V ABI registry). */
const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: 'x86 (i386)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM',
  50: 'IA-64',
  62: 'x86-64',
  83: 'AVR',
  94: 'Xtensa',
  105: 'MSP430',
  183: 'AArch64',
  243: 'RISC-V',
};

const SECTION_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NULL', 1: 'PROGBITS', 2: 'SYMTAB', 3: 'STRTAB', 4: 'RELA', 5: 'HASH', 6: 'DYNAMIC', 7: 'NOTE',
  8: 'NOBITS', 9: 'REL', 11: 'DYNSYM', 14: 'INIT_ARRAY', 15: 'FINI_ARRAY', 16: 'PREINIT_ARRAY',
  0x70000001: 'ARM_EXIDX', 0x70000003: 'ARM_ATTRIBUTES',
};

/** A program header. `data` holds the filesz bytes from the file; the rest up to memsz is zero. */
export interface ElfSegment {
  index: number;
  type: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  /** PF_X = 1, PF_W = 2, PF_R = 4. */
  flags: number;
  align: number;
  data: Uint8Array;
}

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  /** readelf's name for the type (PROGBITS, NOBITS, ARM_ATTRIBUTES, ...) or hex. */
  typeName: string;
  /** SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, ... */
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfImage {
  fileName: string;
  /** e_entry (bit 0 set for a Thumb entry point). The CPU starts from the vector table instead. */
  entry: number;
  /** e_flags: EABI version and float ABI (ARM IHI 0044 §5.2). */
  flags: number;
  /** All program headers in file order. */
  programHeaders: ElfSegment[];
  /** The PT_LOAD program headers with memsz > 0, in file order: what gets loaded. */
  segments: ElfSegment[];
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** `func` or `func+0x12` for the function/object holding `address`, undefined outside all of them. */
  symbolAt(address: number): string | undefined;
  symbolIndex: SymbolIndex;
}

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Parses and checks an ELF file; throws ElfError for anything that is not a 32-bit LE ARM executable. */
export function readElf(bytes: Uint8Array, fileName: string): ElfImage {
  const fail = (kind: ConstructorParameters<typeof ElfError>[0], detail: string): never => {
    throw new ElfError(kind, fileName, detail);
  };
  const len = bytes.length;
  const magicOk = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (len === 0) fail('not-elf', 'empty file, not an ELF executable');
  if (len < 4 || !magicOk) {
    if (len < 4 && [0x7f, 0x45, 0x4c].slice(0, len).every((b, i) => bytes[i] === b)) {
      fail('not-elf', `truncated ELF file (${len} bytes; the ELF header needs ${EHDR_SIZE})`);
    }
    fail('not-elf', 'not an ELF file (no \\x7fELF magic number at the start)');
  }
  if (len < 20) fail('not-elf', `truncated ELF file (${len} bytes; the ELF header needs ${EHDR_SIZE})`);

  const elfClass = bytes[4]!;
  const data = bytes[5]!;
  if (elfClass !== 1 && elfClass !== 2) fail('not-elf', `invalid ELF identification: EI_CLASS is ${elfClass} (expected 1, ELFCLASS32)`);
  if (data !== 1 && data !== 2) fail('not-elf', `invalid ELF identification: EI_DATA is ${data} (expected 1, little-endian)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, len);
  // e_machine sits at offset 18 in both classes; read it in the file's own byte order.
  const machine = dv.getUint16(18, data === 1);
  const target = 'mcusim runs Cortex-M4 (ARM 32-bit) firmware';
  if (machine !== EM_ARM && MACHINE_NAMES[machine] !== undefined) {
    fail('wrong-machine', `built for ${MACHINE_NAMES[machine]} (e_machine ${machine}${elfClass === 2 ? ', ELFCLASS64' : ''}), not ARM: ${target}`);
  }
  if (elfClass === 2) fail('wrong-class', `not a 32-bit ELF (ELFCLASS64): ${target}`);
  if (data === 2) fail('wrong-endianness', `big-endian ELF (ELFDATA2MSB): ${target} in little-endian byte order`);
  if (machine !== EM_ARM) fail('wrong-machine', `built for ${machineName(machine)} (e_machine ${machine}), not ARM (40): ${target}`);
  if (len < EHDR_SIZE) fail('not-elf', `truncated ELF file (${len} bytes; the ELF header needs ${EHDR_SIZE})`);

  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const type = u16(16);
  if (u32(20) !== 1) fail('not-elf', `unsupported ELF version ${u32(20)} (expected 1)`);
  if (type !== ET_EXEC) {
    const what = type === 1 ? 'a relocatable object (ET_REL)' : type === 3 ? 'a shared object (ET_DYN)' : `ELF type ${type}`;
    fail('not-elf', `${what}, not a linked executable (ET_EXEC): link it first`);
  }
  const entry = u32(24);
  const phoff = u32(28);
  const shoff = u32(32);
  const flags = u32(36);
  const ehsize = u16(40);
  const phentsize = u16(42);
  const phnum = u16(44);
  const shentsize = u16(46);
  const shnum = u16(48);
  const shstrndx = u16(50);
  if (ehsize !== EHDR_SIZE) fail('not-elf', `bad ELF header size ${ehsize} (expected ${EHDR_SIZE})`);
  if (phnum > 0 && phentsize !== PHDR_SIZE) fail('not-elf', `bad program header size ${phentsize} (expected ${PHDR_SIZE})`);
  if (shnum > 0 && shentsize !== SHDR_SIZE) fail('not-elf', `bad section header size ${shentsize} (expected ${SHDR_SIZE})`);
  const inFile = (off: number, size: number): boolean => off <= len && size <= len - off;
  if (!inFile(phoff, phnum * PHDR_SIZE)) {
    fail('not-elf', `truncated ELF file: program headers at ${hex(phoff)} (${phnum} x ${PHDR_SIZE} bytes) run past the end (${len} bytes)`);
  }
  if (!inFile(shoff, shnum * SHDR_SIZE)) {
    fail('not-elf', `truncated ELF file: section headers at ${hex(shoff)} (${shnum} x ${SHDR_SIZE} bytes) run past the end (${len} bytes)`);
  }
  if (shnum > 0 && shstrndx >= shnum) fail('not-elf', `section name table index ${shstrndx} is not below the section count ${shnum}`);

  const programHeaders: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    const offset = u32(o + 4);
    const filesz = u32(o + 16);
    if (!inFile(offset, filesz)) {
      fail('not-elf', `truncated ELF file: segment ${i} data (${hex(offset)}, ${filesz} bytes) runs past the end (${len} bytes)`);
    }
    programHeaders.push({
      index: i,
      type: u32(o),
      offset,
      vaddr: u32(o + 8),
      paddr: u32(o + 12),
      filesz,
      memsz: u32(o + 20),
      flags: u32(o + 24),
      align: u32(o + 28),
      data: bytes.subarray(offset, offset + filesz),
    });
  }

  const rawSections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    const s = {
      index: i,
      nameOffset: u32(o),
      type: u32(o + 4),
      flags: u32(o + 8),
      addr: u32(o + 12),
      offset: u32(o + 16),
      size: u32(o + 20),
      link: u32(o + 24),
      info: u32(o + 28),
      entsize: u32(o + 36),
    };
    if (s.type !== SHT_NOBITS && s.type !== 0 && !inFile(s.offset, s.size)) {
      fail('not-elf', `truncated ELF file: section ${i} data (${hex(s.offset)}, ${s.size} bytes) runs past the end (${len} bytes)`);
    }
    rawSections.push(s);
  }
  const names = shnum > 0 ? rawSections[shstrndx]! : undefined;
  const nameAt = (tableOffset: number, tableSize: number, at: number): string => readString(bytes, tableOffset, tableSize, at);
  const sections: ElfSection[] = rawSections.map((s) => ({
    index: s.index,
    name: names ? nameAt(names.offset, names.size, s.nameOffset) : '',
    type: s.type,
    typeName: SECTION_TYPE_NAMES[s.type] ?? hex(s.type),
    flags: s.flags,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
    link: s.link,
    info: s.info,
    entsize: s.entsize,
  }));

  const segments = programHeaders.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  checkSegments(segments, fail);

  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  let symbols: ElfSymbol[] = [];
  if (symtab) {
    const strtab = sections[symtab.link];
    if (!strtab || strtab.type !== 3) fail('not-elf', `symbol table ${symtab.name} links to section ${symtab.link}, which is not a string table`);
    if (symtab.entsize !== 16) fail('not-elf', `symbol table entry size ${symtab.entsize} (expected 16)`);
    symbols = readSymbols(dv, symtab.offset, symtab.size, (at) => nameAt(strtab!.offset, strtab!.size, at));
    // Section symbols have no name of their own; like readelf, call them by their section's name.
    for (const sym of symbols) if (sym.type === 'SECTION' && sym.name === '') sym.name = sections[sym.sectionIndex]?.name ?? '';
  }
  const symbolIndex = new SymbolIndex(symbols);
  return {
    fileName,
    entry,
    flags,
    programHeaders,
    segments,
    sections,
    symbols,
    symbolIndex,
    symbolAt: (address) => symbolIndex.describe(address),
  };
}

/**
 * Segment sanity. Only the file bytes (p_filesz at p_paddr) are loaded, as QEMU's ELF loader and a
 * flash programmer do; the memsz - filesz tail is zero-initialised memory at the run address
 * (p_vaddr), which the startup code clears. Vendor linker scripts (STM32CubeIDE: `.data >RAM AT>
 * FLASH` followed by `.bss >RAM`) give that tail load addresses in flash after .data, overlapping the
 * next segment's, so overlap is judged on file bytes only.
 */
function checkSegments(segments: ElfSegment[], fail: (kind: 'bad-segments', detail: string) => never): void {
  if (segments.length === 0) fail('bad-segments', 'no loadable (PT_LOAD) segment: nothing to put in memory');
  for (const s of segments) {
    if (s.filesz > s.memsz) fail('bad-segments', `segment ${s.index} has more file bytes (${s.filesz}) than memory bytes (${s.memsz})`);
    if (s.paddr + s.filesz > 0x1_0000_0000) fail('bad-segments', `segment ${s.index} at ${hex(s.paddr)} (${s.filesz} file bytes) wraps past 0xffffffff`);
    if (s.vaddr + s.memsz > 0x1_0000_0000) fail('bad-segments', `segment ${s.index} at run address ${hex(s.vaddr)} (${s.memsz} bytes) wraps past 0xffffffff`);
  }
  const byAddr = segments.filter((s) => s.filesz > 0).sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < byAddr.length; i++) {
    const prev = byAddr[i - 1]!;
    const cur = byAddr[i]!;
    if (cur.paddr < prev.paddr + prev.filesz) {
      fail(
        'bad-segments',
        `segments ${prev.index} (${hex(prev.paddr)}..${hex(prev.paddr + prev.filesz)}) and ${cur.index} (${hex(cur.paddr)}..${hex(cur.paddr + cur.filesz)}) overlap in load addresses: both put file bytes there`,
      );
    }
  }
}

const decoder = new TextDecoder('utf-8');

/** A NUL-terminated string from a string table; an index outside the table gives ''. */
function readString(bytes: Uint8Array, tableOffset: number, tableSize: number, at: number): string {
  if (at >= tableSize) return '';
  const start = tableOffset + at;
  const end = tableOffset + tableSize;
  let stop = start;
  while (stop < end && bytes[stop] !== 0) stop++;
  return decoder.decode(bytes.subarray(start, stop));
}
