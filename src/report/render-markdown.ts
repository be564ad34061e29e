/** Markdown rendering, for CI summaries ($GITHUB_STEP_SUMMARY) and `--report R.md`. */
import type { Report } from './schema.js';
import { LAYER_COLUMNS, layerTableText } from './layer-rows.js';
import { int, ms, pct } from './format.js';
import { topStall } from './run-report.js';

export function mdTable(head: readonly string[], rows: readonly (readonly string[])[], numericFrom = 1): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map((_, i) => (i >= numericFrom ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(rep: Report): string {
  const r = rep.run;
  const hz = rep.board.coreClockHz;
  const out = [`# mcusim report: ${rep.elf}`, ''];
  out.push(mdTable(['what', 'value'], [
    ['board', `${rep.board.name} at ${(hz / 1e6).toFixed(3)} MHz`],
    ['outcome', r.message],
    ['instructions', int(r.instructions)],
    ['cycles', int(r.cycles)],
    ['simulated time', `${r.simulatedMs.toFixed(3)} ms`],
    ['CPI', r.cyclesPerInstruction.toFixed(3)],
    ['exceptions taken', int(r.exceptionsTaken)],
    ['wall time', `${r.wallMs.toFixed(1)} ms`],
    ...(rep.energy ? [['energy', `${rep.energy.totalMicrojoules.toFixed(1)} µJ at ${rep.energy.runCurrentMilliamps.toFixed(2)} mA, ${rep.energy.supplyVolts} V (${rep.energy.source})`]] : []),
  ], 2), '');
  const t = layerTableText(rep);
  if (t) out.push('## Layers', '', mdTable(LAYER_COLUMNS, [...t.rows, t.total], 3), '', ...t.notes.map((n) => `- ${n}`), '');
  const m = rep.memory;
  if (m) {
    const rows: string[][] = [['flash (image)', int(m.flashBytes)], ['SRAM .data', int(m.dataBytes)], ['SRAM .bss', int(m.bssBytes)]];
    if (m.stack) rows.push(['stack high-water', int(m.stack.highWaterBytes)]);
    if (m.heap) rows.push(['heap high-water', int(m.heap.highWaterBytes)]);
    rows.push(['SRAM peak', int(m.sramPeakBytes)]);
    out.push('## Memory (bytes)', '', mdTable(['what', 'bytes'], rows), '');
    out.push(mdTable(['section', 'address', 'bytes', 'flash', 'SRAM'], m.sections.map((s) => [s.name, `0x${s.address.toString(16)}`, int(s.bytes), int(s.flashBytes), int(s.sramBytes)]), 2), '');
  }
  const f = rep.functions;
  if (f) {
    out.push('## Functions (top 20 by self cycles)', '', mdTable(['function', 'calls', 'self cycles', 'self %', 'total cycles', 'total ms', 'top stall (cycles)'],
      f.rows.slice(0, 20).map((x) => [x.name, int(x.calls), int(x.selfCycles), pct(x.selfCycles, f.totalCycles), int(x.totalCycles), ms(x.totalCycles, hz), topStall(x.stallCycles)])), '');
  }
  return out.join('\n');
}
