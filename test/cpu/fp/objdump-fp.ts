/**
 * Disassembles 32-bit opcodes with arm-none-eabi-objdump (Cortex-M4, FPv4-SP attributes) and returns
 * each one's mnemonic as the isa/ mnemonic column writes it: lower case, no `.f32`-style suffix,
 * 'undefined' for objdump's <UNDEFINED>.
 */
import { objdumpOpcodeText } from '../../support/asm.js';

export interface Disassembly {
  mnemonic: string;
  /** objdump's whole instruction text. */
  text: string;
}

export function objdumpMnemonics(opcodes: number[]): Disassembly[] {
  const listing = objdumpOpcodeText(opcodes.map((op) => ({ op, size: 4 })), ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16']);
  const out = listing.map((asm) => ({
    mnemonic: asm.includes('<UNDEFINED>') ? 'undefined' : asm.split(/\s/)[0]!.split('.')[0]!.toLowerCase(),
    text: asm,
  }));
  if (out.length !== opcodes.length) throw new Error(`objdump listed ${out.length} of ${opcodes.length} opcodes`);
  return out;
}
