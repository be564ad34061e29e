/**
 * 32-bit data processing with immediates (ARM ARM DDI 0403E A5.3.1 modified immediate, A5.3.3 plain
 * binary immediate): registers, flags (C from ThumbExpandImm_C for the logical ops), Q for SSAT/USAT,
 * and cycles (isa/TIMING.md §3, TRM DDI 0439D Table 3-1: 1 each). Expected values are worked from the ARM ARM pseudo-code.
 */
import { describe, expect, it } from 'vitest';
import { CODE_BASE, stepThumb } from '../support/step.js';
import { table } from './dp-helpers.js';

table('modified immediate: logical ops take C from ThumbExpandImm_C', [
  { asm: 'mov.w r0, #0x00ab00ab', out: { r0: 0x00ab00ab } },
  { asm: 'movs.w r0, #0xab00ab00', flags: { c: 1 }, out: { r0: 0xab00ab00, n: 1, c: 1 }, note: 'byte pattern: C unchanged' },
  { asm: 'movs.w r0, #0xabababab', flags: { c: 0 }, out: { r0: 0xabababab, n: 1, c: 0 } },
  { asm: 'movs.w r0, #0x80000000', flags: { c: 0 }, out: { r0: 0x80000000, n: 1, c: 1 }, note: 'rotated: C = bit 31' },
  { asm: 'movs.w r0, #0x3fc00', flags: { c: 1 }, out: { r0: 0x3fc00, n: 0, c: 0 } },
  { asm: 'ands r0, r1, #0xff000000', regs: { r1: 0x12345678 }, out: { r0: 0x12000000, c: 1 } },
  { asm: 'and r0, r1, #0xff000000', regs: { r1: 0x12345678 }, out: { r0: 0x12000000, c: 0 }, note: 'S=0: flags unchanged' },
  { asm: 'tst r0, #0x80000000', regs: { r0: 0x80000000 }, out: { n: 1, z: 0, c: 1 } },
  { asm: 'teq r0, #0xff', regs: { r0: 0xff }, flags: { c: 1 }, out: { z: 1, c: 1, r0: 0xff } },
  { asm: 'bics r0, r1, #0x0f', regs: { r1: 0xff }, out: { r0: 0xf0 } },
  { asm: 'orr r0, r1, #0x100', regs: { r1: 0x1 }, out: { r0: 0x101 } },
  { asm: 'orn r0, r1, #0xff', regs: { r1: 0x1 }, out: { r0: 0xffffff01 } },
  { asm: 'mvns r0, #1', out: { r0: 0xfffffffe, n: 1 } },
  { asm: 'eors r0, r1, #0x00ff00ff', regs: { r1: 0x00ff00ff }, out: { r0: 0, z: 1 } },
]);

