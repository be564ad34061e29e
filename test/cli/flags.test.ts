// Numeric flags are checked in one place (src/cli/flags.ts): the bounds are inclusive or exclusive as
// each check says, a non-number (yargs gives NaN for `--count x`) is refused, and the commands that use
// them (eval, dataset import, dataset inspect) answer a bad value with exit 2 and one line naming it.
import { describe, expect, it } from 'vitest';
import { integerInRange, nonNegativeInteger, numberBetween, positiveInteger } from '../../src/cli/flags.js';
import { UserError } from '../../src/common/errors.js';
import { runCli } from '../nn/eval/cli-harness.js';

describe('numeric flag checks', () => {
  it('integerInRange: both ends included, fractions and NaN refused', () => {
    expect(integerInRange(1, 'width', 1, 4096)).toBe(1);
    expect(integerInRange(4096, 'width', 1, 4096)).toBe(4096);
    expect(() => integerInRange(0, 'width', 1, 4096)).toThrow(new UserError('--width: must be an integer in [1, 4096], got 0'));
    expect(() => integerInRange(4097, 'width', 1, 4096)).toThrow(UserError);
    expect(() => integerInRange(1.5, 'first-index', 0, 1)).toThrow('--first-index: must be an integer in [0, 1], got 1.5');
    expect(() => integerInRange(Number.NaN, 'height', 1, 4096)).toThrow(UserError);
  });

  it('numberBetween: both ends excluded', () => {
    expect(numberBetween(0.5, 'threshold', 0, 1)).toBe(0.5);
    for (const bad of [0, 1, -0.1, Number.NaN, '0.5']) expect(() => numberBetween(bad, 'threshold', 0, 1)).toThrow(/^--threshold: must be in \(0, 1\), got /);
    expect(() => positiveInteger(0, 'count')).toThrow('--count: must be a positive integer, got 0');
    expect(nonNegativeInteger(0, 'seed')).toBe(0);
  });

  it.each([
    [['eval', '--synthetic', '--threshold', '1'], '--threshold: must be in (0, 1), got 1'],
    [['eval', '--synthetic', '--count', '0'], '--count: must be a positive integer, got 0'],
    [['eval', '--synthetic', '--seed', '-1'], '--seed: must be a non-negative integer, got -1'],
    [['eval', '--synthetic', '--sheet-count', '2.5'], '--sheet-count: must be a positive integer, got 2.5'],
    [['dataset', 'import', 'rec.csv', '-o', 'out', '--width', '0'], '--width: must be an integer in [1, 4096], got 0'],
    [['dataset', 'import', 'rec.csv', '-o', 'out', '--height', '5000'], '--height: must be an integer in [1, 4096], got 5000'],
    [['dataset', 'import', 'rec.csv', '-o', 'out', '--first-index', '2'], '--first-index: must be an integer in [0, 1], got 2'],
  ])('mcusim %j: exit 2 with one line', async (argv, message) => {
    const r = await runCli(argv);
    expect([r.code, r.stderr.trimEnd().split('\n')]).toEqual([2, [`mcusim: ${message}`]]);
  });
});
