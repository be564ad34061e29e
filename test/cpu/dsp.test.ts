/**
 * DSP extension, hand-worked from the ARM ARM (DDI 0403E, A7.7) pseudo-code: every expected value below is
 * derived in the comment next to it (lanes listed low to high). Covers lane wrap and GE per lane,
 * saturation boundaries with the sticky Q flag, halving of negative lanes, rotations, 64-bit carries and
 * the rounding of SMMULR/SMMLAR/SMMLSR. Every DSP instruction costs 1 cycle (TRM Table 3-2).
 */
import { describe, expect, it } from 'vitest';
import { stepThumb, type StepOptions } from '../support/step.js';

type Regs = NonNullable<StepOptions['regs']>;

/** Runs one instruction; returns the CPU after checking the TRM's 1 cycle. */
function run(asm: string, regs: Regs, flags: StepOptions['flags'] = {}) {
  const cpu = stepThumb(asm, { regs, flags });
  expect(cpu.stopReason, asm).toBe('');
  expect(cpu.cycles, `${asm}: cycles`).toBe(1);
  return cpu;
}

describe('parallel add/subtract: results and GE per lane', () => {
  it('SADD16: low -32768 + -32768 wraps to 0 (GE 00), high 32767 + 1 = 0x8000 as 32768 >= 0 (GE 11)', () => {
    const cpu = run('sadd16 r0, r1, r2', { r1: 0x7fff8000, r2: 0x00018000 });
    expect(cpu.r[0]).toBe(0x80000000);
    expect(cpu.ge).toBe(0b1100);
  });
  it('UADD8: GE is the carry out of each byte', () => {
    // 0x80+0x7f = 0xff (0), 0x01+0xff = 0x100 -> 00 (1), 0x7f+0x80 = 0xff (0), 0xff+0x00 = 0xff (0)
    const cpu = run('uadd8 r0, r1, r2', { r1: 0xff7f0180, r2: 0x0080ff7f });
    expect(cpu.r[0]).toBe(0xffff00ff);
    expect(cpu.ge).toBe(0b0010);
  });
  it('USUB16: GE set when there is no borrow', () => {
    // low 0x8000 - 0x7fff = 1 (GE 11); high 0 - 1 = -1 -> 0xffff (GE 00)
    const cpu = run('usub16 r0, r1, r2', { r1: 0x00008000, r2: 0x00017fff });
    expect(cpu.r[0]).toBe(0xffff0001);
    expect(cpu.ge).toBe(0b0011);
  });
  it('SSUB8: signed bytes wrap, GE = difference >= 0', () => {
    // -128-1 = -129 -> 0x7f (0); 0-(-128) = 128 -> 0x80 (1); 127-(-1) = 128 -> 0x80 (1); -128-1 -> 0x7f (0)
    const cpu = run('ssub8 r0, r1, r2', { r1: 0x807f0080, r2: 0x01ff8001 });
    expect(cpu.r[0]).toBe(0x7f80807f);
    expect(cpu.ge).toBe(0b0110);
  });
  it('SASX: low = Rn.lo - Rm.hi, high = Rn.hi + Rm.lo', () => {
    // low -32768 - 1 = -32769 -> 0x7fff (GE 00); high 32767 + 1 = 32768 -> 0x8000 (GE 11)
    const cpu = run('sasx r0, r1, r2', { r1: 0x7fff8000, r2: 0x00010001 });
    expect(cpu.r[0]).toBe(0x80007fff);
    expect(cpu.ge).toBe(0b1100);
  });
  it('USAX: low = Rn.lo + Rm.hi (carry sets GE), high = Rn.hi - Rm.lo (borrow clears GE)', () => {
    // low 0xffff + 1 = 0x10000 -> 0 (GE 11); high 0 - 1 -> 0xffff (GE 00)
    const cpu = run('usax r0, r1, r2', { r1: 0x0000ffff, r2: 0x00010001 });
    expect(cpu.r[0]).toBe(0xffff0000);
    expect(cpu.ge).toBe(0b0011);
  });
  it('QADD16 saturates each halfword and leaves GE and Q alone', () => {
    // low -65536 -> -32768; high 32768 -> 32767
    const cpu = run('qadd16 r0, r1, r2', { r1: 0x7fff8000, r2: 0x00018000 }, { ge: 0b1010, q: 0 });
    expect(cpu.r[0]).toBe(0x7fff8000);
    expect(cpu.ge).toBe(0b1010);
    expect(cpu.q).toBe(0);
  });
  it('QSUB8 saturates each byte to [-128, 127]', () => {
    // -128-1 -> -128; 127-(-128) -> 127; 127-(-1) -> 127; -128-1 -> -128
    expect(run('qsub8 r0, r1, r2', { r1: 0x807f7f80, r2: 0x01ff8001 }).r[0]).toBe(0x807f7f80);
  });
  it('QSAX: low = sat(Rn.lo + Rm.hi), high = sat(Rn.hi - Rm.lo)', () => {
    expect(run('qsax r0, r1, r2', { r1: 0x80007fff, r2: 0x00010001 }).r[0]).toBe(0x80007fff);
  });
  it('UQSUB8 clips below at 0, UQADD16 clips above at 0xffff', () => {
    // 5-6 -> 0; 0-0 = 0; 0xff-1 = 0xfe; 0x10-0x20 -> 0
    expect(run('uqsub8 r0, r1, r2', { r1: 0x10ff0005, r2: 0x20010006 }).r[0]).toBe(0x00fe0000);
    // 1 + 0xffff -> 0xffff; 0xfff0 + 0x20 -> 0xffff
    expect(run('uqadd16 r0, r1, r2', { r1: 0xfff00001, r2: 0x0020ffff }).r[0]).toBe(0xffffffff);
  });
  it('SHADD16 halves the exact sum (arithmetic shift of negative lanes)', () => {
    // low 32767 + -1 = 32766 -> 16383; high -32768 + -32768 = -65536 -> -32768
    const cpu = run('shadd16 r0, r1, r2', { r1: 0x80007fff, r2: 0x8000ffff }, { ge: 0b0110 });
    expect(cpu.r[0]).toBe(0x80003fff);
    expect(cpu.ge).toBe(0b0110);
  });
  it('UHSUB8 takes bits [8:1] of a negative difference', () => {
    // 0x00-0xff = -255 -> 0x80; 0xff-0 = 255 -> 0x7f; 1-0 -> 0; 0-0xff -> 0x80
    expect(run('uhsub8 r0, r1, r2', { r1: 0x0001ff00, r2: 0xff0000ff }).r[0]).toBe(0x80007f80);
  });
  it('UHASX: low (2 - 5) >> 1 = -2 -> 0xfffe, high (3 + 7) >> 1 = 5', () => {
    expect(run('uhasx r0, r1, r2', { r1: 0x00030002, r2: 0x00050007 }).r[0]).toBe(0x0005fffe);
  });
});

