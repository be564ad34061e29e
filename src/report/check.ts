/**
 * Budget and baseline checks of a report (`mcusim check`): each check has a limit, the measured value
 * and the delta; the verdict is pass unless a check fails. Latency is the mean inference latency when
 * the report has frames, else the whole run; SRAM is the peak (static + stack + heap high-water).
 * Against a baseline: total and per-layer cycles may grow by at most `toleranceCyclesPct` percent,
 * flash by at most `toleranceFlashBytes`.
 */
import type { Report } from './schema.js';
import { int } from './format.js';
import { mdTable } from './render-markdown.js';

export interface Budget {
  maxFlashBytes?: number;
  maxSramBytes?: number;
  maxLatencyMs?: number;
  /** Layer name -> ms per inference. */
  maxLayerMs?: Record<string, number>;
  toleranceCyclesPct?: number;
  toleranceFlashBytes?: number;
}

export interface CheckRow {
  check: string;
  limit: string;
  actual: string;
  delta: string;
  pass: boolean;
}

/** Inference cycles: mean per frame, else the sum of the layers, else the whole run. */
export function latencyCycles(rep: Report): number {
  if (rep.frames) return rep.frames.inference.meanCycles;
  if (rep.layers) return rep.layers.rows.reduce((s, r) => s + r.cycles, 0);
  return rep.run.cycles;
}

const toMs = (cycles: number, hz: number) => (hz > 0 ? (cycles / hz) * 1000 : 0);
const signed = (n: number, digits = 0) => `${n >= 0 ? '+' : ''}${digits ? n.toFixed(digits) : int(n)}`;

export function checkReport(rep: Report, budget: Budget, baseline: Report | null): CheckRow[] {
  const rows: CheckRow[] = [];
  const hz = rep.board.coreClockHz;
  const flash = rep.memory?.flashBytes ?? 0;
  const sram = rep.memory?.sramPeakBytes ?? 0;
  const latencyMs = toMs(latencyCycles(rep), hz);
  const limit = (check: string, value: number, max: number, unit: string, digits = 0) => rows.push({
    check, limit: `<= ${digits ? max.toFixed(digits) : int(max)} ${unit}`, actual: `${digits ? value.toFixed(digits) : int(value)} ${unit}`,
    delta: `${signed(value - max, digits)} ${unit}`, pass: value <= max,
  });
  if (budget.maxFlashBytes !== undefined) limit('flash', flash, budget.maxFlashBytes, 'B');
  if (budget.maxSramBytes !== undefined) limit('SRAM peak', sram, budget.maxSramBytes, 'B');
  if (budget.maxLatencyMs !== undefined) limit('latency', latencyMs, budget.maxLatencyMs, 'ms', 3);
  for (const [name, max] of Object.entries(budget.maxLayerMs ?? {})) {
    const row = rep.layers?.rows.find((r) => r.name === name);
    if (!row) rows.push({ check: `layer ${name}`, limit: `<= ${max.toFixed(3)} ms`, actual: 'no such layer', delta: '', pass: false });
    else limit(`layer ${name}`, toMs(row.cycles, hz), max, 'ms', 3);
  }
  if (baseline) {
    const tolPct = budget.toleranceCyclesPct ?? 1;
    const tolFlash = budget.toleranceFlashBytes ?? 0;
    const cycles = (check: string, now: number, was: number) => {
      const max = was * (1 + tolPct / 100);
      rows.push({
        check, limit: `<= ${int(was)} cycles +${tolPct}%`, actual: `${int(now)} cycles`,
        delta: `${signed(now - was)} (${signed(was > 0 ? (100 * (now - was)) / was : 0, 1)}%)`, pass: now <= max,
      });
    };
    cycles('latency vs baseline', latencyCycles(rep), latencyCycles(baseline));
    for (const b of baseline.layers?.rows ?? []) {
      const now = rep.layers?.rows.find((r) => r.name === b.name);
      if (now) cycles(`layer ${b.name} vs baseline`, now.cycles, b.cycles);
      else rows.push({ check: `layer ${b.name} vs baseline`, limit: 'present', actual: 'missing', delta: '', pass: false });
    }
    const wasFlash = baseline.memory?.flashBytes ?? 0;
    rows.push({
      check: 'flash vs baseline', limit: `<= ${int(wasFlash)} B +${int(tolFlash)} B`, actual: `${int(flash)} B`,
      delta: `${signed(flash - wasFlash)} B`, pass: flash <= wasFlash + tolFlash,
    });
  }
  return rows;
}

export function checkMarkdown(source: string, rows: CheckRow[]): string {
  const failed = rows.filter((r) => !r.pass).length;
  return [
    `### mcusim check: ${source}: ${failed === 0 ? 'within budget' : `${failed} of ${rows.length} checks failed`}`,
    '',
    mdTable(['check', 'limit', 'actual', 'delta', 'result'], rows.map((r) => [r.check, r.limit, r.actual, r.delta, r.pass ? 'pass' : '**FAIL**'])),
    '',
  ].join('\n');
}
