// Every isa/ line has a unique name (MNEMONIC.enc, src/cpu/isa-format.ts) that `mcusim isa` and the
// decoder's entryFor() use to point at exactly one line; the loader refuses a repeated name.
import { describe, expect, it } from 'vitest';
import { Decoder, loadIsaEntries, thumbDecoder } from '../../src/cpu/decoder.js';
import { IsaFormatError, parseIsaText } from '../../src/cpu/isa-format.js';

describe('isa/ line names', () => {
  it('are unique, and entryFor() finds the very line that decodes an opcode', () => {
    const entries = loadIsaEntries();
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    const decoder = thumbDecoder();
    // ADD (immediate) T1 and ADD (register) T1 share mnemonic and encoding number: the form tells them apart
    expect(decoder.entryFor(0x1c48, 0)!.name).toBe('ADD.imm.T1'); // adds r0, r1, #1
    expect(decoder.entryFor(0x1888, 0)!.name).toBe('ADD.reg.T1'); // adds r0, r1, r2
    expect(decoder.entryFor(0x4801, 0)!.name).toBe('LDR.lit.T1'); // ldr r0, [pc, #4]
    expect(decoder.entryFor(0xfb91, 0xf0f2)!.name).toBe('SDIV.T1'); // sdiv r0, r1, r2
    const e = decoder.entryFor(0xfb91, 0xf0f2)!;
    expect([e.mnemonic, e.form, e.encoding, e.source]).toEqual(['SDIV', '', 'T1', 'isa/multiply-divide.isa']);
  });

  it('a repeated name is a load error naming both lines', () => {
    const text = 'ADDS T1 0001 110 imm3:3 Rn:3 Rd:3 addImm alu\nADDS T1 0001 100 Rm:3 Rn:3 Rd:3 addReg alu\n';
    expect(() => new Decoder(parseIsaText(text, 'isa/x.isa'))).toThrow(/isa\/x\.isa:2: name ADDS\.T1 already names isa\/x\.isa:1/);
    expect(() => parseIsaText('ADD imm.1 0001 110 imm3:3 Rn:3 Rd:3 addImm alu', 'isa/x.isa')).toThrow(IsaFormatError);
  });
});
