/**
 * What a search reports: every evaluated candidate with accuracy, latency (measured when its
 * firmware was built and simulated, else the table's estimate), SRAM, flash and MACs; the Pareto
 * front of accuracy against latency; the latency table's prediction error on every verified
 * candidate; the uniform-scaling baseline; and what a MAC-count proxy would have ranked
 * (Kendall's tau between MACs and measured latency, and the pick a MAC budget would make).
 */
import Table from 'cli-table3';
import { fits, type Budget, type CandidateRecord, type SearchState } from './state.js';

export interface ParetoRow {
  id: string;
  kind: string;
  widths: string;
  mAP50: number;
  f1: number;
  latencyMs: number;
  latencyMeasured: boolean;
  sramBytes: number | null;
  flashBytes: number | null;
  macs: number | null;
  fits: boolean | null;
  pareto: boolean;
  /** Fine-tune frames the model received in all (the chosen model and the uniform baseline). */
  fineTuneFrames?: number;
}

export interface SearchResults {
  format: 'mcusim-search-results';
  version: 1;
  board: string;
  budget: Budget;
  chosen: string | null;
  uniform: string | null;
  /** The chosen model's mAP@0.5 minus the uniform baseline's (null when either is missing). */
  mAP50VsUniform: number | null;
  /** Why there is no uniform baseline when it was not run. */
  uniformSkipped?: string;
  /** Predicted vs measured latency of every candidate the table estimated before its run. */
  predictionError: { candidates: number; meanAbsPct: number; maxAbsPct: number } | null;
  macProxy: { kendallTau: number; measuredCandidates: number; pickByMacs: string | null; pickByMacsFits: boolean | null } | null;
  rows: ParetoRow[];
}

const widthsText = (c: CandidateRecord): string => {
  const w = c.widths;
  return `${w.stage1}/${w.stage2}/${w.stage3}/${w.stage4}/${w.fpn}/${w.head}`;
};

function candidateFits(c: CandidateRecord, b: Budget): boolean | null {
  return c.measured ? fits(c.measured, b) : null;
}

/** Kendall's tau-a of two equally long lists. */
export function kendallTau(a: number[], b: number[]): number {
  let s = 0, pairs = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      s += Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : s / pairs;
}

export function searchResults(state: SearchState, chosen?: CandidateRecord, uniform?: CandidateRecord): SearchResults {
  const budget = state.settings.budget;
  const rows: ParetoRow[] = state.candidates.map((c) => ({
    id: c.id, kind: c.kind, widths: widthsText(c), mAP50: c.accuracy.mAP50, f1: c.accuracy.f1,
    latencyMs: c.measured?.latencyMs ?? c.estimatedLatencyMs, latencyMeasured: c.measured !== undefined,
    sramBytes: c.measured?.sramBytes ?? null, flashBytes: c.measured?.flashBytes ?? null, macs: c.measured?.macs ?? null,
    fits: candidateFits(c, budget), pareto: false,
    ...(c.fineTuneFrames !== undefined ? { fineTuneFrames: c.fineTuneFrames } : {}),
  }));
  // Pareto: no other row is at least as accurate and at least as fast, and strictly better in one.
  for (const r of rows) {
    r.pareto = !rows.some((o) => o !== r && o.mAP50 >= r.mAP50 && o.latencyMs <= r.latencyMs && (o.mAP50 > r.mAP50 || o.latencyMs < r.latencyMs));
  }
  rows.sort((a, b) => a.latencyMs - b.latencyMs);

  const verified = state.candidates.filter((c) => c.measured?.predictedLatencyMs !== undefined);
  const errors = verified.map((c) => Math.abs(c.measured!.predictedLatencyMs! - c.measured!.latencyMs) / c.measured!.latencyMs * 100);
  const measured = state.candidates.filter((c) => c.measured);
  let macProxy: SearchResults['macProxy'] = null;
  if (measured.length >= 2) {
    const start = state.candidates.find((c) => c.id === 'start')?.measured;
    // The MAC budget a proxy user would set: the start's MACs scaled by the latency budget's share.
    const macBudget = start && budget.latencyMs !== undefined ? start.macs * (budget.latencyMs / start.latencyMs) : null;
    const underMacs = macBudget === null ? [] : measured.filter((c) => c.kind !== 'floor' && c.measured!.macs <= macBudget);
    const pick = underMacs.reduce<CandidateRecord | null>((best, c) => (!best || c.accuracy.mAP50 > best.accuracy.mAP50 ? c : best), null);
    macProxy = {
      kendallTau: kendallTau(measured.map((c) => c.measured!.macs), measured.map((c) => c.measured!.latencyMs)),
      measuredCandidates: measured.length, pickByMacs: pick?.id ?? null, pickByMacsFits: pick ? candidateFits(pick, budget) : null,
    };
  }
  return {
    format: 'mcusim-search-results', version: 1, board: state.settings.board, budget,
    chosen: chosen?.id ?? null, uniform: uniform?.id ?? null,
    ...(state.uniformSkipped ? { uniformSkipped: state.uniformSkipped } : {}),
    mAP50VsUniform: chosen && uniform ? chosen.accuracy.mAP50 - uniform.accuracy.mAP50 : null,
    predictionError: errors.length === 0 ? null : {
      candidates: errors.length, meanAbsPct: errors.reduce((s, e) => s + e, 0) / errors.length, maxAbsPct: Math.max(...errors),
    },
    macProxy, rows,
  };
}

