/**
 * A disassembly line per instruction from the same isa/ tables the simulator decodes with, so a
 * table bug shows up here and in the decoder fuzz test against arm-none-eabi-objdump. It prints the
 * mnemonic, the ARM ARM encoding and the decoded operand slots (not full UAL operand syntax).
 */
import type { Decoder } from './decoder.js';
import { is32BitPrefix } from './decoder.js';
import { SETFLAGS_ALWAYS, SETFLAGS_OUTSIDE_IT, type Insn } from './insn.js';

export interface DisassembledInsn {
  address: number;
  size: number;
  opcode: number;
  mnemonic: string;
  encoding: string;
  operands: string;
}

const REG_SLOTS = ['d', 'n', 'm', 'a', 't', 't2', 'dLo', 'dHi'] as const;

function operands(i: Insn): string {
  const parts: string[] = [];
  for (const slot of REG_SLOTS) if (i[slot] >= 0) parts.push(`${slot}=${i[slot]}`);
  if (i.imm !== 0) parts.push(`imm=0x${(i.imm >>> 0).toString(16)}`);
  if (i.list !== 0) parts.push(`list=0x${i.list.toString(16)}`);
  if (i.cond !== 14) parts.push(`cond=${i.cond}`);
  if (i.setflags === SETFLAGS_ALWAYS) parts.push('S');
  if (i.setflags === SETFLAGS_OUTSIDE_IT) parts.push('S-outside-IT');
  return parts.join(' ');
}

/** Disassembles `bytes` as if loaded at `address`. */
export function disassemble(decoder: Decoder, bytes: Uint8Array, address: number): DisassembledInsn[] {
  const out: DisassembledInsn[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let off = 0; off + 2 <= bytes.length; ) {
    const hw1 = view.getUint16(off, true);
    const wide = is32BitPrefix(hw1);
    if (wide && off + 4 > bytes.length) break;
    const hw2 = wide ? view.getUint16(off + 2, true) : 0;
    const insn = decoder.decode(hw1, hw2);
    out.push({
      address: address + off,
      size: insn.size,
      opcode: insn.opcode,
      mnemonic: insn.mnemonic.toLowerCase(),
      encoding: insn.encoding,
      operands: operands(insn),
    });
    off += insn.size;
  }
  return out;
}
