// Sanity of the randomized differential programs against QEMU, before mcusim is compared with it:
// the generator is reproducible per seed, the dump routine reports a known initial state exactly and
// leaves flags alone, a hand-written block gives the values derived by hand from the ARMv7-M ARM,
// and generated programs assemble (no warnings allowed) and run to the end in QEMU.
import { describe, expect, it } from 'vitest';
import { qemuDriver } from '../support/driver.js';
import { type InitialState, buildProgramSource, buildRandomProgram, generateRandomProgram, renderProgram } from '../support/randprog.js';
import { parseDumps } from './dumps.js';

describe('random program generator', () => {
  it('gives the same program for the same seed and a different one for another seed', () => {
    const a = generateRandomProgram(42, { instructions: 500 });
    expect(generateRandomProgram(42, { instructions: 500 }).source).toBe(a.source);
    expect(generateRandomProgram(43, { instructions: 500 }).source).not.toBe(a.source);
    expect(a.blocks.flat().length).toBeGreaterThanOrEqual(500);
    expect(a.dumpCount).toBe(a.blocks.length + 1);
  });

  it('writes only r0-r12 and never SP or PC', () => {
    const body = generateRandomProgram(7, { instructions: 5000 }).blocks.flat().join('\n');
    expect(body).not.toMatch(/\b(sp|pc|lr|r13|r14|r15)\b/);
  });
});

describe('register dumps in QEMU', () => {
  it('report the initial state exactly and the results of a hand-derived block', async () => {
    const initial: InitialState = {
      r: [0, 0x7fffffff, 1, 0, 0x00020003, 0x00040005, 10, 0, 0x7fffffff, 1, 0, 0x80ff0102, 0x12345678],
      s: Array.from({ length: 32 }, (_, i) => (0x3f800000 + i * 0x100000) >>> 0),
      apsr: 0,
      fpscr: 0x00000000,
    };
    initial.s[1] = 0x3fc00000; // 1.5
    initial.s[2] = 0x40100000; // 2.25
    initial.s[4] = 0x3f800000; // 1.0
    initial.s[5] = 0x40400000; // 3.0
    const blocks = [
      ['adds r0, r1, r2', 'smlad r3, r4, r5, r6', 'vadd.f32 s0, s1, s2', 'qadd r7, r8, r9', 'uadd8 r10, r11, r11'],
      ['vdiv.f32 s3, s4, s5', 'vcmp.f32 s4, s5', 'vmrs APSR_nzcv, fpscr'],
    ];
    const source = renderProgram(initial, blocks, [0x00000000, 0x00c00000]);
    const elf = await buildProgramSource('randprog-hand', source);
    const run = await qemuDriver.run(elf, { timeoutMs: 20_000 });
    expect(run.exitCode).toBe(0);
    const dumps = parseDumps(run.stdout.toString());
    expect(dumps).toHaveLength(3);
    expect(dumps[0]!.r).toEqual(initial.r);
    expect(dumps[0]!.s).toEqual(initial.s);
    expect(dumps[0]!.apsr).toBe(0);
    expect(dumps[0]!.fpscr).toBe(0);

    const d1 = dumps[1]!;
    expect(d1.r[0]).toBe(0x80000000); // 0x7fffffff + 1: N=1 V=1, no carry out
    expect(d1.r[3]).toBe(33); // 2*4 + 3*5 + 10
    expect(d1.r[7]).toBe(0x7fffffff); // QADD saturates and sets Q
    expect(d1.r[10]).toBe(0x00fe0204); // bytes 80+80, ff+ff carry out (GE3, GE2); 01+01, 02+02 do not
    expect(d1.r[12]).toBe(0); // the block's FPSCR went through r12
    expect(d1.s[0]).toBe(0x40700000); // 1.5 + 2.25 = 3.75, exact
    expect(d1.apsr >>> 0).toBe(0x980c0000); // N V Q, GE=1100
    expect(d1.fpscr).toBe(0);

    const d2 = dumps[2]!;
    expect(d2.s[3]).toBe(0x3eaaaaaa); // 1/3 rounded toward zero
    expect(d2.r[12]).toBe(0x00c00000);
    expect(d2.fpscr >>> 0).toBe(0x80c00010); // 1 < 3: N; RZ; IXC from the division
    expect(d2.apsr >>> 0).toBe(0x880c0000); // NZCV from FPSCR, Q and GE kept
  });

  it.each([1, 2, 3])('seed %i: a 2000-instruction program assembles and runs to the end', async (seed) => {
    const { elf, program } = await buildRandomProgram(seed, { instructions: 2000 });
    const run = await qemuDriver.run(elf, { timeoutMs: 30_000 });
    const out = run.stdout.toString();
    expect(run.exitCode, out.slice(-500)).toBe(0);
    expect(out.trimEnd().endsWith('end')).toBe(true);
    const dumps = parseDumps(out);
    expect(dumps).toHaveLength(program.dumpCount);
    expect(dumps[0]!.r).toEqual(program.initial.r);
    expect(dumps[0]!.s).toEqual(program.initial.s);
    expect(dumps[0]!.apsr >>> 0).toBe(program.initial.apsr);
    expect(dumps[0]!.fpscr >>> 0).toBe(program.initial.fpscr);
  });
});