describe('saturating arithmetic and Q', () => {
  it('QADD: R[m] + R[n] saturates to INT32_MAX and sets Q', () => {
    const cpu = run('qadd r0, r1, r2', { r1: 0x7fffffff, r2: 1 });
    expect(cpu.r[0]).toBe(0x7fffffff);
    expect(cpu.q).toBe(1);
  });
  it('QADD without saturation leaves Q as it was (sticky 1, or 0)', () => {
    expect(run('qadd r0, r1, r2', { r1: 1, r2: 2 }, { q: 1 }).q).toBe(1);
    const cpu = run('qadd r0, r1, r2', { r1: 1, r2: 2 }, { q: 0 });
    expect(cpu.r[0]).toBe(3);
    expect(cpu.q).toBe(0);
  });
  it('QSUB: R[m] - R[n] = -2^31 - 1 saturates to INT32_MIN', () => {
    const cpu = run('qsub r0, r1, r2', { r1: 0x80000000, r2: 1 });
    expect(cpu.r[0]).toBe(0x80000000);
    expect(cpu.q).toBe(1);
  });
  it('QDADD: the doubling fits (0x7ffffffe), the sum saturates', () => {
    const cpu = run('qdadd r0, r1, r2', { r1: 0x10, r2: 0x3fffffff });
    expect(cpu.r[0]).toBe(0x7fffffff);
    expect(cpu.q).toBe(1);
  });
  it('QDADD: the doubling saturates (2^31 -> 0x7fffffff), the sum -1 does not; Q still set', () => {
    const cpu = run('qdadd r0, r1, r2', { r1: 0x80000000, r2: 0x40000000 });
    expect(cpu.r[0]).toBe(0xffffffff);
    expect(cpu.q).toBe(1);
  });
  it('QDSUB: 0 - sat(2 * -2^31) = 0 - (-2^31) saturates to 0x7fffffff', () => {
    const cpu = run('qdsub r0, r1, r2', { r1: 0, r2: 0x80000000 });
    expect(cpu.r[0]).toBe(0x7fffffff);
    expect(cpu.q).toBe(1);
  });
  it('SSAT16 #1: range [-1, 0]; 1 -> 0 sets Q, -1 stays', () => {
    const cpu = run('ssat16 r0, #1, r1', { r1: 0xffff0001 });
    expect(cpu.r[0]).toBe(0xffff0000);
    expect(cpu.q).toBe(1);
  });
  it('SSAT16 #16 never clips', () => {
    const cpu = run('ssat16 r0, #16, r1', { r1: 0x80007fff });
    expect(cpu.r[0]).toBe(0x80007fff);
    expect(cpu.q).toBe(0);
  });
  it('USAT16 #0 clips everything to 0; #15 clips negatives; #8 clips 256 to 255', () => {
    const zero = run('usat16 r0, #0, r1', { r1: 0x0001ffff });
    expect(zero.r[0]).toBe(0);
    expect(zero.q).toBe(1);
    const neg = run('usat16 r0, #15, r1', { r1: 0x80007fff });
    expect(neg.r[0]).toBe(0x00007fff);
    expect(neg.q).toBe(1);
    const byte = run('usat16 r0, #8, r1', { r1: 0x00ff0100 });
    expect(byte.r[0]).toBe(0x00ff00ff);
    expect(byte.q).toBe(1);
  });
});

