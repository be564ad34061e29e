/**
 * Multiply and divide (ARM ARM DDI 0403E A5.3.16-17, MUL T1 of A5.2.2): registers, flags and cycles
 * (isa/TIMING.md §3: MUL/MLA/MLS 1, long multiplies 1; §6: SDIV/UDIV 2 when an operand is 0, else
 * 5 + floor((bits(dividend) - bits(divisor)) / 4) up to 12, sign ignored: 7/2 = 5, 0x7fffffff/3 = 12). Long products are checked against exact
 * BigInt arithmetic (the ARM ARM computes them on unbounded integers).
 */
import { describe, expect, it } from 'vitest';
import { loadThumb, stepThumb } from '../support/step.js';
import { xorshift32 } from '../support/xorshift.js';
import { table } from './dp-helpers.js';

table('MUL, MLA, MLS (low 32 bits)', [
  { asm: 'muls r0, r1, r0', regs: { r0: 3, r1: -2 }, flags: { c: 1, v: 1 }, out: { r0: -6, n: 1, z: 0, c: 1, v: 1 }, note: 'C, V unchanged' },
  { asm: 'muls r0, r1, r0', regs: { r0: 0x10000, r1: 0x10000 }, out: { r0: 0, z: 1, n: 0 } },
  { asm: 'mul.w r0, r1, r2', regs: { r1: 0x10000, r2: 0x10000 }, flags: { z: 0 }, out: { r0: 0, z: 0 }, note: 'no flags' },
  { asm: 'mul.w r8, r9, r10', regs: { r9: 0xffffffff, r10: 0xffffffff }, out: { r8: 1 } },
  { asm: 'mla r0, r1, r2, r3', regs: { r1: 7, r2: 6, r3: 5 }, out: { r0: 47 } },
  { asm: 'mla r0, r1, r2, r3', regs: { r1: 0xffffffff, r2: 2, r3: 3 }, out: { r0: 1 }, note: '-2 + 3' },
  { asm: 'mls r0, r1, r2, r3', regs: { r1: 7, r2: 6, r3: 100 }, out: { r0: 58 } },
  { asm: 'mls r0, r1, r2, r3', regs: { r1: 1, r2: 1, r3: 0 }, out: { r0: 0xffffffff } },
  { asm: 'mla r0, r1, r2, r3', regs: { r1: 0x12345678, r2: 0x9abcdef0, r3: 0x11111111 }, out: { r0: Number((0x12345678n * 0x9abcdef0n + 0x11111111n) & 0xffffffffn) } },
]);

table('long multiplies', [
  { asm: 'umull r0, r1, r2, r3', regs: { r2: 0xffffffff, r3: 0xffffffff }, out: { r0: 1, r1: 0xfffffffe }, note: '(2^32-1)^2 = 2^64 - 2^33 + 1' },
  { asm: 'smull r0, r1, r2, r3', regs: { r2: -1, r3: -1 }, out: { r0: 1, r1: 0 } },
  { asm: 'smull r0, r1, r2, r3', regs: { r2: 0x80000000, r3: 0x80000000 }, out: { r0: 0, r1: 0x40000000 }, note: '2^62' },
  { asm: 'smull r0, r1, r2, r3', regs: { r2: -2, r3: 3 }, out: { r0: -6, r1: -1 } },
  { asm: 'smull r0, r1, r2, r3', regs: { r2: 0x80000000, r3: 0x7fffffff }, out: { r0: 0x80000000, r1: 0xc0000000 }, note: '-2^31 (2^31-1) = -2^62 + 2^31' },
  { asm: 'smlal r0, r1, r2, r3', regs: { r0: 0xffffffff, r1: 0, r2: 1, r3: 1 }, out: { r0: 0, r1: 1 }, note: 'carry into the high word' },
  { asm: 'smlal r0, r1, r2, r3', regs: { r0: 0, r1: 0, r2: -1, r3: 1 }, out: { r0: 0xffffffff, r1: 0xffffffff } },
  { asm: 'umlal r0, r1, r2, r3', regs: { r0: 0xffffffff, r1: 0xffffffff, r2: 1, r3: 1 }, out: { r0: 0, r1: 0 }, note: 'wraps mod 2^64' },
  { asm: 'umlal r0, r1, r2, r3', regs: { r0: 5, r1: 6, r2: 0x10000, r3: 0x10000 }, out: { r0: 5, r1: 7 } },
  { asm: 'umull r0, r1, r2, r3', regs: { r2: 0x12345678, r3: 0x9abcdef0 }, flags: { z: 1 }, out: { r0: 0x242d2080, r1: 0x0b00ea4e, z: 1 } },
]);

