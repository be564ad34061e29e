// Opcodes to compare the decoder against objdump, per ISA family (the isa/*.isa files a family owns):
// every 16-bit halfword one of its lines matches, and random opcodes drawn from each of its lines.
import { thumbDecoder } from '../../src/cpu/decoder.js';
import type { Opcode } from './asm.js';

/** One compiled line of the decoder (its isa/ entry with mask and value). */
export type DecoderLine = ReturnType<typeof thumbDecoder>['entries'][number];

/** The decoder lines that come from any of `isaFiles` (names such as 'load-store.isa'). */
export function familyLines(isaFiles: readonly string[]): DecoderLine[] {
  return thumbDecoder().entries.filter((c) => isaFiles.some((f) => c.entry.source.endsWith(f)));
}

/** Every 16-bit halfword (below the 32-bit prefixes 0xe800) that a line from `isaFiles` decodes. */
export function familyHalfwords(isaFiles: readonly string[]): Opcode[] {
  const d = thumbDecoder();
  const ops: Opcode[] = [];
  for (let hw = 0; hw < 0xe800; hw++) {
    const e = d.entryFor(hw, 0);
    if (e && isaFiles.some((f) => e.source.endsWith(f))) ops.push({ op: hw, size: 2 });
  }
  return ops;
}

/** A line's fixed bits with the rest from `random32`: one opcode that the line matches. */
export const lineOpcode = (c: DecoderLine, random32: () => number): number => ((random32() & ~c.entry.mask) | c.entry.value) >>> 0;

/** `perLine` random opcodes from each 32-bit line, in line order. */
export function sample32BitLines(lines: readonly DecoderLine[], perLine: number, random32: () => number): Opcode[] {
  const ops: Opcode[] = [];
  for (const c of lines) {
    if (c.entry.size !== 4) continue;
    for (let k = 0; k < perLine; k++) ops.push({ op: lineOpcode(c, random32), size: 4 });
  }
  return ops;
}
