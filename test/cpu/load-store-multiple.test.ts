// LDM/STM/LDMDB/STMDB/PUSH/POP (ARM ARM DDI 0403E A7.7.40-41, A7.7.99-101, A7.7.159-160), hand-derived.
// Cycles: LDM/STM/PUSH/POP = 1+N (isa/TIMING.md §3, TRM Table 3-1), no pipelining with neighbours (§4.9).
import { describe, expect, it } from 'vitest';
import { RAM_BASE, loadThumb, stepThumb } from '../support/step.js';

const words = (...w: number[]) => new Uint8Array(Uint32Array.from(w).buffer);
const word = (cpu: ReturnType<typeof stepThumb>, a: number) => cpu.bus.read(a, 4) >>> 0;
const mem = { [RAM_BASE]: words(0x11111111, 0x22222222, 0x33333333, 0x44444444) };

describe('16-bit LDM/STM/PUSH/POP', () => {
  it('LDMIA Rn!, {list} loads ascending and writes back Rn + 4*N in 1+N cycles', () => {
    const cpu = stepThumb('ldmia r0!, {r1, r2, r3}', { regs: { r0: RAM_BASE }, memory: mem });
    expect([cpu.r[1], cpu.r[2], cpu.r[3]]).toEqual([0x11111111, 0x22222222, 0x33333333]);
    expect(cpu.r[0]).toBe(RAM_BASE + 12);
    expect(cpu.cycles).toBe(1 + 3); // TIMING.md §3: 1+N
  });
  it('LDM T1 with Rn in the list has no writeback: Rn gets the loaded word', () => {
    const cpu = stepThumb('ldm r1, {r0, r1, r2}', { regs: { r1: RAM_BASE }, memory: mem });
    expect([cpu.r[0], cpu.r[1], cpu.r[2]]).toEqual([0x11111111, 0x22222222, 0x33333333]);
  });
  it('STMIA Rn!, {list} stores ascending and writes back', () => {
    const cpu = stepThumb('stmia r0!, {r1, r4, r7}', { regs: { r0: RAM_BASE + 8, r1: 1, r4: 4, r7: 7 } });
    expect([word(cpu, RAM_BASE + 8), word(cpu, RAM_BASE + 12), word(cpu, RAM_BASE + 16)]).toEqual([1, 4, 7]);
    expect(cpu.r[0]).toBe(RAM_BASE + 20);
    expect(cpu.cycles).toBe(1 + 3); // TIMING.md §3: 1+N
  });
  it('PUSH {r0, r1, lr} stores below SP with the lowest register lowest; POP restores', () => {
    const cpu = stepThumb('push {r0, r1, lr}\npop {r2, r3, r4}', { regs: { r0: 10, r1: 11, r14: 0x0800abcd, r13: RAM_BASE + 0x100 } });
    expect(cpu.r[13]).toBe(RAM_BASE + 0x100);
    expect([word(cpu, RAM_BASE + 0xf4), word(cpu, RAM_BASE + 0xf8), word(cpu, RAM_BASE + 0xfc)]).toEqual([10, 11, 0x0800abcd]);
    expect([cpu.r[2], cpu.r[3], cpu.r[4]]).toEqual([10, 11, 0x0800abcd]);
  });
  it('POP {pc} interworks: bit 0 set branches to the halfword address', () => {
    const cpu = stepThumb('pop {r0, pc}', { regs: { r13: RAM_BASE }, memory: { [RAM_BASE]: words(5, 0x08000101) }, count: 1 });
    expect(cpu.r[0]).toBe(5);
    expect(cpu.pc).toBe(0x08000100);
    expect(cpu.r[13]).toBe(RAM_BASE + 8);
  });
  it('POP {pc} of an EXC_RETURN value in Handler mode writes SP back first, then returns from the exception', () => {
    const cpu = loadThumb('pop {r0, pc}', { regs: { r13: RAM_BASE }, memory: { [RAM_BASE]: words(3, 0xfffffff9) } });
    cpu.ipsr = 11;
    cpu.run(1);
    expect(cpu.stopReason).toContain('exception return'); // the bare core's exception model stops here
    expect(cpu.r[13]).toBe(RAM_BASE + 8); // the unstacking will read from the updated SP
    expect(cpu.r[0]).toBe(3);
  });
  it('POP {pc} of an address with bit 0 clear faults INVSTATE', () => {
    const cpu = stepThumb('pop {pc}', { regs: { r13: RAM_BASE }, memory: { [RAM_BASE]: words(0x08000100) }, count: 2 });
    expect(cpu.stopReason).toContain('INVSTATE');
  });
  it('an empty 16-bit register list is UNPREDICTABLE: UNDEFINED', () => {
    expect(stepThumb('.inst.n 0xc800', { regs: { r0: RAM_BASE } }).stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.n 0xb400').stopReason).toContain('UNDEFINSTR');
  });
  it('STM T1 with Rn in the list (lowest) stores the original Rn', () => {
    const cpu = stepThumb('.inst.n 0xc103', { regs: { r0: 0x77, r1: RAM_BASE } }); // stmia r1!, {r0, r1}
    expect(word(cpu, RAM_BASE)).toBe(0x77);
    expect(word(cpu, RAM_BASE + 4)).toBe(RAM_BASE);
    expect(cpu.r[1]).toBe(RAM_BASE + 8);
  });
});

describe('32-bit LDM/STM/LDMDB/STMDB', () => {
  it('LDMIA.W without writeback leaves Rn; with writeback adds 4*N', () => {
    const cpu = stepThumb('ldmia.w r0, {r1, r9}\nldmia.w r2!, {r3, r4, r12}', { regs: { r0: RAM_BASE, r2: RAM_BASE + 4 }, memory: mem });
    expect([cpu.r[1], cpu.r[9]]).toEqual([0x11111111, 0x22222222]);
    expect(cpu.r[0]).toBe(RAM_BASE);
    expect([cpu.r[3], cpu.r[4], cpu.r[12]]).toEqual([0x22222222, 0x33333333, 0x44444444]);
    expect(cpu.r[2]).toBe(RAM_BASE + 16);
    expect(cpu.cycles).toBe((1 + 2) + (1 + 3)); // TIMING.md §3: 1+N each, §4.9: no overlap between them
  });
  it('STMDB Rn!, {list} stores below Rn ascending and sets Rn = Rn - 4*N (PUSH.W)', () => {
    const cpu = stepThumb('stmdb r0!, {r1, r8, lr}\npush.w {r9, r10}', {
      regs: { r0: RAM_BASE + 0x40, r1: 1, r8: 8, r14: 14, r9: 9, r10: 10, r13: RAM_BASE + 0x80 },
    });
    expect([word(cpu, RAM_BASE + 0x34), word(cpu, RAM_BASE + 0x38), word(cpu, RAM_BASE + 0x3c)]).toEqual([1, 8, 14]);
    expect(cpu.r[0]).toBe(RAM_BASE + 0x34);
    expect([word(cpu, RAM_BASE + 0x78), word(cpu, RAM_BASE + 0x7c)]).toEqual([9, 10]);
    expect(cpu.r[13]).toBe(RAM_BASE + 0x78);
  });
  it('LDMDB loads from Rn - 4*N upwards; STMIA.W stores without writeback', () => {
    const cpu = stepThumb('ldmdb r0!, {r1, r2}\nstmia.w r5, {r1, r2}', { regs: { r0: RAM_BASE + 16, r5: RAM_BASE + 0x20 }, memory: mem });
    expect([cpu.r[1], cpu.r[2]]).toEqual([0x33333333, 0x44444444]);
    expect(cpu.r[0]).toBe(RAM_BASE + 8);
    expect([word(cpu, RAM_BASE + 0x20), word(cpu, RAM_BASE + 0x24)]).toEqual([0x33333333, 0x44444444]);
    expect(cpu.r[5]).toBe(RAM_BASE + 0x20);
  });
  it('POP.W {r4, r5, pc} loads the PC last and updates SP', () => {
    const cpu = stepThumb('pop.w {r4, r5, pc}', { regs: { r13: RAM_BASE }, memory: { [RAM_BASE]: words(4, 5, 0x08000201) }, count: 1 });
    expect([cpu.r[4], cpu.r[5], cpu.r[13]]).toEqual([4, 5, RAM_BASE + 12]);
    expect(cpu.pc).toBe(0x08000200);
  });
  it('an unaligned base faults UNALIGNED (MemA) before any register changes', () => {
    const cpu = stepThumb('ldmia.w r0, {r1, r2}', { regs: { r0: RAM_BASE + 2, r1: 99 }, memory: mem });
    expect(cpu.stopReason).toContain('UNALIGNED');
    expect(cpu.r[1]).toBe(99);
    expect(stepThumb('stmdb r0!, {r1, r2}', { regs: { r0: RAM_BASE + 6 } }).stopReason).toContain('UNALIGNED');
  });
  it('32-bit UNPREDICTABLE lists (one register, wback with Rn listed, Rn = PC) are UNDEFINED as in QEMU', () => {
    expect(stepThumb('.inst.w 0xe8900002', { regs: { r0: RAM_BASE } }).stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xe8b00003', { regs: { r0: RAM_BASE } }).stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xe89f0003').stopReason).toContain('UNDEFINSTR');
  });
});
