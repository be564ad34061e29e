/**
 * The FP part of the decoder against arm-none-eabi-objdump (the encoding oracle): random opcodes from
 * the coprocessor 10/11 space of Thumb-2 (hw1 0xEC00-0xEEFF, hw2 bits 11:9 = 101) must decode to the
 * mnemonic objdump prints. objdump also decodes forms that do not exist on a Cortex-M4 (8/16-bit
 * scalar moves of Advanced SIMD, v8 VRINT/VSEL/VJCVT, v8.1-M VSCCLRM, other VMRS/VMSR system
 * registers, MCR/MRC/MCRR/MRRC to coprocessors 10/11): those must not decode as FP instructions.
 */
import { describe, expect, it } from 'vitest';
import { thumbDecoder } from '../../src/cpu/decoder.js';
import { makeRng } from './fp/fp-cases.js';
import { objdumpMnemonics, type Disassembly } from './fp/objdump-fp.js';

/** objdump mnemonics for encodings that are not FPv4-SP instructions (ARMv7-M ARM §A6). */
const NOT_ON_FPV4 = new Set([
  'mcr', 'mrc', 'mcrr', 'mrrc', 'cdp', 'vdup', 'vrintz', 'vrintx', 'vrintr', 'vrinta', 'vrintn', 'vrintp', 'vrintm',
  'vjcvt', 'vsel', 'vmaxnm', 'vminnm', 'vcvta', 'vcvtn', 'vcvtp', 'vcvtm', 'vins', 'vmovx', 'vscclrm',
]);

/**
 * Generic coprocessor instructions (isa/coprocessor.isa, another family): where no FP encoding matches,
 * the CP10/CP11 space falls to them; what they decode there is that family's concern, not checked here.
 */
const GENERIC_COPROCESSOR = new Set(['cdp', 'ldc', 'ldcl', 'stc', 'stcl', 'mcr', 'mrc', 'mcrr', 'mrrc']);

function notOnFpv4(d: Disassembly, opcode: number): boolean {
  if (NOT_ON_FPV4.has(d.mnemonic) || d.mnemonic.startsWith('vsel')) return true;
  // VMOV.32 Rt, Dn[x] with U (bit 23) set: U:opc1:opc2 = 10x00 is UNDEFINED (ARM ARM), objdump ignores U.
  if (/^vmov\.32\s+\w+, d/.test(d.text) && ((opcode >>> 23) & 1) === 1) return true;
  // Advanced SIMD scalar moves of bytes and halfwords; VMRS/VMSR of FPSID, FPEXC, MVFR0/1 and others.
  if (/^vmov\.[su]?(8|16)\s/.test(d.text)) return true;
  if (/^vm(rs|sr)\s/.test(d.text) && !/fpscr/.test(d.text)) return true;
  return false;
}

describe('FPv4-SP decoder vs arm-none-eabi-objdump', () => {
  it('decodes 20000 random coprocessor 10/11 opcodes to objdump\'s mnemonic', () => {
    const rng = makeRng(0xdec0de);
    const opcodes: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const hw1 = 0xec00 + (rng() % 0x300);
      const hw2 = (rng() & 0xf1ff) | 0x0a00;
      opcodes.push(((hw1 << 16) | hw2) >>> 0);
    }
    const reference = objdumpMnemonics(opcodes);
    const decoder = thumbDecoder();
    const mismatches: string[] = [];
    let compared = 0;
    opcodes.forEach((op, k) => {
      const ours = decoder.decode(op >>> 16, op & 0xffff).mnemonic.toLowerCase();
      const theirs = reference[k]!;
      if (GENERIC_COPROCESSOR.has(ours) && (theirs.mnemonic === 'undefined' || notOnFpv4(theirs, op))) return;
      if (notOnFpv4(theirs, op)) {
        // v8.1-M VSCCLRM shares its encoding with VLDMIA Rn=PC of ARMv7-M; everything else must be UNDEFINED.
        const allowed = theirs.mnemonic === 'vscclrm' ? 'vldmia' : 'undefined';
        if (ours !== allowed) mismatches.push(`${op.toString(16)}: objdump '${theirs.text}' (not FPv4-SP), ours ${ours}`);
        return;
      }
      compared++;
      if (ours !== theirs.mnemonic) mismatches.push(`${op.toString(16)}: objdump '${theirs.text}', ours ${ours}`);
    });
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  });
});