describe('select, pack, extend, absolute difference', () => {
  it('SEL takes byte k from Rn when GE[k] is set', () => {
    // GE 0101: bytes 0 and 2 from r1 (0x44, 0x22), bytes 1 and 3 from r2 (0xcc, 0xaa)
    expect(run('sel r0, r1, r2', { r1: 0x11223344, r2: 0xaabbccdd }, { ge: 0b0101 }).r[0]).toBe(0xaa22cc44);
  });
  it('PKHBT: Rn bottom, (Rm LSL 8) top', () => {
    expect(run('pkhbt r0, r1, r2, lsl #8', { r1: 0x12345678, r2: 0xaabbccdd }).r[0]).toBe(0xbbcc5678);
  });
  it('PKHTB: Rn top, (Rm ASR n) bottom; ASR #32 gives the sign', () => {
    expect(run('pkhtb r0, r1, r2, asr #4', { r1: 0x12345678, r2: 0x0000abcd }).r[0]).toBe(0x12340abc);
    expect(run('pkhtb r0, r1, r2, asr #32', { r1: 0x12345678, r2: 0x80001234 }).r[0]).toBe(0x1234ffff);
  });
  it('SXTAB/UXTAB/SXTAH/UXTAH add the rotated, extended byte or halfword', () => {
    // ROR(0x0000f000, 8) = 0xf0 -> -16; 0x10 - 16 = 0
    expect(run('sxtab r0, r1, r2, ror #8', { r1: 0x10, r2: 0x0000f000 }).r[0]).toBe(0);
    // 0xffffffff + 0xff wraps to 0xfe
    expect(run('uxtab r0, r1, r2', { r1: 0xffffffff, r2: 0x000000ff }).r[0]).toBe(0xfe);
    // ROR(0x80000000, 16) = 0x8000 -> -32768; 0x10000 - 0x8000 = 0x8000
    expect(run('sxtah r0, r1, r2, ror #16', { r1: 0x00010000, r2: 0x80000000 }).r[0]).toBe(0x8000);
    // ROR(0x3400ff12, 24) = 0x00ff1234 -> 0x1234; + 1
    expect(run('uxtah r0, r1, r2, ror #24', { r1: 1, r2: 0x3400ff12 }).r[0]).toBe(0x1235);
  });
  it('SXTB16/UXTB16 extend bytes 0 and 2 of the rotated value', () => {
    // bytes 0x7f -> 0x007f, 0x80 -> 0xff80
    expect(run('sxtb16 r0, r1', { r1: 0x12805a7f }).r[0]).toBe(0xff80007f);
    // ROR(0x80ff7f01, 8) = 0x0180ff7f: bytes 0x7f, 0x80
    expect(run('sxtb16 r0, r1, ror #8', { r1: 0x80ff7f01 }).r[0]).toBe(0xff80007f);
    // ROR(0x11223344, 24) = 0x22334411: bytes 0x11, 0x33
    expect(run('uxtb16 r0, r1, ror #24', { r1: 0x11223344 }).r[0]).toBe(0x00330011);
  });
  it('SXTAB16/UXTAB16: two independent 16-bit adds, no carry between halves', () => {
    // low 0x8000 + 1 = 0x8001; high 0x7fff + (-128) = 0x7f7f
    expect(run('sxtab16 r0, r1, r2', { r1: 0x7fff8000, r2: 0x0080ff01 }).r[0]).toBe(0x7f7f8001);
    // low 0x0001 + (-1) = 0; high 0xffff + 1 wraps to 0 (the carry does not leave the lane)
    expect(run('sxtab16 r0, r1, r2', { r1: 0xffff0001, r2: 0x000100ff }).r[0]).toBe(0);
    // low 0x00ff + 1 = 0x0100; high 0xffff + 1 -> 0
    expect(run('uxtab16 r0, r1, r2', { r1: 0xffff00ff, r2: 0x00010001 }).r[0]).toBe(0x00000100);
  });
  it('USAD8 sums |differences| of unsigned bytes; USADA8 adds Ra (mod 2^32)', () => {
    expect(run('usad8 r0, r1, r2', { r1: 0xff00ff00, r2: 0x00ff00ff }).r[0]).toBe(4 * 255);
    expect(run('usada8 r0, r1, r2, r3', { r1: 0xff00ff00, r2: 0x00ff00ff, r3: 0xfffffc04 }).r[0]).toBe(0);
  });
});

