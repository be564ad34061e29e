/**
 * Table-driven checks for the hand-worked data-processing and multiply/divide tests: each case runs its
 * assembly once with stepThumb from the given registers and flags (flags default to all clear, so
 * "unchanged" is observable) and must give the listed registers, flags and cycle count.
 */
import { describe, expect, it } from 'vitest';
import { stepThumb, type StepOptions } from '../support/step.js';

export type Regs = Partial<Record<`r${number}`, number>>;
export type Flags = Partial<Record<'n' | 'z' | 'c' | 'v' | 'q', number>>;
export interface Case {
  asm: string;
  regs?: Regs;
  flags?: Flags;
  out: Regs & Flags;
  /** Expected cycles (default 1); null when the count is left to the cycle model and not asserted. */
  cycles?: number | null;
  note?: string;
}

export function check(c: Case): void {
  const opts: StepOptions = { regs: c.regs, flags: { n: 0, z: 0, c: 0, v: 0, q: 0, ...c.flags } };
  const cpu = stepThumb(c.asm, opts);
  expect(cpu.stopReason).toBe('');
  for (const [k, v] of Object.entries(c.out)) {
    if (k.startsWith('r')) expect(cpu.r[Number(k.slice(1))], k).toBe(v! >>> 0);
    else expect((cpu as unknown as Record<string, number>)[k], k).toBe(v);
  }
  if (c.cycles !== null) expect(cpu.cycles).toBe(c.cycles ?? 1);
}

/** One `describe` per table, one `it` per case, named by the assembly (lines joined by `; `), registers and note. */
export function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(`${c.asm.replace(/\n/g, '; ')} ${JSON.stringify(c.regs ?? {})}${c.note ? ` (${c.note})` : ''}`, () => check(c));
    }
  });
}
