/**
 * `mcusim search`: usage errors exit 2 with one line; an unreachable budget exits 1 with one line
 * naming the smallest reachable latency, SRAM and flash (measured by building and simulating the
 * narrowest model); the state file lets a rerun with --resume skip finished candidates, and refuses
 * to resume a search started with other settings. Needs arm-none-eabi-gcc.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../nn/eval/cli-harness.js';
import { readState, writeState } from '../../src/search/state.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (s: string): string[] => s.trim().split('\n').filter((l) => l.startsWith('mcusim: '));

describe('mcusim search usage', () => {
  it.each([
    [['search'], /name a budget/],
    [['search', '--max-sram', 'lots'], /--max-sram: must be a size in bytes/],
    [['search', '--latency-ms', '-3'], /--latency-ms: must be a positive number/],
    [['search', '--latency-ms', '5', '--workers', '0'], /--workers: must be a positive integer/],
    [['search', '--latency-ms', '5', '--board', 'nope'], /nope/],
  ])('%j exits 2 with one line', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('mcusim search budget and resume', () => {
  const out = join(dir, 'out');
  const argv = ['search', '--latency-ms', '0.5', '--out', out, '--eval-frames', '16'];

  it('an unreachable budget names the smallest reachable latency, SRAM and flash and exits 1', async () => {
    const r = await runCli(argv);
    expect(r.code).toBe(1);
    const lines = oneLine(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mcusim: budget unreachable on stm32f411re: the smallest model .* needs \d+\.\d\d ms, \d+ B SRAM, \d+ B flash$/);
    const results = JSON.parse(readFileSync(join(out, 'search-results.json'), 'utf8'));
    expect(results.rows.map((row: { id: string }) => row.id).sort()).toEqual(['floor', 'start']);
    const floor = results.rows.find((row: { id: string }) => row.id === 'floor');
    expect(lines[0]).toContain(`${floor.latencyMs.toFixed(2)} ms, ${floor.sramBytes} B SRAM, ${floor.flashBytes} B flash`);
  }, 600_000);

  it('--resume repeats no finished candidate', async () => {
    const statePath = join(out, 'search-state.json');
    // Interrupted after the start model: drop the floor from the state.
    const state = readState(statePath)!;
    state.candidates = state.candidates.filter((c) => c.id !== 'floor');
    state.phase = 'searching';
    writeState(statePath, state);
    const startWeights = join(out, 'candidates/start.weights.json');
    const before = statSync(startWeights).mtimeMs;
    const r = await runCli([...argv, '--resume']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('resuming: 1 candidates done');
    expect(r.stderr).not.toMatch(/start: quantising/);
    expect(r.stderr).toMatch(/floor: quantising|floor: simulating/);
    expect(statSync(startWeights).mtimeMs).toBe(before);
    expect(readState(statePath)!.candidates.map((c) => c.id).sort()).toEqual(['floor', 'start']);
  }, 600_000);

  it('refuses to resume a search made with other settings', async () => {
    const r = await runCli(['search', '--latency-ms', '0.7', '--out', out, '--resume']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)[0]).toMatch(/search-state\.json: made with other settings/);
  });

  it('a corrupt state file is one line, exit 2', async () => {
    const other = join(dir, 'corrupt');
    mkdirSync(other);
    writeFileSync(join(other, 'search-state.json'), '{ not json');
    const r = await runCli(['search', '--latency-ms', '0.5', '--out', other, '--resume']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)[0]).toMatch(/search-state\.json: not valid JSON/);
  });
});

describe('mcusim search --time-budget', () => {
  it('a budget spent before the search converges ends cleanly with the best fitting model so far, exit 0 and a warning', async () => {
    // 0.6 s: spent by the start and narrowest models' builds, so the first step never starts, the
    // narrowest model (the one measured to fit) gets what time is left (no fine-tune frames), is
    // verified, and the uniform baseline is left out.
    const out = join(dir, 'time');
    const saved = join(dir, 'time-model');
    const r = await runCli([
      'search', '--latency-ms', '20', '--time-budget', '0.01', '--out', out, '--save-model', saved,
      '--fine-tune-frames', '16', '--final-fine-tune-frames', '64', '--eval-frames', '16',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: time budget of 0\.01 min nearly spent at step 1 before the search reached the budget; continuing with the best fitting candidate so far, floor/);
    expect(r.stderr).toContain('the time budget leaves 0 of the 64 final fine-tune frames');
    const state = readState(join(out, 'search-state.json'))!;
    expect(state.candidates.some((c) => c.kind === 'proposal')).toBe(false);
    const final = state.candidates.find((c) => c.id === 'final')!;
    expect(final.widths).toEqual(state.candidates.find((c) => c.id === 'floor')!.widths);
    expect(final.measured!.latencyMs).toBeLessThanOrEqual(20);
    expect(statSync(`${saved}.weights.json`).size).toBeGreaterThan(0);
    // No time left for the baseline: said, not run.
    expect(state.candidates.some((c) => c.kind === 'uniform')).toBe(false);
    expect(r.stdout).toContain('uniform baseline left out: the time budget of 0.01 min is spent');
  }, 600_000);
});
