/**
 * Disassembles 32-bit opcodes with arm-none-eabi-objdump (Cortex-M4, FPv4-SP attributes) and returns
 * each one's mnemonic as the isa/ mnemonic column writes it: lower case, no `.f32`-style suffix,
 * 'undefined' for objdump's <UNDEFINED>.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Disassembly {
  mnemonic: string;
  /** objdump's whole instruction text. */
  text: string;
}

export function objdumpMnemonics(opcodes: number[]): Disassembly[] {
  const dir = mkdtempSync(join(tmpdir(), 'mcusim-fp-objdump-'));
  const src = join(dir, 'ops.s');
  const obj = join(dir, 'ops.o');
  const body = opcodes.map((op) => `.inst.w 0x${(op >>> 0).toString(16).padStart(8, '0')}`).join('\n');
  writeFileSync(src, `.syntax unified\n.thumb\n${body}\n`);
  execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-o', obj, src]);
  const text = execFileSync('arm-none-eabi-objdump', ['-d', obj], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out: Disassembly[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*[0-9a-f]+:\t[0-9a-f]{4} [0-9a-f]{4} \t(.*)$/);
    if (!m) continue;
    const asm = m[1]!;
    const mnemonic = asm.includes('<UNDEFINED>') ? 'undefined' : asm.split(/\s/)[0]!.split('.')[0]!.toLowerCase();
    out.push({ mnemonic, text: asm });
  }
  if (out.length !== opcodes.length) throw new Error(`objdump listed ${out.length} of ${opcodes.length} opcodes`);
  return out;
}
