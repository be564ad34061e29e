/**
 * The per-layer table's rows as strings, shared by the terminal and Markdown renderers: columns after
 * ST's X-CUBE-AI analyze/validate reports (layer, type, output shape, MACs, weights, cycles, ms at the
 * board clock, %, cumulative %, MAC/cycle, SRAM), then a total row and the markers' own cost.
 */
import type { Report } from './schema.js';
import { int, ms, pct, shape } from './format.js';

export const LAYER_COLUMNS = ['layer', 'type', 'output', 'MACs', 'weights B', 'cycles', 'ms', '%', 'cum %', 'MAC/cycle', 'SRAM B'] as const;

export interface LayerTableText {
  rows: string[][];
  total: string[];
  notes: string[];
}

export function layerTableText(rep: Report): LayerTableText | null {
  const L = rep.layers;
  if (!L) return null;
  const hz = rep.board.coreClockHz;
  const sum = L.rows.reduce((s, r) => s + r.cycles, 0);
  let cum = 0;
  const rows = L.rows.map((r) => {
    cum += r.cycles;
    return [
      r.name, r.type, shape(r.outputShape), int(r.macs), int(r.weightBytes), int(r.cycles), ms(r.cycles, hz),
      pct(r.cycles, sum), pct(cum, sum), r.cycles > 0 ? (r.macs / r.cycles).toFixed(3) : '-', int(r.sramBytes),
    ];
  });
  const macs = L.rows.reduce((s, r) => s + r.macs, 0);
  const weights = L.rows.reduce((s, r) => s + r.weightBytes, 0);
  const total = ['total', '', '', int(macs), int(weights), int(sum), ms(sum, hz), '100.0', '', sum > 0 ? (macs / sum).toFixed(3) : '-', int(L.arena.plannedBytes)];
  const notes = [
    `cycles are per inference (mean over ${L.rows[0]?.runs ?? 0} runs), ms at ${(hz / 1e6).toFixed(3)} MHz; SRAM B: the layer's input + output + scratch; total SRAM: the planned arena`,
    `markers: ${int(L.markers)} written; ${int(L.markerOverheadCycles)} inference cycles outside the layers (the markers' own cost)`,
    `arena: planned ${int(L.arena.plannedBytes)} B (lower bound ${int(L.arena.lowerBoundBytes)} B), measured peak ${int(L.arena.measuredPeakBytes)} B written`,
  ];
  const F = rep.frames;
  if (F) {
    const f = F.inference;
    notes.push(
      `frames: ${F.count}; inference mean ${ms(f.meanCycles, hz)} ms, median ${ms(f.medianCycles, hz)} ms, p95 ${ms(f.p95Cycles, hz)} ms, max ${ms(f.maxCycles, hz)} ms; ` +
        `frame I/O mean ${ms(F.io.meanCycles, hz)} ms`,
    );
  }
  if (rep.energy?.perFrameMicrojoules != null) {
    notes.push(`energy: ${rep.energy.perFrameMicrojoules.toFixed(1)} µJ per inference at ${rep.energy.runCurrentMilliamps.toFixed(2)} mA, ${rep.energy.supplyVolts} V (${rep.energy.source})`);
  }
  return { rows, total, notes };
}
