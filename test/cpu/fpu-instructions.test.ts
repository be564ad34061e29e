/**
 * FPv4-SP instructions on the core: register moves in every form, FPSCR access, loads and stores,
 * the FP checks every instruction makes (NOCP when CPACR denies CP10/CP11, ExecuteFPCheck with the
 * real exception unit: lazy preservation, FPDSCR defaults, CONTROL.FPCA), UNDEFINED encodings, and base cycles (isa/TIMING.md §3 and §7: Cortex-M4 TRM Table 7-1, silicon). Arithmetic results
 * are covered by fpu-qemu.test.ts and fp/*.test.ts. Expected values are worked by hand from the ARM ARM.
 */
import { describe, expect, it } from 'vitest';
import { ExceptionUnit } from '../../src/cpu/exceptions.js';
import { loadThumb } from '../support/step.js';
import { RAM_BASE, loadFpu, stepFpu } from './fp/step-fpu.js';

const words = (...w: number[]) => new Uint8Array(Uint32Array.from(w).buffer);

describe('VMOV', () => {
  it('immediate (VFPExpandImm) and register (NaN payload untouched, no flags): 1 cycle each', () => {
    const cpu = stepFpu('vmov.f32 s3, #1.5\nvmov.f32 s4, #-0.125\nvmov.f32 s5, s0', { sBits: { 0: 0x7f800001 } });
    expect([cpu.sBits[3], cpu.sBits[4], cpu.sBits[5]]).toEqual([0x3fc00000, 0xbe000000, 0x7f800001]);
    expect(cpu.fpscr).toBe(0);
    expect(cpu.cycles).toBe(3);
  });
  it('between core and single registers', () => {
    const cpu = stepFpu('vmov s17, r1\nvmov r2, s31', { regs: { r1: 0xdeadbeef }, sBits: { 31: 0x12345678 } });
    expect(cpu.sBits[17]).toBe(0xdeadbeef);
    expect(cpu.r[2]).toBe(0x12345678);
    expect(cpu.cycles).toBe(2); // TIMING.md §7.4: 1 each (silicon; the TRM says 2)
  });
  it('two core registers <-> two consecutive S registers and a D register (Dm = S2m, S2m+1)', () => {
    const cpu = stepFpu('vmov s30, s31, r0, r1\nvmov r2, r3, s5, s6\nvmov d7, r4, r5\nvmov r6, r7, d1', {
      regs: { r0: 1, r1: 2, r4: 0xaaaa, r5: 0xbbbb }, sBits: { 5: 50, 6: 60, 2: 0x22, 3: 0x33 },
    });
    expect([cpu.sBits[30], cpu.sBits[31]]).toEqual([1, 2]);
    expect([cpu.r[2], cpu.r[3]]).toEqual([50, 60]);
    expect([cpu.sBits[14], cpu.sBits[15]]).toEqual([0xaaaa, 0xbbbb]);
    expect([cpu.r[6], cpu.r[7]]).toEqual([0x22, 0x33]);
  });
  it('core register <-> half of a D register (VMOV.32 Dd[x], Rt; gas rejects it for fpv4-sp-d16)', () => {
    // ee21 0b10 = vmov.32 d1[1], r0; ee13 5b10 = vmov.32 r5, d3[0]
    const cpu = stepFpu('.inst.w 0xee210b10\n.inst.w 0xee135b10', { regs: { r0: 0xcafe }, sBits: { 6: 0x6666, 7: 0x7777 } });
    expect([cpu.sBits[2], cpu.sBits[3]]).toEqual([0, 0xcafe]);
    expect(cpu.r[5]).toBe(0x6666);
  });
});

describe('VMRS / VMSR', () => {
  it('VMRS APSR_nzcv copies FPSCR[31:28] to the flags and leaves Q alone', () => {
    const cpu = stepFpu('vmrs APSR_nzcv, fpscr', { fpscr: 0xa0000010, flags: { z: 1, v: 1, q: 1 } });
    expect([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q]).toEqual([1, 0, 1, 0, 1]);
  });
  it('VMSR writes only the implemented bits; VMRS reads them back', () => {
    const cpu = stepFpu('vmsr fpscr, r0\nvmrs r1, fpscr', { regs: { r0: 0xffffffff } });
    expect(cpu.fpscr).toBe(0xf7c0009f);
    expect(cpu.r[1]).toBe(0xf7c0009f);
  });
  it('VCMP then VMRS APSR_nzcv drives a conditional branch decision', () => {
    const cpu = stepFpu('vcmp.f32 s0, s1\nvmrs APSR_nzcv, fpscr', { s: { 0: 1, 1: 2 } });
    expect([cpu.n, cpu.z, cpu.c, cpu.v]).toEqual([1, 0, 0, 0]);
    expect(cpu.fpscr >>> 28).toBe(0b1000);
  });
});

