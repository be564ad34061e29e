// LDRD/STRD, LDREX/STREX (+B/H), CLREX and TBB/TBH (ARM ARM DDI 0403E A7.7.50-51, A7.7.52-54,
// A7.7.167-169, A7.7.182, A3.4 local monitor), hand-derived. Cycles (isa/TIMING.md §3, §4.8, §4.9): LDRD/STRD 3,
// LDREX/STREX 2, TBB/TBH 6.
import { describe, expect, it } from 'vitest';
import { RAM_BASE, loadThumb, stepThumb } from '../support/step.js';

const words = (...w: number[]) => new Uint8Array(Uint32Array.from(w).buffer);
const word = (cpu: ReturnType<typeof stepThumb>, a: number) => cpu.bus.read(a, 4) >>> 0;
const mem = { [RAM_BASE]: words(0x11111111, 0x22222222, 0x33333333, 0x44444444) };

describe('LDRD/STRD', () => {
  it('LDRD Rt,Rt2,[Rn,#8] loads two words without writeback in 3 cycles', () => {
    const cpu = stepThumb('ldrd r0, r1, [r2, #8]', { regs: { r2: RAM_BASE }, memory: mem });
    expect([cpu.r[0], cpu.r[1], cpu.r[2]]).toEqual([0x33333333, 0x44444444, RAM_BASE]);
    expect(cpu.cycles).toBe(3);
  });
  it('LDRD pre-indexed with writeback and post-indexed', () => {
    const cpu = stepThumb('ldrd r0, r1, [r2, #-8]!\nldrd r3, r4, [r5], #8', { regs: { r2: RAM_BASE + 16, r5: RAM_BASE }, memory: mem });
    expect([cpu.r[0], cpu.r[1], cpu.r[2]]).toEqual([0x33333333, 0x44444444, RAM_BASE + 8]);
    expect([cpu.r[3], cpu.r[4], cpu.r[5]]).toEqual([0x11111111, 0x22222222, RAM_BASE + 8]);
  });
  it('STRD pre-indexed with writeback and post-indexed', () => {
    const cpu = stepThumb('strd r0, r1, [r2, #8]!\nstrd r0, r1, [r3], #-16', { regs: { r0: 0xa, r1: 0xb, r2: RAM_BASE, r3: RAM_BASE + 0x40 } });
    expect([word(cpu, RAM_BASE + 8), word(cpu, RAM_BASE + 12)]).toEqual([0xa, 0xb]);
    expect(cpu.r[2]).toBe(RAM_BASE + 8);
    expect([word(cpu, RAM_BASE + 0x40), word(cpu, RAM_BASE + 0x44)]).toEqual([0xa, 0xb]);
    expect(cpu.r[3]).toBe(RAM_BASE + 0x30);
    expect(cpu.cycles).toBe(6);
  });
  it('LDRD (literal) reads at Align(PC,4) + imm8*4', () => {
    const cpu = stepThumb('nop\nldrd r0, r1, 1f\nb 2f\n.align 3\n1: .word 0x12345678, 0x9abcdef0\n2:');
    expect([cpu.r[0], cpu.r[1]]).toEqual([0x12345678, 0x9abcdef0]);
  });
  it('LDRD/STRD need word alignment: UNALIGNED UsageFault', () => {
    expect(stepThumb('ldrd r0, r1, [r2]', { regs: { r2: RAM_BASE + 2 } }).stopReason).toContain('UNALIGNED');
    expect(stepThumb('strd r0, r1, [r2, #4]', { regs: { r2: RAM_BASE + 1 } }).stopReason).toContain('UNALIGNED');
  });
  it('P = W = 0 rows of A5.3.6 that name no instruction are UNDEFINED', () => {
    expect(stepThumb('.inst.w 0xe8c00f60', { regs: { r0: RAM_BASE } }).stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xe8d00f70', { regs: { r0: RAM_BASE } }).stopReason).toContain('UNDEFINSTR');
  });
});

describe('exclusives and the local monitor', () => {
  it('LDREX then STREX to the same address succeeds (Rd = 0) and stores, 2 cycles each', () => {
    const cpu = stepThumb('ldrex r0, [r1, #4]\nstrex r2, r3, [r1, #4]', { regs: { r1: RAM_BASE, r3: 0x5a5a }, memory: mem });
    expect(cpu.r[0]).toBe(0x22222222);
    expect(cpu.r[2]).toBe(0);
    expect(word(cpu, RAM_BASE + 4)).toBe(0x5a5a);
    expect(cpu.exclusiveAddress).toBe(-1);
    expect(cpu.cycles).toBe(4);
  });
  it('STREX with the monitor open fails (Rd = 1) and leaves memory alone; a second STREX after success fails too', () => {
    const cpu = stepThumb('strex r2, r3, [r1]\nldrex r0, [r1]\nstrex r4, r3, [r1]\nstrex r5, r6, [r1]', {
      regs: { r1: RAM_BASE, r3: 7, r6: 9 }, memory: mem,
    });
    expect(cpu.r[2]).toBe(1);
    expect(cpu.r[4]).toBe(0);
    expect(cpu.r[5]).toBe(1);
    expect(word(cpu, RAM_BASE)).toBe(7);
  });
  it('CLREX opens the monitor so the next STREX fails', () => {
    const cpu = stepThumb('ldrex r0, [r1]\nclrex\nstrex r2, r3, [r1]', { regs: { r1: RAM_BASE, r3: 7 }, memory: mem });
    expect(cpu.r[2]).toBe(1);
    expect(word(cpu, RAM_BASE)).toBe(0x11111111);
  });
  it('STREX to another address than the tagged one fails', () => {
    const cpu = stepThumb('ldrex r0, [r1]\nstrex r2, r3, [r1, #4]', { regs: { r1: RAM_BASE, r3: 7 }, memory: mem });
    expect(cpu.r[2]).toBe(1);
  });
  it('LDREXB/STREXB and LDREXH/STREXH access one byte / one halfword', () => {
    const cpu = stepThumb('ldrexb r0, [r1]\nstrexb r2, r3, [r1]\nldrexh r4, [r5]\nstrexh r6, r3, [r5]', {
      regs: { r1: RAM_BASE + 1, r5: RAM_BASE + 6, r3: 0xabcdef }, memory: mem,
    });
    expect(cpu.r[0]).toBe(0x11);
    expect(cpu.r[4]).toBe(0x2222);
    expect([cpu.r[2], cpu.r[6]]).toEqual([0, 0]);
    expect(word(cpu, RAM_BASE)).toBe(0x1111ef11);
    expect(word(cpu, RAM_BASE + 4)).toBe(0xcdef2222);
  });
  it('exclusive accesses must be aligned', () => {
    expect(stepThumb('ldrex r0, [r1]', { regs: { r1: RAM_BASE + 2 } }).stopReason).toContain('UNALIGNED');
    expect(stepThumb('strexh r0, r2, [r1]', { regs: { r1: RAM_BASE + 1 } }).stopReason).toContain('UNALIGNED');
  });
});

describe('TBB/TBH', () => {
  const tbb = 'tbb [pc, r0]\ntbl: .byte (c0 - tbl) / 2, (c1 - tbl) / 2, (c2 - tbl) / 2\n.align 1\n' +
    'c0: movs r1, #10\nb end\nc1: movs r1, #11\nb end\nc2: movs r1, #12\nend:';
  for (const [index, expected] of [[0, 10], [1, 11], [2, 12]] as const) {
    it(`TBB [PC, Rm] with Rm = ${index} branches to case ${index}`, () => {
      const cpu = stepThumb(tbb, { regs: { r0: index } });
      expect(cpu.r[1]).toBe(expected);
    });
  }
  it('TBH [PC, Rm, LSL #1] reads halfword offsets', () => {
    const src = 'tbh [pc, r0, lsl #1]\ntbl: .hword (c0 - tbl) / 2, (c1 - tbl) / 2\nc0: movs r1, #20\nb end\nc1: movs r1, #21\nend:';
    expect(stepThumb(src, { regs: { r0: 1 } }).r[1]).toBe(21);
    expect(stepThumb(src, { regs: { r0: 0 } }).r[1]).toBe(20);
  });
  it('TBB [Rn, Rm] with the table in RAM: PC = this instruction + 4 + 2*entry', () => {
    const cpu = loadThumb('tbb [r2, r0]', { regs: { r2: RAM_BASE, r0: 1 }, memory: { [RAM_BASE]: Uint8Array.of(0, 0x30) } });
    cpu.run(1);
    expect(cpu.pc).toBe(0x08000004 + 0x60);
  });
});
