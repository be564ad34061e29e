import { describe, expect, it } from 'vitest';
import { hashKey, Rng } from '../../../src/nn/data/rng.js';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference xoshiro128** outputs for state {1, 2, 3, 4}', () => {
    // First outputs of Blackman & Vigna's xoshiro128starstar.c seeded with s = {1, 2, 3, 4}.
    const rng = Rng.fromState(1, 2, 3, 4);
    expect([1, 2, 3, 4, 5, 6].map(() => rng.nextU32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('gives the same stream for the same key and different streams for nearby keys', () => {
    const a = Rng.forKey(42, 7, 1);
    const b = Rng.forKey(42, 7, 1);
    const c = Rng.forKey(42, 8, 1);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
    expect(hashKey(1, 2)).not.toBe(hashKey(2, 1));
    // Seeds above 2^32 must not alias their low 32 bits.
    expect(hashKey(2 ** 32 + 5)).not.toBe(hashKey(5));
  });

  it('draws uniform and normal deviates with the right moments', () => {
    const rng = Rng.forKey(3);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += rng.next();
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
    }
    // Standard errors: uniform mean 0.29/sqrt(n) = 6.5e-4, normal mean 2.2e-3, variance 3.2e-3.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.003);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.015);
  });

  it('int() covers both ends of its inclusive range', () => {
    const rng = Rng.forKey(9);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});