describe('long multiplies agree with exact BigInt products on random operands', () => {
  const next = xorshift32(0x2545f491);
  const edge = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffff, 0x10000, 0x8000ffff];
  const operand = (k: number) => (k % 4 === 0 ? edge[next() % edge.length]! : next());
  const mask64 = (1n << 64n) - 1n;
  const signed = (x: number) => BigInt(x | 0);
  const ops: [string, (a: number, b: number, acc: bigint) => bigint][] = [
    ['umull', (a, b) => BigInt(a) * BigInt(b)],
    ['smull', (a, b) => signed(a) * signed(b)],
    ['umlal', (a, b, acc) => BigInt(a) * BigInt(b) + acc],
    ['smlal', (a, b, acc) => signed(a) * signed(b) + acc],
  ];
  for (const [name, exact] of ops) {
    it(`${name}: 100 operand pairs`, () => {
      for (let k = 0; k < 100; k++) {
        const a = operand(k);
        const b = operand(k + 1);
        const lo = next();
        const hi = next();
        const cpu = stepThumb(`${name} r0, r1, r2, r3`, { regs: { r0: lo, r1: hi, r2: a, r3: b } });
        const want = exact(a, b, (BigInt(hi) << 32n) | BigInt(lo)) & mask64;
        expect([cpu.r[0], cpu.r[1]], `${a.toString(16)} * ${b.toString(16)}`).toEqual([Number(want & 0xffffffffn), Number(want >> 32n)]);
        expect(cpu.cycles).toBe(1);
      }
    });
  }
});

table('SDIV, UDIV (round toward zero; divide by zero gives 0 when DIV_0_TRP is clear)', [
  { asm: 'sdiv r0, r1, r2', regs: { r1: 7, r2: 2 }, out: { r0: 3 }, cycles: 5 },
  { asm: 'sdiv r0, r1, r2', regs: { r1: -7, r2: 2 }, out: { r0: -3 }, cycles: 5 },
  { asm: 'sdiv r0, r1, r2', regs: { r1: 7, r2: -2 }, out: { r0: -3 }, cycles: 5 },
  { asm: 'sdiv r0, r1, r2', regs: { r1: -7, r2: -2 }, out: { r0: 3 }, cycles: 5 },
  { asm: 'sdiv r0, r1, r2', regs: { r1: 0x80000000, r2: -1 }, out: { r0: 0x80000000 }, cycles: 12, note: 'INT_MIN / -1 wraps' },
  { asm: 'sdiv r0, r1, r2', regs: { r0: 5, r1: 1234, r2: 0 }, flags: { z: 1 }, out: { r0: 0, z: 1 }, cycles: 2 },
  { asm: 'sdiv r0, r1, r2', regs: { r1: 0x7fffffff, r2: 3 }, out: { r0: 715827882 }, cycles: 12 },
  { asm: 'udiv r0, r1, r2', regs: { r1: 0xffffffff, r2: 2 }, out: { r0: 0x7fffffff }, cycles: 12 },
  { asm: 'udiv r0, r1, r2', regs: { r1: 0xffffffff, r2: 0xffffffff }, out: { r0: 1 }, cycles: 5 },
  { asm: 'udiv r0, r1, r2', regs: { r1: 0x80000000, r2: 0x80000001 }, out: { r0: 0 }, cycles: 5 },
  { asm: 'udiv r0, r1, r2', regs: { r0: 5, r1: 1234, r2: 0 }, out: { r0: 0 }, cycles: 2 },
]);

describe('divide by zero with CCR.DIV_0_TRP set', () => {
  for (const op of ['sdiv', 'udiv']) {
    it(`${op} raises UsageFault DIVBYZERO and leaves Rd alone`, () => {
      const cpu = loadThumb(`${op} r0, r1, r2`, { regs: { r0: 5, r1: 1234, r2: 0 } });
      cpu.divZeroTrap = true;
      cpu.run(1);
      expect(cpu.stopReason).toBe('fault DIVBYZERO');
      expect(cpu.r[0]).toBe(5);
    });
  }
});
