/**
 * Checks of numeric command-line flags, shared by the commands: each returns the value or throws a
 * one-line UserError naming the flag and what it got (`--count: must be a positive integer, got 0`).
 */
import { UserError } from '../common/errors.js';

export function positiveInteger(value: unknown, flag: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new UserError(`--${flag}: must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function nonNegativeInteger(value: unknown, flag: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UserError(`--${flag}: must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function positiveNumber(value: unknown, flag: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UserError(`--${flag}: must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`);
  }
  return value;
}

/** An integer in [min, max] (an image side, a 0-or-1 base). */
export function integerInRange(value: unknown, flag: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError(`--${flag}: must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** A number strictly between low and high (a score threshold in (0, 1)). */
export function numberBetween(value: unknown, flag: string, low: number, high: number): number {
  if (typeof value !== 'number' || !(value > low && value < high)) {
    throw new UserError(`--${flag}: must be in (${low}, ${high}), got ${String(value)}`);
  }
  return value;
}