describe('loads and stores', () => {
  it('VLDR/VSTR .32 and .64 with offsets (D0 = S0:S1, low word first)', () => {
    const cpu = stepFpu('vldr s3, [r0, #4]\nvldr d2, [r0, #8]\nvstr s3, [r1, #-4]\nvstr d2, [r1]', {
      regs: { r0: RAM_BASE, r1: RAM_BASE + 0x104 }, memory: { [RAM_BASE]: words(0, 0x11, 0x22, 0x33) },
    });
    expect(cpu.sBits[3]).toBe(0x11);
    expect([cpu.sBits[4], cpu.sBits[5]]).toEqual([0x22, 0x33]);
    expect([cpu.bus.read(RAM_BASE + 0x100, 4), cpu.bus.read(RAM_BASE + 0x104, 4), cpu.bus.read(RAM_BASE + 0x108, 4)]).toEqual([0x11, 0x22, 0x33]);
  });
  it('VLDR literal uses Align(PC, 4)', () => {
    const cpu = stepFpu('nop_pad: vldr s0, lit\nvldr s1, lit\nb.n done\n.align 2\nlit: .word 0x3f800000\ndone:', { count: 2 });
    expect([cpu.sBits[0], cpu.sBits[1]]).toEqual([0x3f800000, 0x3f800000]);
  });
  it('VLDMIA with writeback and VSTMDB with writeback', () => {
    const cpu = stepFpu('vldmia r0!, {s2-s4}\nvstmdb r1!, {d1-d2}', {
      regs: { r0: RAM_BASE, r1: RAM_BASE + 0x200 }, memory: { [RAM_BASE]: words(7, 8, 9) }, sBits: { 5: 0x55 },
    });
    expect([cpu.sBits[2], cpu.sBits[3], cpu.sBits[4]]).toEqual([7, 8, 9]);
    expect(cpu.r[0]).toBe(RAM_BASE + 12);
    expect(cpu.r[1]).toBe(RAM_BASE + 0x200 - 16);
    const stored = [0, 4, 8, 12].map((k) => cpu.bus.read(RAM_BASE + 0x1f0 + k, 4));
    expect(stored).toEqual([7, 8, 9, 0x55]); // d1 = s2:s3 (just loaded), d2 = s4:s5, stored from Rn - 16 upwards
  });
  it('VPUSH / VPOP round trip through the stack', () => {
    const cpu = stepFpu('vpush {s0-s2}\nvpop {s5-s7}\nvpush {d4}\nvpop {d5}', {
      sBits: { 0: 10, 1: 11, 2: 12, 8: 0x88, 9: 0x99 },
    });
    expect([cpu.sBits[5], cpu.sBits[6], cpu.sBits[7]]).toEqual([10, 11, 12]);
    expect([cpu.sBits[10], cpu.sBits[11]]).toEqual([0x88, 0x99]);
    expect(cpu.r[13]).toBe(RAM_BASE + 0x10000);
    expect(cpu.bus.read(RAM_BASE + 0x10000 - 12, 4)).toBe(10);
  });
  it('FLDMIAX (odd word count with a D list) loads the D registers and skips the extra word', () => {
    const cpu = stepFpu('fldmiax r0!, {d0-d1}', { regs: { r0: RAM_BASE }, memory: { [RAM_BASE]: words(1, 2, 3, 4, 5) } });
    expect([...cpu.sBits.slice(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(cpu.r[0]).toBe(RAM_BASE + 20);
  });
  it('an unaligned VLDR is a UsageFault (MemA) and leaves the register unchanged', () => {
    const cpu = stepFpu('vldr s0, [r0]', { regs: { r0: RAM_BASE + 2 }, sBits: { 0: 0x1234 } });
    expect(cpu.stopReason).toMatch(/UNALIGNED/);
    expect(cpu.sBits[0]).toBe(0x1234);
  });
});

describe('FP checks', () => {
  it('every FP instruction faults with NOCP while CPACR denies CP10/CP11', () => {
    for (const asm of ['vadd.f32 s0, s1, s2', 'vmrs r0, fpscr', 'vldr s0, [r0]', 'vmov s0, r0', 'vpush {s0}']) {
      const cpu = stepFpu(asm, { fpu: false, regs: { r0: RAM_BASE } });
      expect(cpu.stopReason, asm).toBe('fault NOCP');
    }
  });
  it('runs ExecuteFPCheck: a new FP context takes FPDSCR defaults and sets CONTROL.FPCA (FPCCR.ASPEN = 1)', () => {
    const { cpu } = loadFpu('vadd.f32 s1, s0, s0\nvmrs r0, fpscr', { s: { 0: 1 } });
    const unit = new ExceptionUnit(cpu, 32, 4);
    cpu.exceptions = unit;
    unit.fpdscr = 0x03c00000; // DN, FZ, RZ
    cpu.run(2);
    expect(cpu.control & 4).toBe(4);
    expect(cpu.r[0]).toBe(0x03c00000);
    expect(cpu.sBits[1]).toBe(0x40000000);
  });
  it('leaves CONTROL.FPCA and FPSCR alone when software cleared FPCCR.ASPEN', () => {
    const { cpu } = loadFpu('vadd.f32 s1, s0, s0', { s: { 0: 1 } });
    const unit = new ExceptionUnit(cpu, 32, 4);
    cpu.exceptions = unit;
    unit.fpccr = 0x40000000;
    unit.fpdscr = 0x03c00000;
    cpu.run(1);
    expect([cpu.control & 4, cpu.fpscr]).toEqual([0, 0]);
  });
  it('preserves the lazily reserved context (S0-S15, FPSCR at FPCAR) before the first FP instruction', () => {
    const { cpu } = loadFpu('vmov.f32 s0, #2.0', { sBits: { 0: 0x11, 15: 0xff }, fpscr: 0x12345678 & 0xf7c0009f });
    const unit = new ExceptionUnit(cpu, 32, 4);
    cpu.exceptions = unit;
    unit.fpccr = 0xc0000001; // LSPACT
    unit.fpcar = RAM_BASE + 0x100;
    cpu.run(1);
    expect(cpu.bus.read(RAM_BASE + 0x100, 4)).toBe(0x11);
    expect(cpu.bus.read(RAM_BASE + 0x100 + 60, 4)).toBe(0xff);
    expect(cpu.bus.read(RAM_BASE + 0x100 + 64, 4)).toBe(0x12345678 & 0xf7c0009f);
    expect(unit.fpccr & 1).toBe(0);
    expect(cpu.sBits[0]).toBe(0x40000000);
  });
  it.each([
    ['vadd.f64 d0, d0, d0 (no double precision on FPv4-SP)', '.inst.w 0xee300b00'],
    ['vcvt.f64.f32', '.inst.w 0xeeb70ac0'],
    ['vmov r0, r1, d16 (16 D registers only)', '.inst.w 0xec510b30'],
    ['vmov s31, s32, r0, r1 (S31 is the last register)', '.inst.w 0xec410a3f'],
    ['vmov pc, s0', '.inst.w 0xee10fa10'],
    ['vcvt.f32.s16 s0, s0, #-14 (fbits below zero)', '.inst.w 0xeeba0a4f'],
    ['vldmia r0!, {s31-s32}', '.inst.w 0xecf0fa02'],
  ])('%s is UNDEFINED', (_name, asm) => {
    const cpu = stepFpu(asm, { regs: { r0: RAM_BASE } });
    expect(cpu.stopReason).toBe('fault UNDEFINSTR');
  });
});

describe('in an IT block (full decoder)', () => {
  it('a failed condition skips the FP instruction entirely: no result, no flags, no NOCP', () => {
    for (const fpuEnabled of [true, false]) {
      const cpu = loadThumb('it ne\nvdivne.f32 s0, s1, s2', { s: { 0: 5, 1: 1, 2: 0 }, flags: { z: 1 } });
      cpu.fpuEnabled = fpuEnabled;
      cpu.run(2);
      expect([cpu.stopReason, cpu.s[0], cpu.fpscr, cpu.control & 4]).toEqual(['', 5, 0, 0]);
    }
  });
  it('a passed condition executes it', () => {
    const cpu = loadThumb('it eq\nvdiveq.f32 s0, s1, s2', { s: { 0: 5, 1: 1, 2: 0 }, flags: { z: 1 } });
    cpu.fpuEnabled = true;
    cpu.run(2);
    expect([cpu.stopReason, cpu.sBits[0], cpu.fpscr]).toEqual(['', 0x7f800000, 0x2]);
  });
});

describe('base cycles (isa/TIMING.md §3, §7: TRM Table 7-1)', () => {
  it.each([
    ['vadd.f32 s0, s1, s2', 1], ['vmul.f32 s0, s1, s2', 1], ['vabs.f32 s0, s1', 1], ['vmla.f32 s0, s1, s2', 3],
    ['vfma.f32 s0, s1, s2', 3], ['vcvt.s32.f32 s0, s1', 1],
    // §7.3: VDIV/VSQRT cost 1 when no FP instruction follows; an FP instruction after them waits for 14
    ['vdiv.f32 s0, s1, s2', 1], ['vsqrt.f32 s0, s1', 1], ['vdiv.f32 s0, s1, s2\nvadd.f32 s3, s1, s2', 14 + 1],
    ['vcmp.f32 s0, s1', 1], ['vmrs r0, fpscr', 1], ['vldr s0, [r0]', 2], ['vstr s0, [r0]', 2],
  ])('%s: %i', (asm, cycles) => {
    const cpu = stepFpu(asm, { regs: { r0: RAM_BASE }, s: { 1: 2, 2: 3 } });
    expect(cpu.stopReason).toBe('');
    expect(cpu.cycles).toBe(cycles);
  });
});
