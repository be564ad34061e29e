// Branches and IT blocks (ARM ARM DDI 0403E A7.7.12 B, A7.7.18 BL, A7.7.19 BLX, A7.7.20 BX, A7.7.21 CBZ/CBNZ,
// A7.7.38 IT, A7.3 conditional execution), hand-derived. Cycles where asserted come from isa/TIMING.md
// (§5: branches and IT; IT = 1 after a 32-bit instruction or at the start, 0 folded after a 16-bit one).
import { describe, expect, it } from 'vitest';
import { CODE_BASE, loadThumb, stepThumb } from '../support/step.js';

describe('B, BL, BX, BLX', () => {
  it('B T2 skips forward', () => {
    const cpu = stepThumb('b 1f\nmovs r0, #1\n1: movs r1, #2', { regs: { r0: 0 } });
    expect([cpu.r[0], cpu.r[1]]).toEqual([0, 2]);
  });
  it('B T2 backward: PC = this instruction + 4 + SignExtend(imm11:0)', () => {
    const back = loadThumb('1: nop\nb.n 1b');
    back.pc = CODE_BASE + 2;
    back.run(1);
    expect(back.pc).toBe(CODE_BASE);
  });
  for (const [cond, flags, taken] of [
    ['eq', { z: 1 }, true], ['eq', { z: 0 }, false], ['ne', { z: 0 }, true], ['cs', { c: 1 }, true], ['cc', { c: 1 }, false],
    ['mi', { n: 1 }, true], ['pl', { n: 1 }, false], ['vs', { v: 1 }, true], ['vc', { v: 1 }, false],
    ['hi', { c: 1, z: 0 }, true], ['hi', { c: 1, z: 1 }, false], ['ls', { c: 0, z: 0 }, true],
    ['ge', { n: 1, v: 1 }, true], ['ge', { n: 1, v: 0 }, false], ['lt', { n: 1, v: 0 }, true],
    ['gt', { z: 0, n: 0, v: 0 }, true], ['gt', { z: 1, n: 0, v: 0 }, false], ['le', { z: 1 }, true],
  ] as const) {
    it(`B${cond} T1 with ${JSON.stringify(flags)} is ${taken ? 'taken' : 'not taken'}`, () => {
      const cpu = stepThumb(`b${cond} 1f\nmovs r0, #1\n1:`, { flags, regs: { r0: 0 } });
      expect(cpu.r[0]).toBe(taken ? 0 : 1);
    });
  }
  it('B.W T4 and Bcc.W T3 reach across 2000 and 1000 bytes, forward and back', () => {
    const cpu = stepThumb('b.w 2f\n1: movs r1, #3\nb 3f\n.space 2000\n2: beq.w 1b\nmovs r0, #9\n3:', { flags: { z: 1 } });
    expect([cpu.r[0], cpu.r[1]]).toEqual([0, 3]);
    const notTaken = stepThumb('beq.w 1f\nmovs r0, #7\n.space 1000\n1:', { flags: { z: 0 } });
    expect(notTaken.r[0]).toBe(7);
    // TIMING.md §5.3: a not-taken B<c> with no 16-bit instruction since the last refill (here the reset) = 2;
    // then MOVS and the zero halfwords (MOVS r0,r0) = 1 each
    expect(notTaken.cycles).toBe(2 + 1 + 1000 / 2);
  });
  it('B.W T4 with S = 1, J1 = J2 = 1 reaches back: decoded offset matches the assembler', () => {
    const cpu = loadThumb('1: nop\n.space 4096\nb.w 1b');
    cpu.pc = CODE_BASE + 2 + 4096;
    cpu.run(1);
    expect(cpu.pc).toBe(CODE_BASE);
  });
  it('BL sets LR to the return address | 1; BX LR returns (round trip)', () => {
    const cpu = stepThumb('bl 1f\nmovs r0, #1\nb 2f\n1: movs r1, #2\nbx lr\n2:');
    expect([cpu.r[0], cpu.r[1]]).toEqual([1, 2]);
    expect(cpu.r[14]).toBe(CODE_BASE + 5);
  });
  it('BL reaches far targets (imm25 with I1/I2 from J1/J2 and S)', () => {
    const cpu = loadThumb('bl 1f\n.space 0xf000\n1: nop');
    cpu.run(1);
    expect(cpu.pc).toBe(CODE_BASE + 4 + 0xf000);
    expect(cpu.r[14]).toBe(CODE_BASE + 5);
  });
  it('BLX Rm branches to Rm with bit 0 set and links', () => {
    const cpu = stepThumb('blx r2\nmovs r0, #1\nb 2f\nmovs r1, #4\nbx lr\n2:', { regs: { r2: CODE_BASE + 7 } });
    expect([cpu.r[0], cpu.r[1]]).toEqual([1, 4]);
    expect(cpu.r[14]).toBe(CODE_BASE + 3);
  });
  it('BX / BLX to an address with bit 0 clear fault INVSTATE at the target', () => {
    const bx = stepThumb('bx r0\nnop', { regs: { r0: CODE_BASE + 2 } });
    expect(bx.stopReason).toContain('INVSTATE');
    const blx = stepThumb('blx r0\nnop', { regs: { r0: CODE_BASE + 2 } });
    expect(blx.stopReason).toContain('INVSTATE');
    expect(blx.r[14]).toBe(CODE_BASE + 3);
  });
  it('BX LR with an EXC_RETURN value in Handler mode is an exception return; in Thread mode an INVSTATE branch', () => {
    const handler = loadThumb('bx lr', { regs: { r14: 0xfffffff9 } });
    handler.ipsr = 15;
    handler.run(1);
    expect(handler.stopReason).toContain('exception return');
    const thread = loadThumb('bx lr\nnop', { regs: { r14: 0xfffffff9 } });
    thread.run(2);
    expect(thread.stopReason).toContain('fault'); // bit 0 set: a branch to 0xfffffff8, which is not code
  });
  it('BLX PC is UNPREDICTABLE: UNDEFINED', () => {
    expect(stepThumb('.inst.n 0x47f8').stopReason).toContain('UNDEFINSTR');
  });
});

