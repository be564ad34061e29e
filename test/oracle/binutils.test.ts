// The binutils oracles behind the decoder fuzz test, checked against each other and against
// encodings read from the ARMv7-M ARM: assembleThumb gives the documented bytes, objdump names them
// back, one objdump run keeps every slot apart (IT does not leak), and the Cortex-M4 filter drops
// what the M4 does not have (ARMv8-M SG, double precision, NEON) while keeping what it has.
import { describe, expect, it } from 'vitest';
import { assembleThumb, objdumpDisassemble, objdumpMnemonics, reassemblesOnCortexM4 } from '../support/asm.js';

const le16 = (...halfwords: number[]): Uint8Array => new Uint8Array(halfwords.flatMap((h) => [h & 0xff, h >>> 8]));

describe('assembleThumb', () => {
  it('encodes as the ARMv7-M ARM draws it', () => {
    // ADDS r0, r1, r2: T1 0001100 Rm Rn Rd = 0x1888. SMLAD r0, r1, r2, r3: T1 FB21 3002.
    expect([...assembleThumb('adds r0, r1, r2')]).toEqual([...le16(0x1888)]);
    expect([...assembleThumb('smlad r0, r1, r2, r3')]).toEqual([...le16(0xfb21, 0x3002)]);
    expect(() => assembleThumb('vadd.f64 d0, d1, d2')).toThrow(/arm-none-eabi-as/);
  });
});

describe('objdumpMnemonics', () => {
  it('names many encodings in one run, each slot on its own', () => {
    const words = [
      le16(0x1888), // adds
      le16(0xbf08), // it eq: must not make the next slot conditional
      le16(0x4408), // add r0, r1
      le16(0xfb21, 0x3002), // smlad
      le16(0xee20, 0x0a01), // vmul.f32 s0, s0, s2
      le16(0xffff, 0xffff), // undefined
      le16(0xde00), // udf #0
    ].map((bytes) => ({ bytes }));
    expect(objdumpMnemonics(words)).toEqual(['adds', 'it', 'add', 'smlad', 'vmul.f32', '', 'udf']);
  });
});

describe('reassemblesOnCortexM4', () => {
  it('keeps M4 instructions and drops other architectures and branch forms the M4 lacks', () => {
    const words = [
      le16(0x1888), // adds r0, r1, r2
      le16(0xfb21, 0x3002), // smlad
      le16(0xe97f, 0xe97f), // sg (ARMv8-M)
      le16(0xee30, 0x0b01), // vadd.f64 (FPv5 double)
      le16(0xefb0, 0x0000), // vext.8 (NEON)
      le16(0xd0fe), // beq.n to itself
      le16(0xf000, 0xf800), // bl
      le16(0xf000, 0xe800), // blx (immediate): ARM state only, not in ARMv7-M
    ].map((bytes) => ({ bytes }));
    const dis = objdumpDisassemble(words);
    expect(reassemblesOnCortexM4(dis, words)).toEqual([true, true, false, false, false, true, true, false]);
  });
});