export function renderResults(r: SearchResults): string {
  const table = new Table({
    head: ['candidate', 'widths s1/s2/s3/s4/fpn/head', 'mAP@0.5', 'F1', 'latency ms', 'SRAM B', 'flash B', 'MACs', 'fits', 'Pareto'],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
  });
  for (const row of r.rows) {
    table.push([
      row.id + (row.id === r.chosen ? ' (chosen)' : ''), row.widths, row.mAP50.toFixed(3), row.f1.toFixed(3),
      row.latencyMs.toFixed(2) + (row.latencyMeasured ? '' : ' est.'), row.sramBytes ?? '-', row.flashBytes ?? '-',
      row.macs?.toLocaleString('en-US') ?? '-', row.fits === null ? '-' : row.fits ? 'yes' : 'no', row.pareto ? '*' : '',
    ]);
  }
  const lines = [table.toString()];
  if (r.predictionError) {
    lines.push(`latency table vs full runs: mean |error| ${r.predictionError.meanAbsPct.toFixed(2)} %, max ${r.predictionError.maxAbsPct.toFixed(2)} % over ${r.predictionError.candidates} verified candidates`);
  }
  if (r.mAP50VsUniform !== null) {
    const frames = (id: string | null): string => r.rows.find((row) => row.id === id)?.fineTuneFrames?.toLocaleString('en-US') ?? '?';
    lines.push(`chosen ${r.chosen} vs uniform scaling ${r.uniform}: mAP@0.5 ${r.mAP50VsUniform >= 0 ? '+' : ''}${r.mAP50VsUniform.toFixed(3)} ` +
      `(fine-tuned on ${frames(r.chosen)} and ${frames(r.uniform)} frames in all)`);
  } else if (r.uniformSkipped) {
    lines.push(r.uniformSkipped);
  } else if (r.chosen) {
    lines.push('uniform scaling: no width multiplier fits the budget');
  }
  if (r.macProxy) {
    lines.push(`MAC proxy: Kendall tau ${r.macProxy.kendallTau.toFixed(2)} between MACs and measured latency over ${r.macProxy.measuredCandidates} built candidates; ` +
      (r.macProxy.pickByMacs ? `a MAC budget would pick ${r.macProxy.pickByMacs} (${r.macProxy.pickByMacsFits ? 'fits' : 'does not fit'} the measured budget)` : 'no candidate under the MAC budget'));
  }
  return lines.join('\n');
}
