/**
 * Terminal rendering (cli-table3 + chalk): the per-layer table when the report has layers, memory
 * and the top functions. Colour only when asked (the caller passes whether its stream is a TTY), so
 * a pipe or file gets no escape codes.
 */
import Table from 'cli-table3';
import { Chalk } from 'chalk';
import type { Report } from './schema.js';
import { LAYER_COLUMNS, layerTableText } from './layer-rows.js';
import { int, kib, pct } from './format.js';
import { topStall } from './run-report.js';

export interface TableOptions {
  color: boolean;
  /** Function rows to show (default 15). */
  topFunctions?: number;
}

export function renderLayerTable(rep: Report, opts: TableOptions): string | null {
  const t = layerTableText(rep);
  if (!t) return null;
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const table = new Table({
    head: LAYER_COLUMNS.map((h) => c.bold(h)),
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const r of t.rows) table.push(r);
  table.push(t.total.map((x) => c.bold(x)));
  return [table.toString(), ...t.notes.map((n) => c.dim(n))].join('\n');
}

export function renderTable(rep: Report, opts: TableOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  const run = rep.run;
  out.push(c.bold(`${rep.elf} on ${rep.board.name}: ${run.message}`));
  out.push(`${int(run.instructions)} instructions, ${int(run.cycles)} cycles, ${run.simulatedMs.toFixed(3)} ms simulated`);
  const layers = renderLayerTable(rep, opts);
  if (layers) out.push('', layers);
  const m = rep.memory;
  if (m) {
    const mem = new Table({ head: ['memory', 'bytes', 'of board'].map((h) => c.bold(h)), style: { head: [], border: [], compact: true }, colAligns: ['left', 'right', 'right'] });
    mem.push(['flash (image)', int(m.flashBytes), `${pct(m.flashBytes, rep.board.flashBytes)}% of ${kib(rep.board.flashBytes)}`]);
    mem.push(['SRAM .data + .bss', int(m.sramStaticBytes), `${pct(m.sramStaticBytes, rep.board.sramBytes)}%`]);
    if (m.stack) mem.push(['stack high-water', int(m.stack.highWaterBytes), '']);
    if (m.heap) mem.push(['heap high-water', int(m.heap.highWaterBytes), '']);
    mem.push(['SRAM peak', int(m.sramPeakBytes), `${pct(m.sramPeakBytes, rep.board.sramBytes)}% of ${kib(rep.board.sramBytes)}`]);
    out.push('', mem.toString());
  }
  const f = rep.functions;
  if (f) {
    const ft = new Table({
      head: ['function', 'calls', 'self cycles', 'self %', 'total cycles', 'total %', 'top stall (cycles)'].map((h) => c.bold(h)),
      style: { head: [], border: [], compact: true }, colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
    });
    for (const r of f.rows.slice(0, opts.topFunctions ?? 15)) {
      ft.push([r.name, int(r.calls), int(r.selfCycles), pct(r.selfCycles, f.totalCycles), int(r.totalCycles), pct(r.totalCycles, f.totalCycles), topStall(r.stallCycles)]);
    }
    out.push('', ft.toString());
  }
  return out.join('\n') + '\n';
}
