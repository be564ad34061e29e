/**
 * The search's small pieces: the state file round trip and its refusals, the budget test, the
 * width grid (multiples of 4, stages 2-3 of 8), the Pareto flags and Kendall's tau of the results.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDetectorConfig } from '../../src/nn/model/config.js';
import { fits, newState, readState, sameSettings, writeState, type CandidateRecord, type SearchSettings } from '../../src/search/state.js';
import { minWidths, narrowerWidths } from '../../src/search/width-grid.js';
import { kendallTau, searchResults } from '../../src/search/results.js';
import { renderResultsHtml } from '../../src/search/results-html.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings: SearchSettings = {
  board: 'stm32f411re', budget: { latencyMs: 10 }, model: 'm.json', stepFraction: 0.1,
  fineTuneFrames: 8, finalFineTuneFrames: 16, evalFrames: 8, seed: 1,
};
const widths = { stage1: 8, stage2: 16, stage3: 24, stage4: 32, fpn: 16, head: 32 };
const candidate = (id: string, mAP50: number, latencyMs: number, macs: number): CandidateRecord => ({
  id, kind: 'proposal', step: 1, widths, weights: `candidates/${id}.weights.json`, estimatedLatencyMs: latencyMs,
  accuracy: { mAP50, f1: mAP50 }, measured: { latencyMs, sramBytes: 1000, flashBytes: 2000, macs, predictedLatencyMs: latencyMs * 1.1 },
});

describe('search state', () => {
  it('round-trips through an atomic write, leaving no temporary file', () => {
    const path = join(dir, 'state.json');
    const state = newState(settings);
    state.candidates.push(candidate('a', 0.5, 12, 100));
    writeState(path, state);
    expect(readState(path)).toEqual(state);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readState(join(dir, 'absent.json'))).toBeNull();
  });

  it('refuses a file that is not a search state, and tells other settings apart', () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ format: 'something-else', version: 1 }));
    expect(() => readState(path)).toThrow(/not an mcusim search state/);
    expect(sameSettings(settings, { ...settings })).toBe(true);
    expect(sameSettings(settings, { ...settings, budget: { latencyMs: 11 } })).toBe(false);
  });

  it('fits every named budget and ignores the others', () => {
    const m = { latencyMs: 9, sramBytes: 50_000, flashBytes: 200_000, macs: 1 };
    expect(fits(m, { latencyMs: 10 })).toBe(true);
    expect(fits(m, { latencyMs: 10, maxSramBytes: 40_000 })).toBe(false);
    expect(fits(m, { maxFlashBytes: 200_000 })).toBe(true);
  });
});

describe('width grid', () => {
  it('steps stages by their kernel-friendly multiple down to the narrowest widths', () => {
    const least = minWidths(loadDetectorConfig('models/detector-default.json'));
    expect(least).toEqual({ stage1: 8, stage2: 8, stage3: 8, stage4: 8, fpn: 8, head: 8 });
    expect(narrowerWidths('stage3', 24, least.stage3)).toEqual([16, 8]);
    expect(narrowerWidths('stage4', 30, least.stage4)).toEqual([28, 24, 20, 16, 12, 8]);
    expect(narrowerWidths('stage4', 30, 4)).toEqual([28, 24, 20, 16, 12, 8, 4]);
    expect(narrowerWidths('stage1', 8, least.stage1)).toEqual([]);
  });
});

describe('search results', () => {
  it('flags the Pareto front and the prediction error', () => {
    const state = newState(settings);
    state.candidates.push(candidate('fast', 0.3, 8, 50), candidate('good', 0.6, 12, 120), candidate('dominated', 0.4, 13, 130));
    const r = searchResults(state, state.candidates[0]);
    expect(Object.fromEntries(r.rows.map((row) => [row.id, row.pareto]))).toEqual({ fast: true, good: true, dominated: false });
    expect(r.rows.map((row) => row.fits)).toEqual([true, false, false]);
    expect(r.predictionError!.meanAbsPct).toBeCloseTo(10, 6);
    expect(r.macProxy!.kendallTau).toBe(1);
  });

  it('draws every candidate and the budget line on the HTML page', () => {
    const state = newState(settings);
    state.candidates.push(candidate('fast', 0.3, 8, 50), candidate('good', 0.6, 12, 120));
    const html = renderResultsHtml(searchResults(state, state.candidates[0]));
    expect(html.match(/<circle cx=[^>]*><title>/g)).toHaveLength(2);
    // The budget (10 ms) sits between the two candidates (8 and 12 ms) on the x axis.
    const at = (re: RegExp): number => Number(re.exec(html)![1]);
    const budgetX = at(/class="budget" x1="([\d.]+)"/);
    expect(budgetX).toBeGreaterThan(at(/cx="([\d.]+)"[^>]*><title>fast/));
    expect(budgetX).toBeLessThan(at(/cx="([\d.]+)"[^>]*><title>good/));
    expect(html).toContain('budget 10 ms');
  });

  it("Kendall's tau counts concordant minus discordant pairs", () => {
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 9);
  });
});