describe('halfword and dual multiplies', () => {
  it('SMUL<x><y> picks bottom/top signed halves', () => {
    const regs = { r1: 0x0001fffe, r2: 0x7fff0003 }; // r1: hi 1, lo -2; r2: hi 32767, lo 3
    expect(run('smulbb r0, r1, r2', regs).r[0]).toBe(0xfffffffa); // -2 * 3
    expect(run('smulbt r0, r1, r2', regs).r[0]).toBe(0xffff0002); // -2 * 32767 = -65534
    expect(run('smultb r0, r1, r2', regs).r[0]).toBe(3); // 1 * 3
    expect(run('smultt r0, r1, r2', regs).r[0]).toBe(0x7fff); // 1 * 32767
    expect(run('smultt r0, r1, r2', { r1: 0x80000000, r2: 0x80000000 }).r[0]).toBe(0x40000000); // 2^30
  });
  it('SMLABB: 2^30 + 2^30 overflows to 0x80000000 and sets Q; no overflow leaves Q', () => {
    const over = run('smlabb r0, r1, r2, r3', { r1: 0x8000, r2: 0x8000, r3: 0x40000000 });
    expect(over.r[0]).toBe(0x80000000);
    expect(over.q).toBe(1);
    const fine = run('smlabb r0, r1, r2, r3', { r1: 2, r2: 3, r3: 0xfffffff6 }); // 6 - 10
    expect(fine.r[0]).toBe(0xfffffffc);
    expect(fine.q).toBe(0);
    // 2^30 + (-2^30 - 1) = -1
    expect(run('smlatt r0, r1, r2, r3', { r1: 0x80000000, r2: 0x80000000, r3: 0xbfffffff }).r[0]).toBe(0xffffffff);
  });
  it('SMULW<y>: bits 47:16 of the 48-bit product', () => {
    // -2^31 * -32768 = 2^46 -> 2^30
    expect(run('smulwb r0, r1, r2', { r1: 0x80000000, r2: 0x00008000 }).r[0]).toBe(0x40000000);
    // -1 * 1 = -1 -> bits 47:16 all ones
    expect(run('smulwt r0, r1, r2', { r1: 0xffffffff, r2: 0x00010000 }).r[0]).toBe(0xffffffff);
  });
  it('SMLAW<y>: (product + (Ra << 16)) >> 16; 2^31 does not fit and sets Q', () => {
    // 2^46 + (2^30 << 16) = 2^47 -> 2^31
    const over = run('smlawb r0, r1, r2, r3', { r1: 0x80000000, r2: 0x8000, r3: 0x40000000 });
    expect(over.r[0]).toBe(0x80000000);
    expect(over.q).toBe(1);
    // (3 * 2^17 + 5 * 2^16) >> 16 = 6 + 5
    const fine = run('smlawt r0, r1, r2, r3', { r1: 0x00020000, r2: 0x00030000, r3: 5 });
    expect(fine.r[0]).toBe(11);
    expect(fine.q).toBe(0);
  });
  it('SMUAD{X}/SMUSD{X}: dual products, X swaps Rm halves', () => {
    const regs = { r1: 0x00020003, r2: 0x00040005 };
    expect(run('smuad r0, r1, r2', regs).r[0]).toBe(3 * 5 + 2 * 4);
    expect(run('smuadx r0, r1, r2', regs).r[0]).toBe(3 * 4 + 2 * 5);
    expect(run('smusd r0, r1, r2', regs).r[0]).toBe(3 * 5 - 2 * 4);
    expect(run('smusdx r0, r1, r2', regs).r[0]).toBe(3 * 4 - 2 * 5);
    expect(run('smusd r0, r1, r2', { r1: 0x00030001, r2: 0x00050002 }).r[0]).toBe(0xfffffff3); // 2 - 15
  });
  it('SMUAD: 0x8000 * 0x8000 twice = 2^31 overflows and sets Q', () => {
    const cpu = run('smuad r0, r1, r2', { r1: 0x80008000, r2: 0x80008000 });
    expect(cpu.r[0]).toBe(0x80000000);
    expect(cpu.q).toBe(1);
  });
  it('SMLAD: 2 * 32767^2 + 0x7fffffff = 4294836225 wraps to 0xfffe0001 and sets Q', () => {
    const cpu = run('smlad r0, r1, r2, r3', { r1: 0x7fff7fff, r2: 0x7fff7fff, r3: 0x7fffffff });
    expect(cpu.r[0]).toBe(0xfffe0001);
    expect(cpu.q).toBe(1);
  });
  it('SMLSD{X}: p1 - p2 + Ra, Q on overflow', () => {
    expect(run('smlsd r0, r1, r2, r3', { r1: 0x00020003, r2: 0x00040005, r3: 100 }).r[0]).toBe(107);
    // X: Rm = 0x7fff8000; 1 * -32768 - (-32768 * 32767) = -32768 + 1073709056 = 0x3fff0000; + 0x7fffffff = 0xbffeffff
    const cpu = run('smlsdx r0, r1, r2, r3', { r1: 0x80000001, r2: 0x80007fff, r3: 0x7fffffff });
    expect(cpu.r[0]).toBe(0xbffeffff);
    expect(cpu.q).toBe(1);
  });
  it('multiplies leave GE, N Z C V untouched', () => {
    const cpu = run('smlad r0, r1, r2, r3', { r1: 1, r2: 1, r3: 1 }, { ge: 0b1001, n: 1, z: 1, c: 1, v: 1 });
    expect([cpu.ge, cpu.n, cpu.z, cpu.c, cpu.v, cpu.q]).toEqual([0b1001, 1, 1, 1, 1, 0]);
  });
});