table('modified immediate: arithmetic', [
  { asm: 'add.w r0, r1, #0x100', regs: { r1: 5 }, out: { r0: 0x105 } },
  { asm: 'adds.w r0, r1, #1', regs: { r1: 0xffffffff }, out: { r0: 0, c: 1, z: 1, v: 0 } },
  { asm: 'adc r0, r1, #0x10000', regs: { r1: 5 }, flags: { c: 1 }, out: { r0: 0x10006 } },
  // SBC: 10 + NOT(1) + C(0) = 10 - 1 - 1
  { asm: 'sbcs r0, r1, #1', regs: { r1: 10 }, out: { r0: 8, c: 1 } },
  { asm: 'subs.w r0, r1, #0x100', regs: { r1: 0xff }, out: { r0: 0xffffffff, c: 0, n: 1 } },
  { asm: 'rsbs r0, r1, #0x100', regs: { r1: 0x101 }, out: { r0: 0xffffffff, c: 0, n: 1 } },
  { asm: 'rsbs r0, r1, #0x100', regs: { r1: 0x100 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'rsbs r8, r9, #0', regs: { r9: 0x80000000 }, out: { r8: 0x80000000, v: 1, n: 1, c: 0 } },
  { asm: 'cmp.w r0, #0x1000', regs: { r0: 0x1000 }, out: { z: 1, c: 1 } },
  { asm: 'cmn.w r0, #1', regs: { r0: 0xffffffff }, out: { z: 1, c: 1 } },
  { asm: 'add.w r0, sp, #0x100', out: { r0: 0x20010100 } },
  { asm: 'sub.w sp, sp, #0x100', out: { r13: 0x2000ff00 } },
]);

table('plain binary immediate: ADDW/SUBW/MOVW/MOVT/ADR', [
  { asm: 'addw r0, r1, #0xfff', regs: { r1: 1 }, flags: { z: 1 }, out: { r0: 0x1000, z: 1 } },
  { asm: 'subw r0, r1, #0xfff', regs: { r1: 0 }, out: { r0: 0xfffff001, n: 0 } },
  { asm: 'addw r0, sp, #4', out: { r0: 0x20010004 } },
  { asm: 'movw r0, #0xbeef', regs: { r0: 0xffffffff }, out: { r0: 0xbeef } },
  { asm: 'movt r0, #0xdead', regs: { r0: 0x1234beef }, out: { r0: 0xdeadbeef } },
  // adr.w at +2: Align(+6, 4) = +4; forward label at +10 -> addw r0, pc, #6
  { asm: 'movs r1, #0\nadr.w r0, 1f\nmovs r2, #0\nmovs r2, #0\n1: movs r2, #0', out: { r0: CODE_BASE + 10 }, cycles: 5 },
  // backward: label at +0, adr.w at +2 -> subw r0, pc, #4
  { asm: '1: movs r1, #0\nadr.w r0, 1b', out: { r0: CODE_BASE }, cycles: 2 },
]);

table('SSAT / USAT (Q is sticky, set on clipping)', [
  { asm: 'ssat r0, #8, r1', regs: { r1: 200 }, out: { r0: 127, q: 1 } },
  { asm: 'ssat r0, #8, r1', regs: { r1: -200 }, out: { r0: -128, q: 1 } },
  { asm: 'ssat r0, #8, r1', regs: { r1: 100 }, out: { r0: 100, q: 0 } },
  { asm: 'ssat r0, #8, r1', regs: { r1: 100 }, flags: { q: 1 }, out: { r0: 100, q: 1 } },
  { asm: 'ssat r0, #16, r1, lsl #4', regs: { r1: 0x1000 }, out: { r0: 32767, q: 1 } },
  { asm: 'ssat r0, #1, r1', regs: { r1: 5 }, out: { r0: 0, q: 1 } },
  { asm: 'ssat r0, #1, r1', regs: { r1: -5 }, out: { r0: -1, q: 1 } },
  { asm: 'ssat r0, #32, r1, asr #31', regs: { r1: 0x80000000 }, out: { r0: -1, q: 0 } },
  // one case per split ASR line (imm3:imm2 = 00001, 0001x, 001xx, 01xxx, 1xxxx)
  { asm: 'ssat r0, #8, r1, asr #1', regs: { r1: 0x101 }, out: { r0: 127, q: 1 } },
  { asm: 'ssat r0, #8, r1, asr #3', regs: { r1: -1024 }, out: { r0: -128, q: 0 } },
  { asm: 'ssat r0, #8, r1, asr #4', regs: { r1: -4096 }, out: { r0: -128, q: 1 } },
  { asm: 'ssat r0, #8, r1, asr #8', regs: { r1: 0x7f00 }, out: { r0: 127, q: 0 } },
  { asm: 'ssat r0, #12, r1, asr #16', regs: { r1: 0x7ff0000 }, out: { r0: 2047, q: 0 } },
  { asm: 'usat r0, #8, r1', regs: { r1: 300 }, out: { r0: 255, q: 1 } },
  { asm: 'usat r0, #8, r1', regs: { r1: -5 }, out: { r0: 0, q: 1 } },
  { asm: 'usat r0, #0, r1', regs: { r1: 5 }, out: { r0: 0, q: 1 } },
  { asm: 'usat r0, #31, r1', regs: { r1: 0x7fffffff }, out: { r0: 0x7fffffff, q: 0 } },
  { asm: 'usat r0, #4, r1, asr #2', regs: { r1: 40 }, out: { r0: 10, q: 0 } },
  { asm: 'usat r0, #4, r1, lsl #2', regs: { r1: 4 }, out: { r0: 15, q: 1 } },
  { asm: 'usat r0, #16, r1, asr #1', regs: { r1: 0x80000000 }, out: { r0: 0, q: 1 } },
]);

table('bit fields', [
  { asm: 'sbfx r0, r1, #4, #8', regs: { r1: 0x00000f80 }, out: { r0: 0xfffffff8 } },
  { asm: 'ubfx r0, r1, #4, #8', regs: { r1: 0x00000f80 }, out: { r0: 0xf8 } },
  { asm: 'sbfx r0, r1, #0, #32', regs: { r1: 0x80000000 }, out: { r0: 0x80000000 } },
  { asm: 'ubfx r0, r1, #31, #1', regs: { r1: 0x80000000 }, out: { r0: 1 } },
  { asm: 'sbfx r0, r1, #31, #1', regs: { r1: 0x80000000 }, out: { r0: 0xffffffff } },
  { asm: 'bfi r0, r1, #8, #4', regs: { r0: 0xffffffff, r1: 0xfffffff5 }, out: { r0: 0xfffff5ff } },
  { asm: 'bfi r0, r1, #0, #32', regs: { r0: 0xffffffff, r1: 0x12345678 }, out: { r0: 0x12345678 } },
  { asm: 'bfi r0, r1, #31, #1', regs: { r0: 0, r1: 1 }, out: { r0: 0x80000000 } },
  { asm: 'bfc r0, #4, #8', regs: { r0: 0xffffffff }, out: { r0: 0xfffff00f } },
  { asm: 'bfc r0, #0, #32', regs: { r0: 0xffffffff }, out: { r0: 0 } },
]);

describe('UNPREDICTABLE bit-field ranges raise UNDEFINSTR (as QEMU)', () => {
  // BFI r0, r1 with lsb = 8 (imm3=010, imm2=00) and msb = 4: hw2 = 0 010 0000 00 0 00100
  it('BFI with msb < lsb', () => {
    const cpu = stepThumb('.inst.w 0xf3612004', {});
    expect(cpu.stopReason).toBe('fault UNDEFINSTR');
  });
  // SBFX r0, r1 with lsb = 31 (imm3=111, imm2=11), width 2: hw2 = 0 111 0000 11 0 00001
  it('SBFX with lsb + width > 32', () => {
    const cpu = stepThumb('.inst.w 0xf34170c1', {});
    expect(cpu.stopReason).toBe('fault UNDEFINSTR');
  });
  it('UBFX with lsb + width > 32', () => {
    const cpu = stepThumb('.inst.w 0xf3c170c1', {});
    expect(cpu.stopReason).toBe('fault UNDEFINSTR');
  });
});
