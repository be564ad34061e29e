// MRS/MSR (ARM ARM DDI 0403E B5.2.2-B5.2.3, SYSm of B5.1.1), CPS (B5.2.1), hints, barriers, CLREX, SVC, BKPT,
// UDF, WFI/WFE/SEV (B1.5.18), hand-derived. Cycles: sys = 1, hint = 1, barrier = 1 (TRM Table 3-1 base).
import { describe, expect, it } from 'vitest';
import { CODE_BASE, RAM_BASE, loadThumb, stepThumb } from '../support/step.js';

describe('MRS/MSR of the xPSR views', () => {
  const flags = { n: 1, z: 0, c: 1, v: 0, q: 1, ge: 0b1010 };
  it('MRS APSR reads N Z C V Q and GE[3:0] in 1 cycle', () => {
    const cpu = stepThumb('mrs r0, apsr', { flags });
    expect(cpu.r[0]).toBe(0xa80a0000);
    expect(cpu.cycles).toBe(1);
  });
  it('IAPSR, EAPSR, XPSR, IEPSR include APSR; IPSR, EPSR, IEPSR do not; EPSR reads as zero', () => {
    const cpu = loadThumb('mrs r0, iapsr\nmrs r1, eapsr\nmrs r2, xpsr\nmrs r3, ipsr\nmrs r4, epsr\nmrs r5, iepsr', { flags });
    cpu.ipsr = 11; // as if in SVCall
    cpu.itstate = 0;
    cpu.run(6);
    expect([cpu.r[0], cpu.r[1], cpu.r[2], cpu.r[3], cpu.r[4], cpu.r[5]]).toEqual([
      0xa80a000b, 0xa80a0000, 0xa80a000b, 11, 0, 11,
    ]);
  });
  it('MSR APSR_nzcvq writes bits 31:27 only', () => {
    const cpu = stepThumb('msr APSR_nzcvq, r0', { regs: { r0: 0x580f0000 }, flags: { ge: 0b0011 } });
    expect([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q, cpu.ge]).toEqual([0, 1, 0, 1, 1, 0b0011]);
  });
  it('MSR APSR_g writes GE[3:0] only', () => {
    const cpu = stepThumb('msr APSR_g, r0', { regs: { r0: 0xf8050000 }, flags: { n: 0 } });
    expect([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q, cpu.ge]).toEqual([0, 0, 0, 0, 0, 0b0101]);
  });
  it('MSR APSR_nzcvqg writes both; MRS reads back the same value (round trip)', () => {
    const cpu = stepThumb('msr APSR_nzcvqg, r0\nmrs r1, apsr', { regs: { r0: 0xffffffff } });
    expect(cpu.r[1]).toBe(0xf80f0000);
  });
  it('MSR to IPSR/EPSR views changes nothing', () => {
    const cpu = stepThumb('msr ipsr, r0\nmsr epsr, r0', { regs: { r0: 0xffffffff } });
    expect([cpu.apsr, cpu.ipsr, cpu.itstate]).toEqual([0, 0, 0]);
  });
});