describe('most-significant-word and long multiplies', () => {
  it('SMMUL: top word of -2^31 * -2^31 = 2^62', () => {
    expect(run('smmul r0, r1, r2', { r1: 0x80000000, r2: 0x80000000 }).r[0]).toBe(0x40000000);
  });
  it('SMMULR rounds: -1 -> 0 (carry out of the low word), 2^31 -> 1; SMMUL truncates them', () => {
    expect(run('smmul r0, r1, r2', { r1: 0xffffffff, r2: 1 }).r[0]).toBe(0xffffffff);
    expect(run('smmulr r0, r1, r2', { r1: 0xffffffff, r2: 1 }).r[0]).toBe(0);
    expect(run('smmul r0, r1, r2', { r1: 0x00010000, r2: 0x00008000 }).r[0]).toBe(0);
    expect(run('smmulr r0, r1, r2', { r1: 0x00010000, r2: 0x00008000 }).r[0]).toBe(1);
  });
  it('SMMLA{R}: (Ra << 32) + product', () => {
    expect(run('smmla r0, r1, r2, r3', { r1: 0x10000, r2: 0x10000, r3: 5 }).r[0]).toBe(6); // 2^32 + 5 << 32
    // (2^31-1)^2 = 0x3fffffff_00000001; + 0x7fffffff << 32 -> 0xbffffffe; low 1 does not round up
    expect(run('smmlar r0, r1, r2, r3', { r1: 0x7fffffff, r2: 0x7fffffff, r3: 0x7fffffff }).r[0]).toBe(0xbffffffe);
  });
  it('SMMLS{R}: (Ra << 32) - product, rounding across the borrow', () => {
    expect(run('smmls r0, r1, r2, r3', { r1: 1, r2: 1, r3: 0 }).r[0]).toBe(0xffffffff); // -1
    expect(run('smmlsr r0, r1, r2, r3', { r1: 1, r2: 1, r3: 0 }).r[0]).toBe(0); // -1 + 2^31 -> top 0
    expect(run('smmls r0, r1, r2, r3', { r1: 0x10000, r2: 0x8000, r3: 0 }).r[0]).toBe(0xffffffff); // -2^31
    expect(run('smmlsr r0, r1, r2, r3', { r1: 0x10000, r2: 0x8000, r3: 0 }).r[0]).toBe(0); // -2^31 + 2^31
    expect(run('smmls r0, r1, r2, r3', { r1: 0x10000, r2: 0x10000, r3: 7 }).r[0]).toBe(6); // 7 << 32 - 2^32
  });
  it('UMAAL: (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1; small case carries into RdHi', () => {
    const max = run('umaal r0, r1, r2, r3', { r0: 0xffffffff, r1: 0xffffffff, r2: 0xffffffff, r3: 0xffffffff });
    expect([max.r[0], max.r[1]]).toEqual([0xffffffff, 0xffffffff]);
    const small = run('umaal r0, r1, r2, r3', { r0: 5, r1: 7, r2: 0x10000, r3: 0x10000 });
    expect([small.r[0], small.r[1]]).toEqual([12, 1]);
  });
  it('SMLAL<x><y>: 64-bit accumulate with carry and sign extension, no Q', () => {
    const carry = run('smlalbb r0, r1, r2, r3', { r0: 0xffffffff, r1: 0x7fffffff, r2: 1, r3: 1 });
    expect([carry.r[0], carry.r[1], carry.q]).toEqual([0, 0x80000000, 0]);
    // -32768 * 32767 = -1073709056 = 0xffffffff_c0008000
    const neg = run('smlaltt r0, r1, r2, r3', { r0: 0, r1: 0, r2: 0x80000000, r3: 0x7fff0000 });
    expect([neg.r[0], neg.r[1]]).toEqual([0xc0008000, 0xffffffff]);
  });
  it('SMLALD{X}/SMLSLD{X}: dual products accumulated in 64 bits', () => {
    expect([...run('smlald r0, r1, r2, r3', { r0: 10, r1: 0, r2: 0x00020003, r3: 0x00040005 }).r.subarray(0, 2)]).toEqual([33, 0]);
    // 0x7fffffff_ffffffff + 2^31 = 0x80000000_7fffffff
    const sum = run('smlald r0, r1, r2, r3', { r0: 0xffffffff, r1: 0x7fffffff, r2: 0x80008000, r3: 0x80008000 });
    expect([sum.r[0], sum.r[1], sum.q]).toEqual([0x7fffffff, 0x80000000, 0]);
    // X: Rm = 0x80007fff; 32767 * 32767 - (-32768 * -32768) = -65535; 0x80000000_00000000 - 65535
    const diff = run('smlsldx r0, r1, r2, r3', { r0: 0, r1: 0x80000000, r2: 0x80007fff, r3: 0x7fff8000 });
    expect([diff.r[0], diff.r[1]]).toEqual([0xffff0001, 0x7fffffff]);
  });
});

describe('conditional execution', () => {
  it('a DSP instruction failing its IT condition changes neither Rd nor GE', () => {
    const cpu = stepThumb('it eq\nsadd16eq r0, r1, r2', { regs: { r0: 7, r1: 1, r2: 1 }, flags: { z: 0, ge: 0b0101 } });
    expect(cpu.r[0]).toBe(7);
    expect(cpu.ge).toBe(0b0101);
  });
});