describe('CBZ/CBNZ', () => {
  it('CBZ branches when Rn is zero, CBNZ when it is not', () => {
    expect(stepThumb('cbz r2, 1f\nmovs r0, #1\n1:', { regs: { r2: 0, r0: 0 } }).r[0]).toBe(0);
    expect(stepThumb('cbz r2, 1f\nmovs r0, #1\n1:', { regs: { r2: 5, r0: 0 } }).r[0]).toBe(1);
    expect(stepThumb('cbnz r2, 1f\nmovs r0, #1\n1:', { regs: { r2: 5, r0: 0 } }).r[0]).toBe(0);
    expect(stepThumb('cbnz r2, 1f\nmovs r0, #1\n1:', { regs: { r2: 0, r0: 0 } }).r[0]).toBe(1);
  });
  for (const distance of [0, 2, 62, 64, 126]) {
    it(`CBZ reaches +${distance} past PC (i:imm5:'0')`, () => {
      const cpu = loadThumb(`cbz r7, 1f\n.space ${distance + 2}\n1: nop`, { regs: { r7: 0 } });
      cpu.run(1);
      expect(cpu.pc).toBe(CODE_BASE + 4 + distance);
    });
  }
});

describe('IT blocks', () => {
  it('ITETE EQ: all four slots follow firstcond and the mask (Z = 1)', () => {
    const src = 'itete eq\nmoveq r0, #1\nmovne r1, #1\nmoveq r2, #1\nmovne r3, #1';
    const z1 = stepThumb(src, { flags: { z: 1 } });
    expect([z1.r[0], z1.r[1], z1.r[2], z1.r[3]]).toEqual([1, 0, 1, 0]);
    const z0 = stepThumb(src, { flags: { z: 0 } });
    expect([z0.r[0], z0.r[1], z0.r[2], z0.r[3]]).toEqual([0, 1, 0, 1]);
    expect(z0.cycles).toBe(5); // IT = 1, each slot 1 (executed or skipped)
  });
  for (const [mask, pattern] of [
    ['it', 'T'], ['itt', 'TT'], ['ite', 'TE'], ['ittt', 'TTT'], ['itte', 'TTE'], ['itet', 'TET'], ['itee', 'TEE'],
    ['itttt', 'TTTT'], ['ittte', 'TTTE'], ['ittet', 'TTET'], ['ittee', 'TTEE'], ['itett', 'TETT'],
    ['itete', 'TETE'], ['iteet', 'TEET'], ['iteee', 'TEEE'],
  ] as const) {
    it(`${mask.toUpperCase()} CS runs the then-slots with C = 1 and the else-slots with C = 0`, () => {
      const body = [...pattern].map((p, k) => `mov${p === 'T' ? 'cs' : 'cc'} r${k}, #${k + 1}`).join('\n');
      for (const c of [0, 1]) {
        const cpu = stepThumb(`${mask} cs\n${body}\nmovs r5, #5`, { flags: { c }, regs: { r0: 0, r1: 0, r2: 0, r3: 0 } });
        const expected = [...pattern].map((p, k) => ((p === 'T') === (c === 1) ? k + 1 : 0));
        expect([...cpu.r.slice(0, pattern.length)]).toEqual(expected);
        expect(cpu.r[5]).toBe(5); // after the block, unconditional again
        expect(cpu.itstate).toBe(0);
      }
    });
  }
  it('a flag change inside the block affects the later slots (CMP in slot 1)', () => {
    const cpu = stepThumb('itt eq\ncmpeq r0, r1\nmoveq r2, #1', { flags: { z: 1 }, regs: { r0: 1, r1: 2, r2: 0 } });
    expect(cpu.z).toBe(0);
    expect(cpu.r[2]).toBe(0);
  });
  it('16-bit flag-setting encodings do not set flags inside an IT block (MOV T1 is MOV, not MOVS)', () => {
    const cpu = stepThumb('it eq\nmoveq r0, #0', { flags: { z: 1, n: 1 }, regs: { r0: 5 } });
    expect(cpu.r[0]).toBe(0);
    expect(cpu.n).toBe(1); // MOVS #0 would have cleared N
  });
  it('a branch as the last instruction of an IT block is conditional on the block', () => {
    const src = 'it ne\nbne 1f\nmovs r0, #1\n1:';
    expect(stepThumb(src, { flags: { z: 0 }, regs: { r0: 0 } }).r[0]).toBe(0);
    expect(stepThumb(src, { flags: { z: 1 }, regs: { r0: 0 } }).r[0]).toBe(1);
  });
  it('IT sets ITSTATE = firstcond:mask', () => {
    const cpu = stepThumb('itete gt\nnop\nnop\nnop\nnop', { count: 1 });
    expect(cpu.itstate).toBe(0xcb); // GT = 1100; E,T,E against firstcond<0> = 0 -> 1,0,1, then the terminating 1
  });
  it('B T1 (with its own cond) inside an IT block is UNDEFINED, as in QEMU', () => {
    const cpu = stepThumb('it eq\n.inst.n 0xd000', { flags: { z: 1 } });
    expect(cpu.stopReason).toContain('UNDEFINSTR');
  });
});
