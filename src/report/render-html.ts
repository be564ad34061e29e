/**
 * One self-contained HTML page that works offline: Chart.js (the npm package's UMD build) is inlined,
 * the report is embedded as JSON, nothing is fetched. Charts: per-layer latency bars, a memory map of
 * flash and SRAM (stacked bars by section, stack, heap, free), the per-frame inference latency
 * histogram; the function profile is a table with self/total bars and an icicle of the call tree.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Report } from './schema.js';
import { int, ms, pct } from './format.js';

const require = createRequire(import.meta.url);
let chartSource: string | undefined;

/** Chart.js's UMD bundle, read once from node_modules. */
function chartJs(): string {
  // The package's exports map hides dist/ files; its main entry sits in dist/ beside the UMD build.
  chartSource ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return chartSource;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Text safe inside a <script> element: no "</script" and no "<!--". */
const scriptSafe = (s: string): string => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** The chart data the page draws, computed here so the page's script stays small. */
function chartData(rep: Report) {
  const hz = rep.board.coreClockHz;
  const toMs = (c: number) => (hz > 0 ? (c / hz) * 1000 : 0);
  const layers = rep.layers?.rows.map((r) => ({ name: r.name, ms: toMs(r.cycles) })) ?? [];
  const flash = (rep.memory?.sections ?? []).filter((s) => s.flashBytes > 0).map((s) => ({ name: s.name, bytes: s.flashBytes }));
  const sram = (rep.memory?.sections ?? []).filter((s) => s.sramBytes > 0).map((s) => ({ name: s.name, bytes: s.sramBytes }));
  if (rep.memory?.heap) sram.push({ name: 'heap (high-water)', bytes: rep.memory.heap.highWaterBytes });
  if (rep.memory?.stack) sram.push({ name: 'stack (high-water)', bytes: rep.memory.stack.highWaterBytes });
  const used = (xs: { bytes: number }[]) => xs.reduce((s, x) => s + x.bytes, 0);
  flash.push({ name: 'free', bytes: Math.max(0, rep.board.flashBytes - used(flash)) });
  sram.push({ name: 'free', bytes: Math.max(0, rep.board.sramBytes - used(sram)) });
  const frameMs = rep.frames?.perFrame.map((f) => toMs(f.inferenceCycles)) ?? [];
  return { layers, flash, sram, histogram: histogram(frameMs), clock: `at ${(hz / 1e6).toFixed(3)} MHz` };
}

/** Up to 12 equal-width bins between the fastest and slowest frame. */
function histogram(values: number[]): { label: string; count: number }[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const bins = Math.min(12, Math.max(1, Math.ceil(Math.sqrt(values.length))));
  const width = hi > lo ? (hi - lo) / bins : 1;
  const out = Array.from({ length: bins }, (_, k) => ({ label: `${(lo + k * width).toFixed(3)} ms`, count: 0 }));
  for (const v of values) out[Math.min(bins - 1, Math.floor((v - lo) / width))]!.count++;
  return out;
}

function functionTable(rep: Report): string {
  const f = rep.functions;
  if (!f) return '<p>No function profile in this report.</p>';
  const hz = rep.board.coreClockHz;
  const rows = f.rows.slice(0, 60).map((r) => {
    const self = (100 * r.selfCycles) / Math.max(1, f.totalCycles);
    const total = (100 * r.totalCycles) / Math.max(1, f.totalCycles);
    return `<tr><td>${esc(r.name)}</td><td class="n">${int(r.calls)}</td><td class="n">${int(r.selfCycles)}</td>` +
      `<td><div class="bar self" style="width:${self.toFixed(2)}%"></div>${self.toFixed(1)}%</td>` +
      `<td class="n">${int(r.totalCycles)}</td><td><div class="bar total" style="width:${total.toFixed(2)}%"></div>${total.toFixed(1)}%</td>` +
      `<td class="n">${ms(r.totalCycles, hz)}</td></tr>`;
  });
  return `<table><thead><tr><th>function</th><th>calls</th><th>self cycles</th><th>self</th><th>total cycles</th><th>total</th><th>total ms</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The call tree as an icicle: one row per depth, each node as wide as its inclusive cycles, children
 * laid left to right under their parent; nodes under 0.2% of the run are left out. Plain positioned
 * divs (no script), with the figures in each box's tooltip.
 */
function icicle(rep: Report): string {
  const f = rep.functions;
  if (!f || f.totalCycles <= 0) return '';
  const nodes = f.tree.nodes;
  const inclusive = nodes.map((n) => n.cycles);
  const children: number[][] = nodes.map(() => []);
  for (let k = nodes.length - 1; k > 0; k--) {
    inclusive[nodes[k]!.parent]! += inclusive[k]!;
    children[nodes[k]!.parent]!.unshift(k);
  }
  const ROW = 20;
  const boxes: string[] = [];
  let depthMax = 0;
  const place = (k: number, x: number, depth: number) => {
    let cx = x;
    for (const c of children[k]!) {
      const w = inclusive[c]! / f.totalCycles;
      if (w >= 0.002 && depth < 24) {
        const name = f.tree.names[nodes[c]!.fn] ?? '?';
        const tip = `${name}: ${int(inclusive[c]!)} cycles total, ${int(nodes[c]!.cycles)} self, ${int(nodes[c]!.calls)} calls`;
        boxes.push(`<div class="ice" style="left:${(100 * cx).toFixed(3)}%;width:${(100 * w).toFixed(3)}%;top:${depth * ROW}px" title="${esc(tip)}">${esc(name)}</div>`);
        depthMax = Math.max(depthMax, depth + 1);
        place(c, cx, depth + 1);
      }
      cx += w;
    }
  };
  place(0, 0, 0);
  return `<h3>Call tree (icicle: width = inclusive cycles)</h3><div id="icicle" style="height:${depthMax * ROW}px">${boxes.join('')}</div>`;
}

function layerTable(rep: Report): string {
  const L = rep.layers;
  if (!L) return '';
  const hz = rep.board.coreClockHz;
  const sum = L.rows.reduce((s, r) => s + r.cycles, 0);
  const rows = L.rows.map((r) => `<tr><td>${esc(r.name)}</td><td>${esc(r.type)}</td><td>${r.outputShape.join('x')}</td><td class="n">${int(r.macs)}</td>` +
    `<td class="n">${int(r.weightBytes)}</td><td class="n">${int(r.cycles)}</td><td class="n">${ms(r.cycles, hz)}</td><td class="n">${pct(r.cycles, sum)}</td></tr>`);
  return `<table><thead><tr><th>layer</th><th>type</th><th>output</th><th>MACs</th><th>weights B</th><th>cycles</th><th>ms</th><th>%</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    `<p>${int(L.markerOverheadCycles)} inference cycles outside the layers (the markers' own cost); arena planned ${int(L.arena.plannedBytes)} B, measured ${int(L.arena.measuredPeakBytes)} B.</p>`;
}

const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('chart-data').textContent);
Chart.defaults.animation = false;
const palette = ['#4e79a7','#f28e2b','#e15759','#76b7b2','#59a14f','#edc948','#b07aa1','#ff9da7','#9c755f','#bab0ac'];
function bars(id, labels, values, label, horizontal, valueTitle, categoryTitle) {
  const el = document.getElementById(id);
  if (!el) return;
  const value = { title: { display: true, text: valueTitle } };
  const category = { title: { display: !!categoryTitle, text: categoryTitle || '' } };
  new Chart(el, { type: 'bar', data: { labels, datasets: [{ label, data: values, backgroundColor: '#4e79a7' }] },
    options: { indexAxis: horizontal ? 'y' : 'x', responsive: false, plugins: { legend: { display: false } },
      scales: horizontal ? { x: value, y: category } : { x: category, y: value } } });
}
bars('layers', data.layers.map(l => l.name), data.layers.map(l => l.ms), 'ms per inference', true, data.clock + ': ms per inference', '');
bars('frames', data.histogram.map(b => b.label), data.histogram.map(b => b.count), 'frames', false, 'frames', 'inference latency (bin start)');
const memEl = document.getElementById('memory');
if (memEl) {
  const parts = [];
  data.flash.forEach((s, i) => parts.push({ label: 'flash: ' + s.name, data: [s.bytes, 0], backgroundColor: s.name === 'free' ? '#e0e0e0' : palette[i % palette.length], stack: 'm' }));
  data.sram.forEach((s, i) => parts.push({ label: 'SRAM: ' + s.name, data: [0, s.bytes], backgroundColor: s.name === 'free' ? '#e0e0e0' : palette[(i + 5) % palette.length], stack: 'm' }));
  new Chart(memEl, { type: 'bar', data: { labels: ['flash', 'SRAM'], datasets: parts },
    options: { indexAxis: 'y', responsive: false, scales: { x: { stacked: true, title: { display: true, text: 'bytes' } }, y: { stacked: true } } } });
}
`;

export function renderHtml(rep: Report): string {
  const data = chartData(rep);
  const r = rep.run;
  const hz = rep.board.coreClockHz;
  const layerSection = rep.layers
    ? `<h2>Per-layer latency</h2><canvas id="layers" width="900" height="${Math.max(160, 28 * data.layers.length + 60)}"></canvas>${layerTable(rep)}`
    : '';
  const frameSection = rep.frames
    ? `<h2>Per-frame inference latency</h2><canvas id="frames" width="900" height="260"></canvas>` +
      `<p>${rep.frames.count} frames: mean ${ms(rep.frames.inference.meanCycles, hz)} ms, median ${ms(rep.frames.inference.medianCycles, hz)} ms, ` +
      `p95 ${ms(rep.frames.inference.p95Cycles, hz)} ms, max ${ms(rep.frames.inference.maxCycles, hz)} ms; frame I/O mean ${ms(rep.frames.io.meanCycles, hz)} ms.` +
      (rep.energy?.perFrameMicrojoules != null
        ? ` Energy ${rep.energy.perFrameMicrojoules.toFixed(1)} µJ per inference at ${rep.energy.runCurrentMilliamps.toFixed(2)} mA, ${rep.energy.supplyVolts} V (${esc(rep.energy.source)}).`
        : '') + '</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mcusim report: ${esc(rep.elf)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 16px; } td, th { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 10px; margin-right: 6px; vertical-align: middle; max-width: 160px; }
.bar.self { background: #e15759; } .bar.total { background: #4e79a7; }
#icicle { position: relative; width: 100%; max-width: 1100px; margin-bottom: 24px; }
.ice { position: absolute; height: 18px; overflow: hidden; white-space: nowrap; font-size: 11px; line-height: 18px;
  padding: 0 3px; box-sizing: border-box; background: #f28e2b; border: 1px solid #fff; color: #222; }
</style></head><body>
<h1>mcusim report</h1>
<p><b>${esc(rep.elf)}</b> on <b>${esc(rep.board.name)}</b> at ${(hz / 1e6).toFixed(3)} MHz: ${esc(r.message)}.
${int(r.instructions)} instructions, ${int(r.cycles)} cycles, ${r.simulatedMs.toFixed(3)} ms simulated.</p>
${layerSection}
${frameSection}
<h2>Memory map</h2><canvas id="memory" width="900" height="220"></canvas>
<h2>Functions</h2>${functionTable(rep)}
${icicle(rep)}
<script type="application/json" id="chart-data">${scriptSafe(JSON.stringify(data))}</script>
<script>${scriptSafe(chartJs())}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
