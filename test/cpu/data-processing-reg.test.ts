/**
 * 32-bit data processing with register operands (ARM ARM DDI 0403E A5.3.11 shifted register, A5.3.12
 * register-controlled shifts, extends and misc): registers, flags (C from Shift_C, including RRX and
 * shift amounts of 32 and more) and cycles (TRM DDI 0439D Table 3-1: 1 each). Expected values are worked
 * from the ARM ARM pseudo-code.
 */
import { table } from './dp-helpers.js';

table('shifted register: logical ops take C from Shift_C', [
  { asm: 'and.w r0, r1, r2, lsl #4', regs: { r1: 0xff0, r2: 0xf }, out: { r0: 0xf0 } },
  // LSR #1 of 1: result 0, C = bit 0 = 1
  { asm: 'ands.w r0, r1, r2, lsr #1', regs: { r1: 0xffffffff, r2: 1 }, out: { r0: 0, z: 1, c: 1 } },
  { asm: 'orrs.w r0, r1, r2, asr #32', regs: { r1: 0, r2: 0x80000000 }, out: { r0: 0xffffffff, n: 1, c: 1 } },
  { asm: 'eors.w r0, r1, r2, ror #4', regs: { r1: 0, r2: 0xf }, out: { r0: 0xf0000000, n: 1, c: 1 } },
  // RRX of 2 with C=1: 0x80000001, C out = bit 0 = 0; 0xffffffff AND NOT(0x80000001)
  { asm: 'bics.w r0, r1, r2, rrx', regs: { r1: 0xffffffff, r2: 2 }, flags: { c: 1 }, out: { r0: 0x7ffffffe, c: 0, n: 0 } },
  { asm: 'mvn.w r0, r1, lsl #1', regs: { r1: 0x80000001 }, out: { r0: 0xfffffffd } },
  { asm: 'mvns.w r0, r1', regs: { r1: 0xffffffff }, flags: { c: 1 }, out: { r0: 0, z: 1, c: 1 } },
  { asm: 'orn r0, r1, r2, lsl #8', regs: { r1: 0, r2: 0xff }, out: { r0: 0xffff00ff } },
  // LSL #31 of 1: C = bit 1 = 0
  { asm: 'tst.w r0, r1, lsl #31', regs: { r0: 0x80000000, r1: 1 }, flags: { c: 1 }, out: { n: 1, z: 0, c: 0 } },
  { asm: 'teq.w r0, r1, lsr #1', regs: { r0: 0x40000000, r1: 0x80000001 }, out: { z: 1, c: 1 } },
]);

