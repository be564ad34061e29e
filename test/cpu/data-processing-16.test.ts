/**
 * 16-bit data-processing instructions (ARM ARM DDI 0403E A5.2.1-A5.2.3, A5.2.5 subset): registers,
 * flags and cycles (isa/TIMING.md §3, TRM DDI 0439D Table 3-1: every one costs 1 cycle; a PC write 1+P, §5.1). Expected values are worked from
 * the ARM ARM pseudo-code (Shift_C, AddWithCarry); the working is in the comment where it is not obvious.
 * Flags start as given (default all clear) so "unchanged" is observable.
 */
import { describe, expect, it } from 'vitest';
import { CODE_BASE, loadThumb, stepThumb } from '../support/step.js';
import { table } from './dp-helpers.js';

table('shift (immediate), MOVS register', [
  { asm: 'lsls r0, r1, #1', regs: { r1: 0x80000001 }, out: { r0: 2, c: 1, n: 0, z: 0 }, note: 'C = bit 31 shifted out' },
  { asm: 'lsls r0, r1, #4', regs: { r1: 0x0fffffff }, flags: { c: 1 }, out: { r0: 0xfffffff0, c: 0, n: 1 } },
  { asm: 'movs r0, r1', regs: { r1: 0x80000000 }, flags: { c: 1, v: 1 }, out: { r0: 0x80000000, n: 1, z: 0, c: 1, v: 1 }, note: 'LSL #0: C unchanged' },
  { asm: 'movs r0, r1', regs: { r1: 0 }, flags: { c: 0 }, out: { r0: 0, z: 1, c: 0 } },
  { asm: 'lsrs r0, r1, #1', regs: { r1: 1 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'lsrs r0, r1, #32', regs: { r1: 0x80000000 }, out: { r0: 0, c: 1, z: 1 }, note: 'imm5=0 means 32: C = bit 31' },
  { asm: 'lsrs r0, r1, #32', regs: { r1: 0x7fffffff }, flags: { c: 1 }, out: { r0: 0, c: 0, z: 1 } },
  { asm: 'asrs r0, r1, #4', regs: { r1: 0x80000010 }, flags: { c: 1 }, out: { r0: 0xf8000001, c: 0, n: 1 }, note: 'C = bit 3' },
  { asm: 'asrs r0, r1, #32', regs: { r1: 0x80000000 }, out: { r0: 0xffffffff, c: 1, n: 1 } },
  { asm: 'asrs r0, r1, #32', regs: { r1: 0x40000000 }, flags: { c: 1 }, out: { r0: 0, c: 0, z: 1 } },
]);

table('add / subtract / move / compare with low registers', [
  { asm: 'adds r0, r1, r2', regs: { r1: 0xffffffff, r2: 1 }, out: { r0: 0, c: 1, z: 1, v: 0, n: 0 } },
  { asm: 'adds r0, r1, r2', regs: { r1: 0x7fffffff, r2: 1 }, out: { r0: 0x80000000, c: 0, v: 1, n: 1 } },
  { asm: 'subs r0, r1, r2', regs: { r1: 0, r2: 1 }, out: { r0: 0xffffffff, c: 0, n: 1, v: 0 }, note: 'borrow: C=0' },
  { asm: 'subs r0, r1, r2', regs: { r1: 0x80000000, r2: 1 }, out: { r0: 0x7fffffff, c: 1, v: 1, n: 0 } },
  { asm: 'adds r0, r1, #7', regs: { r1: 0xfffffff9 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'subs r0, r1, #7', regs: { r1: 7 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'movs r0, #255', regs: { r0: 5 }, flags: { c: 1, v: 1, z: 1 }, out: { r0: 255, c: 1, v: 1, z: 0, n: 0 } },
  { asm: 'movs r0, #0', regs: { r0: 5 }, out: { r0: 0, z: 1 } },
  { asm: 'cmp r0, #5', regs: { r0: 5 }, out: { r0: 5, z: 1, c: 1, n: 0, v: 0 } },
  { asm: 'cmp r0, #6', regs: { r0: 5 }, out: { z: 0, c: 0, n: 1, v: 0 } },
  { asm: 'adds r3, #200', regs: { r3: 100 }, out: { r3: 300, c: 0 } },
  { asm: 'subs r3, #1', regs: { r3: 0 }, out: { r3: 0xffffffff, c: 0, n: 1 } },
]);

table('data processing (two low registers)', [
  { asm: 'ands r0, r1', regs: { r0: 0x8000f0f0, r1: 0x8000ff00 }, flags: { c: 1, v: 1 }, out: { r0: 0x8000f000, n: 1, c: 1, v: 1 } },
  { asm: 'eors r0, r1', regs: { r0: 0xff, r1: 0xff }, out: { r0: 0, z: 1 } },
  { asm: 'orrs r0, r1', regs: { r0: 0x0f, r1: 0xf0 }, out: { r0: 0xff } },
  { asm: 'bics r0, r1', regs: { r0: 0xff, r1: 0x0f }, out: { r0: 0xf0 } },
  { asm: 'mvns r0, r1', regs: { r1: 0 }, out: { r0: 0xffffffff, n: 1 } },
  { asm: 'tst r0, r1', regs: { r0: 0xf0, r1: 0x0f }, flags: { c: 1 }, out: { z: 1, c: 1, r0: 0xf0 } },
  { asm: 'adcs r0, r1', regs: { r0: 0xffffffff, r1: 0 }, flags: { c: 1 }, out: { r0: 0, c: 1, z: 1, v: 0 } },
  { asm: 'adcs r0, r1', regs: { r0: 0x7fffffff, r1: 0 }, flags: { c: 1 }, out: { r0: 0x80000000, c: 0, v: 1, n: 1 } },
  // SBC: AddWithCarry(5, NOT(3), 0) = 5 + 0xfffffffc = 0x1_00000001 -> 1, C=1
  { asm: 'sbcs r0, r1', regs: { r0: 5, r1: 3 }, flags: { c: 0 }, out: { r0: 1, c: 1 } },
  { asm: 'sbcs r0, r1', regs: { r0: 0, r1: 0 }, flags: { c: 0 }, out: { r0: 0xffffffff, c: 0, n: 1 } },
  // NEG = RSBS Rd, Rn, #0: AddWithCarry(NOT(Rn), 0, 1)
  { asm: 'negs r0, r1', regs: { r1: 1 }, flags: { c: 1 }, out: { r0: 0xffffffff, c: 0, n: 1, v: 0 } },
  { asm: 'negs r0, r1', regs: { r1: 0 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'negs r0, r1', regs: { r1: 0x80000000 }, out: { r0: 0x80000000, c: 0, v: 1, n: 1 }, note: '0x7fffffff + 1 overflows' },
  { asm: 'cmp r0, r1', regs: { r0: 1, r1: 2 }, out: { n: 1, c: 0, z: 0 } },
  { asm: 'cmn r0, r1', regs: { r0: 0xffffffff, r1: 1 }, out: { z: 1, c: 1, v: 0 } },
]);

table('shift (register): amount is the bottom byte of Rm', [
  { asm: 'lsls r0, r1', regs: { r0: 1, r1: 0x120 }, out: { r0: 0, c: 1, z: 1 }, note: 'LSL 32: C = bit 0' },
  { asm: 'lsls r0, r1', regs: { r0: 0xffffffff, r1: 33 }, flags: { c: 1 }, out: { r0: 0, c: 0, z: 1 } },
  { asm: 'lsls r0, r1', regs: { r0: 0x40000001, r1: 2 }, out: { r0: 4, c: 1 } },
  { asm: 'lsrs r0, r1', regs: { r0: 0x1234, r1: 0x100 }, flags: { c: 1 }, out: { r0: 0x1234, c: 1 }, note: 'amount 0: C unchanged' },
  { asm: 'lsrs r0, r1', regs: { r0: 0x80000000, r1: 32 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'lsrs r0, r1', regs: { r0: 0x80000000, r1: 200 }, flags: { c: 1 }, out: { r0: 0, c: 0, z: 1 } },
  { asm: 'asrs r0, r1', regs: { r0: 0x80000000, r1: 255 }, out: { r0: 0xffffffff, c: 1, n: 1 } },
  { asm: 'asrs r0, r1', regs: { r0: 0x80000004, r1: 3 }, out: { r0: 0xf0000000, c: 1, n: 1 } },
  // ROR 1: (x >> 1) | (x << 31) = 0x40000000 | 0x80000000; C = result bit 31
  { asm: 'rors r0, r1', regs: { r0: 0x80000001, r1: 1 }, out: { r0: 0xc0000000, c: 1, n: 1 } },
  { asm: 'rors r0, r1', regs: { r0: 0x80000000, r1: 64 }, out: { r0: 0x80000000, c: 1, n: 1 }, note: 'ROR by a multiple of 32: C = bit 31' },
  { asm: 'rors r0, r1', regs: { r0: 0x7fffffff, r1: 0x100 }, flags: { c: 1 }, out: { r0: 0x7fffffff, c: 1 } },
]);

table('high registers (ADD, CMP, MOV) and SP', [
  { asm: 'add r8, r9', regs: { r8: 5, r9: 7 }, flags: { n: 1, z: 1, c: 1, v: 1 }, out: { r8: 12, n: 1, z: 1, c: 1, v: 1 } },
  // add at CODE_BASE+2: PC reads CODE_BASE+6, not word aligned (no Align for ADD register)
  { asm: 'movs r1, #0\nadd r0, pc', regs: { r0: 10 }, out: { r0: CODE_BASE + 6 + 10 }, cycles: 2 },
  { asm: 'add r0, pc', regs: { r0: 10 }, out: { r0: CODE_BASE + 4 + 10 } },
  { asm: 'cmp r8, r9', regs: { r8: 3, r9: 3 }, out: { z: 1, c: 1 } },
  { asm: 'cmp r0, r9', regs: { r0: 0x80000000, r9: 1 }, out: { z: 0, c: 1, v: 1, n: 0 } },
  { asm: '.inst.n 0x4508', regs: { r0: 1, r1: 2 }, out: { n: 1, c: 0 }, note: 'CMP T2 with two low registers (UNPREDICTABLE): compared, as QEMU does' },
  { asm: 'mov r8, r0', regs: { r0: 0xdeadbeef }, flags: { z: 1 }, out: { r8: 0xdeadbeef, z: 1, n: 0 } },
  { asm: 'mov r0, sp', out: { r0: 0x20010000 } },
  { asm: 'mov sp, r0', regs: { r0: 0x20000123 }, out: { r13: 0x20000120 }, note: 'SP bits [1:0] are written as 0' },
  { asm: 'add sp, r1', regs: { r1: 0x10 }, out: { r13: 0x20010010 } },
  { asm: 'add r0, sp, #1020', out: { r0: 0x20010000 + 1020 } },
  { asm: 'add sp, #508', out: { r13: 0x20010000 + 508 } },
  { asm: 'sub sp, #508', out: { r13: 0x20010000 - 508 } },
  { asm: 'mov r8, r8', regs: { r8: 3 }, flags: { z: 1 }, out: { r8: 3, z: 1 }, note: 'objdump calls it nop' },
]);

describe('writes to the PC are branches (ALUWritePC)', () => {
  it('MOV PC, Rm ignores bit 0', () => {
    const cpu = stepThumb('mov pc, r1', { regs: { r1: CODE_BASE + 0x11 }, count: 1 });
    expect(cpu.pc).toBe(CODE_BASE + 0x10);
    expect(cpu.stopReason).toBe('');
  });
  it('ADD PC, Rm adds to the PC value (address + 4)', () => {
    const cpu = stepThumb('add pc, r1', { regs: { r1: 8 }, count: 1 });
    expect(cpu.pc).toBe(CODE_BASE + 12);
  });
});

table('ADR and the extend / reverse group', [
  // adr at +2: Align(PC=+6, 4) = +4, label at +4 -> imm 0
  { asm: 'movs r1, #0\nadr r0, 1f\n1: movs r2, #0\nmovs r2, #0', out: { r0: CODE_BASE + 4 }, cycles: 4 },
  // adr at +0: Align(+4, 4) = +4, label at +8
  { asm: 'adr r0, 1f\nmovs r2, #0\nmovs r2, #0\nmovs r2, #0\n1: movs r2, #0', out: { r0: CODE_BASE + 8 }, cycles: 5 },
  { asm: 'sxth r0, r1', regs: { r1: 0x12348765 }, out: { r0: 0xffff8765 } },
  { asm: 'sxth r0, r1', regs: { r1: 0xffff7fff }, out: { r0: 0x7fff } },
  { asm: 'sxtb r0, r1', regs: { r1: 0x1280 }, out: { r0: 0xffffff80 } },
  { asm: 'uxth r0, r1', regs: { r1: 0xffff1234 }, out: { r0: 0x1234 } },
  { asm: 'uxtb r0, r1', regs: { r1: 0xffff12f4 }, out: { r0: 0xf4 } },
  { asm: 'rev r0, r1', regs: { r1: 0x12345678 }, out: { r0: 0x78563412 } },
  { asm: 'rev16 r0, r1', regs: { r1: 0x12345678 }, out: { r0: 0x34127856 } },
  // REVSH: <31:8> = SignExtend(0x80), <7:0> = 0x56
  { asm: 'revsh r0, r1', regs: { r1: 0x12345680 }, out: { r0: 0xffff8056 } },
  { asm: 'revsh r0, r1', regs: { r1: 0x0000127f }, out: { r0: 0x00007f12 } },
]);

describe('IT blocks: 16-bit flag-setting encodings do not set flags inside', () => {
  // The IT instruction itself belongs to another family; start after it with ITSTATE = EQ, mask 1000.
  function inIt(z: number) {
    const cpu = loadThumb('it eq\naddeq r0, r0, #1', { regs: { r0: 0xffffffff } });
    cpu.pc = CODE_BASE + 2;
    cpu.itstate = 0x08;
    cpu.n = 1; cpu.z = z; cpu.c = 0; cpu.v = 1;
    cpu.run(1);
    return cpu;
  }
  it('addeq r0, r0, #1 (ADDS T2 encoding) executes without touching N Z C V', () => {
    const cpu = inIt(1);
    expect(cpu.r[0]).toBe(0);
    expect([cpu.n, cpu.z, cpu.c, cpu.v]).toEqual([1, 1, 0, 1]);
    expect(cpu.itstate).toBe(0);
    expect(cpu.cycles).toBe(1);
  });
  it('a failed condition leaves the register alone and costs 1 cycle', () => {
    const cpu = inIt(0);
    expect(cpu.r[0]).toBe(0xffffffff);
    expect(cpu.cycles).toBe(1);
  });
  it('the 32-bit ADDS.W in an IT block does set flags (S=1)', () => {
    const cpu = loadThumb('it eq\naddseq.w r0, r0, #1', { regs: { r0: 0xffffffff } });
    cpu.pc = CODE_BASE + 2;
    cpu.itstate = 0x08;
    cpu.z = 1; cpu.n = 1;
    cpu.run(1);
    expect(cpu.r[0]).toBe(0);
    expect([cpu.n, cpu.z, cpu.c, cpu.v]).toEqual([0, 1, 1, 0]);
  });
});
