/**
 * Checks that need the board: every loadable segment inside the board's memory, and a usable vector
 * table at the boot address. ARMv7-M ARM B1.5.5 "Reset behavior": SP_main is loaded from word 0 of
 * the vector table and the PC from word 1, whose bit 0 must be 1 (EPSR.T; a 0 makes the first
 * instruction fault with INVSTATE), so firmware that would only lock up is refused up front.
 */
import type { Board } from '../mcu/boards/types.js';
import { ElfError } from './errors.js';
import type { ElfImage } from './read-elf.js';

export interface BootInfo {
  /** Address the vector table was read from (the boot address, or its alias if the image is linked there). */
  vectorTableAddress: number;
  initialSp: number;
  /** Reset handler address with bit 0 cleared. */
  resetHandler: number;
}

interface Span {
  name: string;
  base: number;
  end: number;
  ram: boolean;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** Memory and aliases as [base, end) spans, adjacent spans merged (SRAM1 + SRAM2 may hold one .bss). */
function memorySpans(board: Board): Span[] {
  const spans: Span[] = board.memory.map((m) => ({ name: m.name, base: m.base, end: m.base + m.size, ram: m.kind === 'sram' || m.kind === 'ccm' }));
  for (const a of board.aliases) {
    const target = board.memory.find((m) => m.name === a.target)!;
    spans.push({ name: `${a.name} (alias of ${a.target})`, base: a.base, end: a.base + a.size, ram: target.kind === 'sram' || target.kind === 'ccm' });
  }
  spans.sort((x, y) => x.base - y.base);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.base <= last.end && s.ram === last.ram) {
      last.end = Math.max(last.end, s.end);
      last.name = `${last.name}+${s.name}`;
    } else merged.push({ ...s });
  }
  return merged;
}

function readWord(image: ElfImage, address: number): number | undefined {
  for (const s of image.segments) {
    if (address >= s.paddr && address + 4 <= s.paddr + s.filesz) {
      const o = address - s.paddr;
      return (s.data[o]! | (s.data[o + 1]! << 8) | (s.data[o + 2]! << 16) | (s.data[o + 3]! << 24)) >>> 0;
    }
  }
  return undefined;
}

export function validateImageForBoard(image: ElfImage, board: Board): BootInfo {
  const fail = (kind: 'bad-segments' | 'bad-vector-table', detail: string): never => {
    throw new ElfError(kind, image.fileName, detail);
  };
  const spans = memorySpans(board);
  const spanHolding = (start: number, end: number): Span | undefined => spans.find((s) => start >= s.base && end <= s.end);

  // The file bytes must land in memory at their load address, and the whole segment (with its
  // zero-initialised tail) must fit at its run address, where the firmware uses it.
  const list = board.memory.map((m) => `${m.name} ${hex(m.base)}..${hex(m.base + m.size)}`).join(', ');
  for (const seg of image.segments) {
    if (seg.filesz > 0 && !spanHolding(seg.paddr, seg.paddr + seg.filesz)) {
      fail(
        'bad-segments',
        `segment ${seg.index} at ${hex(seg.paddr)}..${hex(seg.paddr + seg.filesz)} (${seg.filesz} bytes loaded there) is outside ${board.name}'s memory (${list})`,
      );
    }
    if (!spanHolding(seg.vaddr, seg.vaddr + seg.memsz)) {
      fail(
        'bad-segments',
        `segment ${seg.index} at run address ${hex(seg.vaddr)}..${hex(seg.vaddr + seg.memsz)} (${seg.memsz} bytes) is outside ${board.name}'s memory (${list})`,
      );
    }
  }

  // The image may be linked at the boot address or at an alias of it (STM32 flash at 0x00000000).
  const candidates = [board.bootAddress];
  for (const a of board.aliases) {
    const t = board.memory.find((m) => m.name === a.target)!;
    if (board.bootAddress >= t.base && board.bootAddress < t.base + a.size) candidates.push(a.base + (board.bootAddress - t.base));
    if (board.bootAddress >= a.base && board.bootAddress < a.base + a.size) candidates.push(t.base + (board.bootAddress - a.base));
  }
  const vectorTableAddress = candidates.find((addr) => readWord(image, addr) !== undefined && readWord(image, addr + 4) !== undefined);
  if (vectorTableAddress === undefined) {
    fail(
      'bad-vector-table',
      `no vector table at the boot address ${hex(board.bootAddress)} of ${board.name}: no loadable segment holds its first two words (link the image's .isr_vector there)`,
    );
  }
  const vt = vectorTableAddress!;
  const initialSp = readWord(image, vt)!;
  const resetVector = readWord(image, vt + 4)!;
  const ram = spans.filter((s) => s.ram);
  // A full-descending stack may start at the very end of RAM (the first push goes below it).
  if (!ram.some((s) => initialSp > s.base && initialSp <= s.end)) {
    fail('bad-vector-table', `initial stack pointer ${hex(initialSp)} (vector table word 0 at ${hex(vt)}) is not inside ${board.name}'s RAM`);
  }
  if ((resetVector & 1) === 0) {
    fail(
      'bad-vector-table',
      `reset vector ${hex(resetVector)} (vector table word 1 at ${hex(vt)}) has bit 0 clear, which selects ARM state: Cortex-M executes Thumb code only (build with -mthumb)`,
    );
  }
  const resetHandler = (resetVector & ~1) >>> 0;
  if (!spanHolding(resetHandler, resetHandler + 2)) {
    fail('bad-vector-table', `reset vector ${hex(resetVector)} (vector table word 1 at ${hex(vt)}) points outside ${board.name}'s memory`);
  }
  return { vectorTableAddress: vt, initialSp, resetHandler };
}
