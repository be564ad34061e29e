// The function profiler follows calls, tail calls, recursion, longjmp, SVC and interrupts
// (firmware/tests/profile/calls.c): the call tree has each function under the caller it really
// returns to, handlers count one call per exception taken, and the sums equal the run's totals,
// with and without block translation.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildElf } from '../support/toolchain.js';
import { PROFILE_DIR, runProfiled, type ProfiledRun } from './support.js';
import type { Report } from '../../src/report/schema.js';

let blocks: ProfiledRun;
let interpreted: ProfiledRun;

beforeAll(async () => {
  const elf = await buildElf({ name: 'profile_calls', sources: [join(PROFILE_DIR, 'calls.c')], variant: { opt: 'O2', float: 'hard' }, board: 'stm32f411re' });
  blocks = runProfiled(elf, 'stm32f411re');
  interpreted = runProfiled(elf, 'stm32f411re', { translate: false });
}, 120_000);

const printed = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(blocks.stdout)?.[1]);

/** Every tree node whose function is `name`, with the name of its parent node's function. */
function nodes(rep: Report, name: string): { parent: string; calls: number; cycles: number }[] {
  const t = rep.functions!.tree;
  return t.nodes.filter((n) => t.names[n.fn] === name).map((n) => ({
    parent: n.parent >= 0 ? t.names[t.nodes[n.parent]!.fn]! : '', calls: n.calls, cycles: n.cycles,
  }));
}

describe('call tracking', () => {
  it('the program ran as planned (its own counts)', () => {
    expect(blocks.exitCode).toBe(0);
    expect(printed('longjmp')).toBe(7);
    expect(printed('svc')).toBe(1);
    expect(printed('ticks')).toBeGreaterThan(50);
  });

  it('exclusive cycles and instructions add up to the totals', () => {
    const f = blocks.report.functions!;
    expect(f.rows.reduce((s, r) => s + r.selfCycles, 0)).toBe(blocks.report.run.cycles);
    expect(f.rows.reduce((s, r) => s + r.selfInstructions, 0)).toBe(blocks.report.run.instructions);
  });

  it('a tail call (b leaf) makes leaf return to tail\'s caller: leaf sits under main', () => {
    expect(nodes(blocks.report, 'tail')).toEqual([expect.objectContaining({ parent: 'main', calls: 10 })]);
    expect(nodes(blocks.report, 'leaf')).toEqual([expect.objectContaining({ parent: 'main', calls: 10 })]);
  });

  it('recursion nests dive nine deep, and longjmp out of it returns to main', () => {
    const dive = nodes(blocks.report, 'dive');
    expect(dive).toHaveLength(9);
    expect(dive[0]!.parent).toBe('main');
    expect(dive.slice(1).every((d) => d.parent === 'dive')).toBe(true);
    expect(nodes(blocks.report, 'after_jump')).toEqual([expect.objectContaining({ parent: 'main', calls: 1 })]);
    expect(nodes(blocks.report, 'longjmp')).toHaveLength(1);
  });

  it('exception entries: SVC_Handler once under main, SysTick_Handler once per tick under busy', () => {
    expect(nodes(blocks.report, 'SVC_Handler')).toEqual([expect.objectContaining({ parent: 'main', calls: 1 })]);
    const systick = nodes(blocks.report, 'SysTick_Handler');
    expect(systick).toEqual([expect.objectContaining({ parent: 'busy', calls: printed('ticks') })]);
    expect(printed('ticks') + printed('svc')).toBe(blocks.report.run.exceptionsTaken);
    // busy's inclusive time holds the interrupts that came while it ran.
    const busy = blocks.report.functions!.rows.find((r) => r.name === 'busy')!;
    expect(busy.totalCycles).toBe(busy.selfCycles + systick[0]!.cycles);
  });

  it('every node but the root was entered by a call, a tail call or an exception', () => {
    const t = blocks.report.functions!.tree;
    expect(t.nodes.slice(1).filter((n) => n.calls === 0).map((n) => t.names[n.fn])).toEqual([]);
  });

  it('identical with --translate 0', () => {
    expect(interpreted.report.functions).toEqual(blocks.report.functions);
  });
});
