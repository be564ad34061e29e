// Single loads and stores (ARM ARM DDI 0403E A5.2.4, A5.3.7-A5.3.10). Expected values are worked by hand from
// the ARM ARM pseudo-code; encodings come from arm-none-eabi-as. Cycles: isa/TIMING.md §3 and §4 (TRM
// Table 3-1 and §3.3.2, silicon): a load 2, one less right after a load; STR #imm 1, register offset 2.
import { describe, expect, it } from 'vitest';
import { RAM_BASE, stepThumb } from '../support/step.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const word = (cpu: ReturnType<typeof stepThumb>, a: number) => cpu.bus.read(a, 4) >>> 0;
const mem = { [RAM_BASE]: bytes(0x78, 0x56, 0x34, 0x12, 0x80, 0xff, 0x01, 0x80, 0xef, 0xbe, 0xad, 0xde) };

describe('16-bit loads and stores', () => {
  it('LDR (immediate) T1 reads a little-endian word at Rn + imm5*4 in 2 cycles', () => {
    const cpu = stepThumb('ldr r0, [r1, #8]', { regs: { r1: RAM_BASE }, memory: mem });
    expect(cpu.r[0]).toBe(0xdeadbeef);
    expect(cpu.cycles).toBe(2);
  });
  it('LDRB/LDRH zero-extend, LDRSB/LDRSH (register) sign-extend', () => {
    const cpu = stepThumb('ldrb r0, [r1, #4]\nldrh r2, [r1, #6]\nldrsb r3, [r1, r4]\nldrsh r5, [r1, r6]', {
      regs: { r1: RAM_BASE, r4: 4, r6: 6 }, memory: mem,
    });
    expect(cpu.r[0]).toBe(0x80);
    expect(cpu.r[2]).toBe(0x8001);
    expect(cpu.r[3]).toBe(0xffffff80);
    expect(cpu.r[5]).toBe(0xffff8001);
    expect(cpu.cycles).toBe(2 + 1 + 1 + 1); // TIMING.md §4.1: each load after a load pipelines
  });
  it('LDR/LDRB/LDRH (register) T1 add Rm to Rn', () => {
    const cpu = stepThumb('ldr r0, [r1, r2]\nldrb r3, [r1, r2]\nldrh r4, [r1, r2]', { regs: { r1: RAM_BASE + 4, r2: 4 }, memory: mem });
    expect(cpu.r[0]).toBe(0xdeadbeef);
    expect(cpu.r[3]).toBe(0xef);
    expect(cpu.r[4]).toBe(0xbeef);
  });
  it('STR/STRH/STRB immediate and register forms store the low bits only: 1 cycle with #imm, 2 with a register', () => {
    const cpu = stepThumb('str r0, [r1, #4]\nstrh r0, [r1, #10]\nstrb r0, [r1, #13]\nstr r0, [r1, r2]\nstrh r0, [r1, r2]\nstrb r0, [r1, r3]\nstrh r0, [r1, r3]', {
      regs: { r0: 0xa1b2c3d4, r1: RAM_BASE, r2: 16, r3: 20 },
    });
    expect(word(cpu, RAM_BASE + 4)).toBe(0xa1b2c3d4);
    expect(word(cpu, RAM_BASE + 8)).toBe(0xc3d40000);
    expect(word(cpu, RAM_BASE + 12)).toBe(0x0000d400);
    expect(word(cpu, RAM_BASE + 16)).toBe(0xa1b2c3d4); // STR then STRH of the same low half
    expect(word(cpu, RAM_BASE + 20)).toBe(0xc3d4); // STRB then STRH at the same address
    expect(cpu.cycles).toBe(3 * 1 + 4 * 2); // TIMING.md §4.2 (STR #imm = 1), §4.4 (register offset = 2)
  });
  it('STR/LDR SP-relative (T2) use SP + imm8*4', () => {
    const cpu = stepThumb('str r0, [sp, #1020]\nldr r1, [sp, #1020]', { regs: { r0: 0x1234, r13: RAM_BASE + 0x100 } });
    expect(word(cpu, RAM_BASE + 0x100 + 1020)).toBe(0x1234);
    expect(cpu.r[1]).toBe(0x1234);
  });
  it('LDR (literal) T1 reads at Align(PC,4) + imm8*4, also from a halfword-aligned instruction', () => {
    const cpu = stepThumb('nop\nldr r0, 1f\nb 2f\n.align 2\n1: .word 0xcafef00d\n2:');
    expect(cpu.r[0]).toBe(0xcafef00d);
  });
  it('unaligned LDR/LDRH/STR are allowed (MemU) and little-endian byte by byte', () => {
    const cpu = stepThumb('ldr r0, [r1]\nldrh r2, [r1]\nstr r3, [r4]', {
      regs: { r1: RAM_BASE + 1, r3: 0x11223344, r4: RAM_BASE + 0x21 }, memory: mem,
    });
    expect(cpu.r[0]).toBe(0x80123456);
    expect(cpu.r[2]).toBe(0x3456);
    expect(word(cpu, RAM_BASE + 0x20)).toBe(0x22334400);
    expect(word(cpu, RAM_BASE + 0x24)).toBe(0x11);
    expect(cpu.halted).toBe(false);
  });
  it('a load from an unmapped address is a precise BusFault', () => {
    const cpu = stepThumb('ldr r0, [r1]', { regs: { r1: 0x70000000 } });
    expect(cpu.stopReason).toContain('PRECISERR');
  });
});

