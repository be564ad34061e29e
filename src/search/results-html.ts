/**
 * The search's HTML page: accuracy (mAP@0.5) against latency of every candidate as an inline SVG
 * scatter with the latency budget as a vertical line, then the Pareto table. Self-contained (no
 * script, no network). Drawn by hand: a dozen SVG elements, where a chart library would be inlined
 * whole.
 */
import type { ParetoRow, SearchResults } from './results.js';

const W = 640, H = 360, PAD = 48;
const COLOURS: Record<string, string> = {
  start: '#1f77b4', floor: '#7f7f7f', proposal: '#bbbbbb', uniform: '#ff7f0e', final: '#2ca02c',
};

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderResultsHtml(r: SearchResults): string {
  const xs = r.rows.map((row) => row.latencyMs).concat(r.budget.latencyMs ?? []);
  const xMax = Math.max(...xs, 1) * 1.05;
  const yMax = Math.max(...r.rows.map((row) => row.mAP50), 0.1) * 1.1;
  const x = (ms: number): number => PAD + (ms / xMax) * (W - 2 * PAD);
  const y = (v: number): number => H - PAD - (v / yMax) * (H - 2 * PAD);
  const point = (row: ParetoRow): string =>
    `<circle cx="${x(row.latencyMs).toFixed(1)}" cy="${y(row.mAP50).toFixed(1)}" r="${row.id === r.chosen ? 7 : 4}" ` +
    `fill="${COLOURS[row.kind] ?? '#000'}" fill-opacity="${row.latencyMeasured ? 1 : 0.5}"><title>${esc(row.id)}: ` +
    `${row.latencyMs.toFixed(2)} ms${row.latencyMeasured ? '' : ' (estimated)'}, mAP@0.5 ${row.mAP50.toFixed(3)}</title></circle>`;
  const budget = r.budget.latencyMs === undefined ? '' :
    `<line class="budget" x1="${x(r.budget.latencyMs).toFixed(1)}" y1="${PAD}" x2="${x(r.budget.latencyMs).toFixed(1)}" y2="${H - PAD}" stroke="#d62728" stroke-dasharray="4 3"/>` +
    `<text x="${(x(r.budget.latencyMs) + 4).toFixed(1)}" y="${PAD + 12}" fill="#d62728">budget ${r.budget.latencyMs} ms</text>`;
  const axes = `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#000"/>` +
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#000"/>` +
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">latency per frame (ms at the board clock)</text>` +
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">mAP@0.5 (held-out)</text>` +
    [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${PAD - 6}" y="${y(f * yMax) + 4}" text-anchor="end">${(f * yMax).toFixed(2)}</text>` +
      `<text x="${x(f * xMax)}" y="${H - PAD + 16}" text-anchor="middle">${(f * xMax).toFixed(1)}</text>`).join('');
  const legend = Object.entries(COLOURS).map(([k, c], i) =>
    `<circle cx="${W - PAD - 90}" cy="${PAD + 14 * i}" r="4" fill="${c}"/><text x="${W - PAD - 80}" y="${PAD + 14 * i + 4}">${k}</text>`).join('');
  const rows = r.rows.map((row) => `<tr><td>${esc(row.id)}${row.id === r.chosen ? ' (chosen)' : ''}</td><td>${row.widths}</td>` +
    `<td>${row.mAP50.toFixed(3)}</td><td>${row.f1.toFixed(3)}</td><td>${row.latencyMs.toFixed(2)}${row.latencyMeasured ? '' : ' est.'}</td>` +
    `<td>${row.sramBytes ?? '-'}</td><td>${row.flashBytes ?? '-'}</td><td>${row.macs ?? '-'}</td><td>${row.pareto ? '*' : ''}</td></tr>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>mcusim search: ${esc(r.board)}</title>
<style>body{font:14px sans-serif;margin:2em}svg text{font-size:11px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>
</head><body>
<h1>mcusim search on ${esc(r.board)}</h1>
<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="accuracy against latency">
${axes}${budget}
${r.rows.map(point).join('\n')}
${legend}
</svg>
<table><tr><th>candidate</th><th>widths s1/s2/s3/s4/fpn/head</th><th>mAP@0.5</th><th>F1</th><th>latency ms</th><th>SRAM B</th><th>flash B</th><th>MACs</th><th>Pareto</th></tr>
${rows}
</table>
</body></html>
`;
}