table('MOV (register) and shifts by immediate (32-bit)', [
  { asm: 'mov.w r0, r1', regs: { r1: 0x12345678 }, flags: { z: 1 }, out: { r0: 0x12345678, z: 1 } },
  { asm: 'movs.w r0, r1', regs: { r1: 0 }, flags: { c: 1 }, out: { r0: 0, z: 1, c: 1 } },
  { asm: 'rrxs r0, r1', regs: { r1: 1 }, flags: { c: 1 }, out: { r0: 0x80000000, c: 1, n: 1 } },
  { asm: 'rrx r0, r1', regs: { r1: 2 }, flags: { c: 0 }, out: { r0: 1, c: 0 } },
  // LSL #31 of 3: result 0x80000000, C = bit 1 = 1
  { asm: 'lsls.w r0, r1, #31', regs: { r1: 3 }, out: { r0: 0x80000000, c: 1, n: 1 } },
  { asm: 'lsrs.w r0, r1, #32', regs: { r1: 0x80000000 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'asrs.w r0, r1, #32', regs: { r1: 0x80000000 }, out: { r0: 0xffffffff, c: 1, n: 1 } },
  { asm: 'asr.w r0, r1, #1', regs: { r1: 0x80000001 }, out: { r0: 0xc0000000, c: 0 } },
  { asm: 'rors.w r0, r1, #1', regs: { r1: 1 }, out: { r0: 0x80000000, c: 1, n: 1 } },
  { asm: 'rors.w r0, r1, #31', regs: { r1: 0x80000000 }, flags: { c: 1 }, out: { r0: 1, c: 0 } },
  { asm: 'lsl r8, r9, #3', regs: { r9: 0x20000001 }, out: { r8: 8, c: 0 } },
]);

table('shifted register: arithmetic', [
  { asm: 'add.w r0, r1, r2, lsl #2', regs: { r1: 1, r2: 3 }, out: { r0: 13 } },
  { asm: 'adds.w r0, r1, r2, lsr #1', regs: { r1: 0xffffffff, r2: 2 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'adc.w r0, r1, r2', regs: { r1: 1, r2: 2 }, flags: { c: 1 }, out: { r0: 4 } },
  // 5 + NOT(ASR(0x80000000, 31) = 0xffffffff) + 0 = 5 + 0 -> 5, no carry
  { asm: 'sbcs.w r0, r1, r2, asr #31', regs: { r1: 5, r2: 0x80000000 }, out: { r0: 5, c: 0 } },
  { asm: 'subs.w r0, r1, r2, asr #31', regs: { r1: 5, r2: 0x80000000 }, out: { r0: 6, c: 0 }, note: '5 - (-1), borrow' },
  { asm: 'rsbs r0, r1, r2, lsl #1', regs: { r1: 3, r2: 5 }, out: { r0: 7, c: 1 } },
  { asm: 'rsb r0, r1, r2', regs: { r1: 5, r2: 3 }, out: { r0: 0xfffffffe } },
  { asm: 'cmp.w r0, r1, lsl #1', regs: { r0: 4, r1: 2 }, out: { z: 1, c: 1 } },
  { asm: 'cmn.w r0, r1', regs: { r0: 0x7fffffff, r1: 1 }, out: { v: 1, n: 1, c: 0 } },
  { asm: 'add.w r0, sp, r1, lsl #2', regs: { r1: 4 }, out: { r0: 0x20010010 } },
  { asm: 'sub.w sp, sp, r1', regs: { r1: 0x100 }, out: { r13: 0x2000ff00 } },
]);

table('shift by register (32-bit): bottom byte of Rm', [
  { asm: 'lsls.w r0, r1, r2', regs: { r1: 1, r2: 0x120 }, out: { r0: 0, c: 1, z: 1 } },
  { asm: 'lsr.w r0, r1, r2', regs: { r1: 0xf0, r2: 4 }, out: { r0: 0xf } },
  { asm: 'asrs.w r0, r1, r2', regs: { r1: 0x7fffffff, r2: 40 }, flags: { c: 1 }, out: { r0: 0, c: 0, z: 1 } },
  { asm: 'rors.w r0, r1, r2', regs: { r1: 0x12345678, r2: 0x310 }, out: { r0: 0x56781234, c: 0 } },
  { asm: 'rors.w r0, r1, r2', regs: { r1: 0x12348678, r2: 16 }, out: { r0: 0x86781234, c: 1, n: 1 } },
  { asm: 'lsls.w r0, r1, r2', regs: { r1: 0x5, r2: 0xff00 }, flags: { c: 1 }, out: { r0: 5, c: 1 } },
]);

table('extends with rotation and misc (CLZ, RBIT, REV)', [
  // ROR 8 of 0x12ff80ab = 0xab12ff80 -> low half 0xff80
  { asm: 'sxth.w r0, r1, ror #8', regs: { r1: 0x12ff80ab }, out: { r0: 0xffffff80 } },
  { asm: 'uxtb.w r0, r1, ror #24', regs: { r1: 0xab123456 }, out: { r0: 0xab } },
  { asm: 'sxtb.w r0, r1, ror #16', regs: { r1: 0x00800000 }, out: { r0: 0xffffff80 } },
  { asm: 'uxth.w r0, r1, ror #16', regs: { r1: 0xbeef0000 }, out: { r0: 0xbeef } },
  { asm: 'sxth.w r8, r9', regs: { r9: 0x8000 }, out: { r8: 0xffff8000 } },
  { asm: 'clz r0, r1', regs: { r1: 0 }, out: { r0: 32 } },
  { asm: 'clz r0, r1', regs: { r1: 1 }, out: { r0: 31 } },
  { asm: 'clz r0, r1', regs: { r1: 0x80000000 }, out: { r0: 0 } },
  { asm: 'rbit r0, r1', regs: { r1: 1 }, out: { r0: 0x80000000 } },
  { asm: 'rbit r0, r1', regs: { r1: 0x12345678 }, out: { r0: 0x1e6a2c48 } },
  { asm: 'rev.w r8, r1', regs: { r1: 0x12345678 }, out: { r8: 0x78563412 } },
  { asm: 'rev16.w r8, r1', regs: { r1: 0x12345678 }, out: { r8: 0x34127856 } },
  { asm: 'revsh.w r8, r1', regs: { r1: 0x000080ff }, out: { r8: 0xffffff80 } },
]);