describe('32-bit loads and stores with index/add/wback', () => {
  it('LDR.W T3 (imm12) and T4 negative offset', () => {
    const cpu = stepThumb('ldr.w r0, [r1, #8]\nldr r2, [r3, #-8]', { regs: { r1: RAM_BASE, r3: RAM_BASE + 16 }, memory: mem });
    expect(cpu.r[0]).toBe(0xdeadbeef);
    expect(cpu.r[2]).toBe(0xdeadbeef);
    expect(cpu.cycles).toBe(2 + 1); // TIMING.md §4.1: the second load pipelines
  });
  it('pre-indexed with writeback: LDR Rt,[Rn,#4]! loads from Rn+4 and updates Rn', () => {
    const cpu = stepThumb('ldr r0, [r1, #4]!\nldrsh r2, [r3, #-2]!', { regs: { r1: RAM_BASE + 4, r3: RAM_BASE + 8 }, memory: mem });
    expect(cpu.r[0]).toBe(0xdeadbeef);
    expect(cpu.r[1]).toBe(RAM_BASE + 8);
    expect(cpu.r[2]).toBe(0xffff8001);
    expect(cpu.r[3]).toBe(RAM_BASE + 6);
  });
  it('post-indexed: LDRB Rt,[Rn],#-1 loads from Rn, then Rn -= 1', () => {
    const cpu = stepThumb('ldrb r0, [r1], #-1\nldrsb r2, [r3], #3', { regs: { r1: RAM_BASE + 4, r3: RAM_BASE + 4 }, memory: mem });
    expect(cpu.r[0]).toBe(0x80);
    expect(cpu.r[1]).toBe(RAM_BASE + 3);
    expect(cpu.r[2]).toBe(0xffffff80);
    expect(cpu.r[3]).toBe(RAM_BASE + 7);
  });
  it('stores with pre/post index: STRH [Rn,#2]!, STRB [Rn],#1, STR [Rn,#-4]!', () => {
    const cpu = stepThumb('strh r0, [r1, #2]!\nstrb r0, [r2], #1\nstr r0, [r3, #-4]!', {
      regs: { r0: 0x11223344, r1: RAM_BASE, r2: RAM_BASE + 8, r3: RAM_BASE + 16 },
    });
    expect(word(cpu, RAM_BASE)).toBe(0x33440000);
    expect(cpu.r[1]).toBe(RAM_BASE + 2);
    expect(word(cpu, RAM_BASE + 8)).toBe(0x44);
    expect(cpu.r[2]).toBe(RAM_BASE + 9);
    expect(word(cpu, RAM_BASE + 12)).toBe(0x11223344);
    expect(cpu.r[3]).toBe(RAM_BASE + 12);
    expect(cpu.cycles).toBe(1 + 1 + 1); // TIMING.md §4.2: STR #imm = 1; §4.5: three different bases chain
  });
  it('register offset with LSL: LDR.W Rt,[Rn,Rm,LSL #2], STRH.W Rt,[Rn,Rm,LSL #1]', () => {
    const cpu = stepThumb('ldr.w r0, [r1, r2, lsl #1]\nstrh.w r0, [r1, r3, lsl #3]\nldrsb.w r4, [r1, r2, lsl #1]', {
      regs: { r1: RAM_BASE, r2: 4, r3: 2 }, memory: mem,
    });
    expect(cpu.r[0]).toBe(0xdeadbeef);
    expect(cpu.bus.read(RAM_BASE + 16, 2)).toBe(0xbeef);
    expect(cpu.r[4]).toBe(0xffffffef);
  });
  it('unprivileged LDRT/STRT/LDRBT/STRHT act as ordinary accesses (no MPU)', () => {
    const cpu = stepThumb('ldrt r0, [r1, #8]\nstrt r0, [r1, #32]\nldrbt r2, [r1, #4]\nstrht r0, [r1, #40]\nldrsht r3, [r1, #6]', {
      regs: { r1: RAM_BASE }, memory: mem,
    });
    expect(cpu.r[0]).toBe(0xdeadbeef);
    expect(word(cpu, RAM_BASE + 32)).toBe(0xdeadbeef);
    expect(cpu.r[2]).toBe(0x80);
    expect(cpu.bus.read(RAM_BASE + 40, 2)).toBe(0xbeef);
    expect(cpu.r[3]).toBe(0xffff8001);
  });
  it('literal loads with U = 0 and U = 1 use Align(PC,4) -/+ imm12', () => {
    const src = 'b 2f\n.align 2\n1: .word 0x8081f0f1\n2: ldr.w r0, 1b\nldrb.w r1, 1b\nldrsb.w r2, 1b\nldrh.w r3, 1b\nldrsh.w r4, 1b\nldr.w r5, 3f\nb 4f\n.align 2\n3: .word 0x55aa55aa\n4:';
    const cpu = stepThumb(src);
    expect(cpu.r[0]).toBe(0x8081f0f1);
    expect(cpu.r[1]).toBe(0xf1);
    expect(cpu.r[2]).toBe(0xfffffff1);
    expect(cpu.r[3]).toBe(0xf0f1);
    expect(cpu.r[4]).toBe(0xfffff0f1);
    expect(cpu.r[5]).toBe(0x55aa55aa);
  });
  it('LDR PC,[Rn] interworks: bit 0 set branches to the address with bit 0 cleared', () => {
    const cpu = stepThumb('ldr pc, [r1]', { regs: { r1: RAM_BASE }, memory: { [RAM_BASE]: bytes(0x41, 0x01, 0x00, 0x08) }, count: 1 });
    expect(cpu.pc).toBe(0x08000140);
  });
  it('LDR PC with bit 0 clear faults INVSTATE on the next instruction', () => {
    const cpu = stepThumb('ldr pc, [r1]', { regs: { r1: RAM_BASE }, memory: { [RAM_BASE]: bytes(0x40, 0x01, 0x00, 0x08) }, count: 2 });
    expect(cpu.stopReason).toContain('INVSTATE');
  });
  it('LDR PC from an unaligned address is UNPREDICTABLE: we raise UsageFault UNALIGNED', () => {
    const cpu = stepThumb('ldr.w pc, [r1, #1]', { regs: { r1: RAM_BASE }, count: 1 });
    expect(cpu.stopReason).toContain('UNALIGNED');
  });
  it('POP T3 (LDR.W Rt,[SP],#4) and PUSH T3 (STR.W Rt,[SP,#-4]!) single-register forms', () => {
    const cpu = stepThumb('push.w {r0}\npop.w {r1}', { regs: { r0: 0xfeedface, r13: RAM_BASE + 0x100 } });
    expect(word(cpu, RAM_BASE + 0xfc)).toBe(0xfeedface);
    expect(cpu.r[1]).toBe(0xfeedface);
    expect(cpu.r[13]).toBe(RAM_BASE + 0x100);
    expect(cpu.cycles).toBe(4);
  });
  it('PLD/PLI and Rt = 15 halfword loads are hints: no access, no fault, no register change', () => {
    const cpu = stepThumb('pld [r0, #4]\npld [r0, r1, lsl #2]\npli [r0, #-4]\n.inst.w 0xf9b0f004\n.inst.w 0xf8b0f004', { regs: { r0: 0x70000000 } });
    expect(cpu.halted).toBe(false);
    expect(cpu.r[0]).toBe(0x70000000);
    expect(cpu.pc).toBe(0x08000014);
  });
  it('STR with Rn = PC is UNDEFINED, LDR T4 with P = W = 0 is UNDEFINED', () => {
    expect(stepThumb('.inst.w 0xf8cf0004').stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xf8510800', { regs: { r1: RAM_BASE } }).stopReason).toContain('UNDEFINSTR');
  });
  it('a load into the base register with writeback keeps the loaded value (QEMU\'s choice)', () => {
    const cpu = stepThumb('.inst.w 0xf8511f04', { regs: { r1: RAM_BASE + 4 }, memory: mem }); // ldr r1, [r1, #4]!
    expect(cpu.r[1]).toBe(0xdeadbeef);
  });
});
