/**
 * src/report/format.ts `int` writes thousands separators by hand (Intl's first use costs start-up
 * time): it must write exactly what toLocaleString('en-US') writes for every whole number.
 */
import { describe, expect, it } from 'vitest';
import { int } from '../../src/report/format.js';

describe('int', () => {
  it('equals Math.round(n).toLocaleString("en-US") around every digit-count boundary, signs, -0 and beyond 2^53', () => {
    const values = [0, -0, 0.4, -0.4, 0.5, -0.5, 7, 999.5, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 + 2, 1e21, 1e300, -1e22, NaN, Infinity];
    for (let p = 1; p <= 1e15; p *= 10) values.push(p - 1, p, p + 1, -p, -(p - 1), p * 1.234567);
    for (const n of values) expect(int(n), String(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });
});
