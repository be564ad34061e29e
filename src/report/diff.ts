/** `mcusim report --diff a.json b.json`: per-layer and per-function cycle deltas, b relative to a. */
import type { Report } from './schema.js';
import { int } from './format.js';

export interface DiffRow { name: string; before: number; after: number; delta: number; deltaPct: number | null }

function rows(a: Map<string, number>, b: Map<string, number>): DiffRow[] {
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names.map((name) => {
    const before = a.get(name) ?? 0, after = b.get(name) ?? 0;
    return { name, before, after, delta: after - before, deltaPct: before > 0 ? (100 * (after - before)) / before : null };
  });
}

export function diffReports(a: Report, b: Report): { layers: DiffRow[]; functions: DiffRow[]; flash: DiffRow } {
  const layerMap = (r: Report) => new Map((r.layers?.rows ?? []).map((x) => [x.name, x.cycles]));
  const fnMap = (r: Report) => new Map((r.functions?.rows ?? []).map((x) => [x.name, x.selfCycles]));
  const functions = rows(fnMap(a), fnMap(b)).filter((r) => r.delta !== 0).sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
  const fa = a.memory?.flashBytes ?? 0, fb = b.memory?.flashBytes ?? 0;
  return {
    layers: rows(layerMap(a), layerMap(b)),
    functions,
    flash: { name: 'flash bytes', before: fa, after: fb, delta: fb - fa, deltaPct: fa > 0 ? (100 * (fb - fa)) / fa : null },
  };
}

export function diffText(d: ReturnType<typeof diffReports>): string[][] {
  const fmt = (r: DiffRow, kind: string) => [kind, r.name, int(r.before), int(r.after), `${r.delta >= 0 ? '+' : ''}${int(r.delta)}`,
    r.deltaPct === null ? 'new' : `${r.deltaPct >= 0 ? '+' : ''}${r.deltaPct.toFixed(1)}%`];
  return [...d.layers.map((r) => fmt(r, 'layer')), ...d.functions.slice(0, 20).map((r) => fmt(r, 'function (self)')), fmt(d.flash, 'memory')];
}