describe('MRS/MSR of stack pointers, masks and CONTROL', () => {
  it('MSP round trip: MSR MSP writes the current SP in Thread mode with SPSEL = 0 (low bits cleared)', () => {
    const cpu = stepThumb('msr msp, r0\nmrs r1, msp', { regs: { r0: RAM_BASE + 0x103 } });
    expect(cpu.r[13]).toBe(RAM_BASE + 0x100);
    expect(cpu.r[1]).toBe(RAM_BASE + 0x100);
  });
  it('PSP round trip leaves the active SP alone', () => {
    const cpu = stepThumb('msr psp, r0\nmrs r1, psp', { regs: { r0: RAM_BASE + 0x200, r13: RAM_BASE + 0x800 } });
    expect(cpu.r[1]).toBe(RAM_BASE + 0x200);
    expect(cpu.psp).toBe(RAM_BASE + 0x200);
    expect(cpu.r[13]).toBe(RAM_BASE + 0x800);
  });
  it('CONTROL.SPSEL = 1 switches r13 to PSP; MRS CONTROL reads it back', () => {
    const cpu = stepThumb('msr psp, r0\nmsr control, r1\nmrs r2, control\nmrs r3, msp', {
      regs: { r0: RAM_BASE + 0x200, r1: 2, r13: RAM_BASE + 0x800 },
    });
    expect(cpu.r[13]).toBe(RAM_BASE + 0x200);
    expect(cpu.r[2]).toBe(2);
    expect(cpu.r[3]).toBe(RAM_BASE + 0x800);
  });
  it('PRIMASK, BASEPRI, FAULTMASK round trips; writing them asks for an exception check', () => {
    const cpu = loadThumb('msr primask, r0\nmsr basepri, r1\nmsr faultmask, r2\nmrs r3, primask\nmrs r4, basepri\nmrs r5, faultmask\nmrs r6, basepri_max', {
      regs: { r0: 3, r1: 0x1a0, r2: 1 },
    });
    cpu.run(1);
    expect(cpu.exceptionCheck).toBe(true);
    cpu.run(6);
    expect([cpu.r[3], cpu.r[4], cpu.r[5], cpu.r[6]]).toEqual([1, 0xa0, 1, 0xa0]);
    expect([cpu.primask, cpu.basepri, cpu.faultmask]).toEqual([1, 0xa0, 1]);
  });
  it('BASEPRI_MAX only raises the masking: ignores 0 and lower priorities (higher numbers)', () => {
    const cpu = stepThumb('msr basepri, r0\nmsr basepri_max, r1\nmov r7, r7\nmsr basepri_max, r2\nmrs r4, basepri\nmsr basepri_max, r3\nmrs r5, basepri', {
      regs: { r0: 0x40, r1: 0x80, r2: 0, r3: 0x20 },
    });
    expect(cpu.r[4]).toBe(0x40);
    expect(cpu.r[5]).toBe(0x20);
    const fromZero = stepThumb('msr basepri_max, r1\nmrs r0, basepri', { regs: { r1: 0x60 } });
    expect(fromZero.r[0]).toBe(0x60);
  });
  it('FAULTMASK cannot be set in HardFault (execution priority -1); MSR CONTROL does not change SPSEL in Handler mode', () => {
    const cpu = loadThumb('msr faultmask, r0\nmsr control, r1', { regs: { r0: 1, r1: 2 } });
    cpu.ipsr = 3;
    cpu.run(2);
    expect(cpu.faultmask).toBe(0);
    expect(cpu.control).toBe(0);
  });
  it('unprivileged (CONTROL.nPRIV = 1): mask writes are ignored, mask and SP reads give 0, APSR still works', () => {
    const cpu = stepThumb('msr control, r0\nmsr primask, r1\nmrs r2, primask\nmrs r3, msp\nmsr APSR_nzcvq, r4\nmsr control, r5\nmrs r6, control', {
      regs: { r0: 1, r1: 1, r4: 0x80000000, r5: 0 },
    });
    expect(cpu.primask).toBe(0);
    expect(cpu.r[2]).toBe(0);
    expect(cpu.r[3]).toBe(0);
    expect(cpu.n).toBe(1);
    expect(cpu.r[6]).toBe(1); // cannot regain privilege by MSR
  });
  it('CPSID/CPSIE I and F set and clear PRIMASK / FAULTMASK', () => {
    const cpu = loadThumb('cpsid i\ncpsid f\ncpsie i\ncpsie f');
    cpu.run(2);
    expect([cpu.primask, cpu.faultmask]).toEqual([1, 1]);
    cpu.run(2);
    expect([cpu.primask, cpu.faultmask]).toEqual([0, 0]);
    expect(cpu.cycles).toBe(4);
  });
  it('MRS into PC and MSR from PC are UNDEFINED', () => {
    expect(stepThumb('.inst.w 0xf3ef8f00').stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xf38f8810').stopReason).toContain('UNDEFINSTR');
  });
});

describe('hints, barriers, traps', () => {
  it('NOP, YIELD, DBG, unallocated hints, DSB, DMB: 1 cycle each, ISB 4, and no state change', () => {
    const cpu = stepThumb('nop\nyield\nnop.w\nyield.w\ndbg #5\n.inst.n 0xbff0\n.inst.w 0xf3af80fe\ndsb\ndmb\nisb sy', { regs: { r0: 1 } });
    expect(cpu.halted).toBe(false);
    expect(cpu.pc).toBe(CODE_BASE + 34);
    // TIMING.md §3: 9 x 1 + ISB 1+3; §5.2: nop.w, dsb, dmb, isb are 32-bit on odd halfwords, the third costs 1 more
    expect(cpu.cycles).toBe(9 + 4 + 1);
    expect(cpu.r[0]).toBe(1);
  });
  it('CLREX opens the exclusive monitor', () => {
    const cpu = loadThumb('clrex');
    cpu.exclusiveAddress = RAM_BASE;
    cpu.run(1);
    expect(cpu.exclusiveAddress).toBe(-1);
  });
  it('WFI sleeps; with no event source the run stops', () => {
    const cpu = stepThumb('wfi', { count: 1 });
    expect(cpu.sleeping).toBe(true);
    expect(stepThumb('wfi.w\nnop', { count: 2 }).stopReason).toContain('WFI');
  });
  it('WFE sleeps when no event is latched; SEV latches one that the next WFE consumes', () => {
    expect(stepThumb('wfe', { count: 1 }).sleeping).toBe(true);
    const cpu = stepThumb('sev\nwfe.w', { count: 2 });
    expect(cpu.sleeping).toBe(false);
    expect(cpu.eventRegister).toBe(0);
    expect(stepThumb('sev.w', { count: 1 }).eventRegister).toBe(1);
  });
  it('SVC enters the exception model', () => {
    expect(stepThumb('svc #3').stopReason).toBe('SVC');
  });
  it('BKPT calls onBreakpoint with imm8; unhandled it is a DEBUGEVT fault', () => {
    const cpu = loadThumb('bkpt 0xab\nnop');
    let seen = -1;
    cpu.onBreakpoint = (_c, imm8) => { seen = imm8; return true; };
    cpu.run(1);
    expect(seen).toBe(0xab);
    expect(cpu.pc).toBe(CODE_BASE + 2);
    expect(stepThumb('bkpt 1').stopReason).toContain('DEBUGEVT');
  });
  it('UDF T1 and T2 are always UNDEFINED', () => {
    expect(stepThumb('udf #7').stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('udf.w #1234').stopReason).toContain('UNDEFINSTR');
  });
  it('unused rows of the B T3 misc-control space are UNDEFINED (not branches)', () => {
    expect(stepThumb('.inst.w 0xf3bf8f1f').stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xf3c08000').stopReason).toContain('UNDEFINSTR');
    expect(stepThumb('.inst.w 0xf3af8100').stopReason).toContain('UNDEFINSTR'); // CPS.W is ARMv7-A only
  });
});
