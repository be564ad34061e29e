/**
 * Metric tables for the terminal and for Markdown (README ablation table). Plain strings, no colour,
 * so output is byte-stable and can be diffed. NaN (metric undefined: no frames of that kind) is '-'.
 */
import type { DetectionMetrics } from './evaluate.js';

export interface MetricColumn {
  key: string;
  header: string;
  value: (m: DetectionMetrics) => number;
  /** Digits after the decimal point. */
  digits: number;
}

export const METRIC_COLUMNS: MetricColumn[] = [
  { key: 'mAP50', header: 'mAP@0.5', value: (m) => m.mAP50, digits: 3 },
  { key: 'mAP50to95', header: 'AP@[.5:.95]', value: (m) => m.mAP50to95, digits: 3 },
  { key: 'f1Iou', header: 'F1 (IoU>=0.5)', value: (m) => m.f1Iou.f1, digits: 3 },
  { key: 'f1Centre', header: 'F1 (centre)', value: (m) => m.f1Centre.f1, digits: 3 },
  { key: 'countMAE', header: 'count MAE', value: (m) => m.countMAE, digits: 3 },
  { key: 'overlapRecall', header: 'overlap recall (centre)', value: (m) => m.overlapRecallCentre, digits: 3 },
  { key: 'fpEmptyDistractor', header: 'FP/empty frame (distractors)', value: (m) => m.fpPerEmptyDistractorFrame, digits: 3 },
];

function fmt(v: number, digits: number): string {
  return Number.isNaN(v) ? '-' : v.toFixed(digits);
}

function render(header: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One model's metrics as a two-column table (metric, value), with the details the summary omits. */
export function formatMetrics(m: DetectionMetrics, format: 'text' | 'markdown' = 'text'): string {
  const c = m.config;
  const rows: [string, string][] = [
    ['frames / boxes', `${m.frames} / ${m.groundTruthBoxes}`],
    ['mAP@0.5 (all-point)', fmt(m.mAP50, 3)],
    ['AP@[.5:.95]', fmt(m.mAP50to95, 3)],
    [`P / R / F1, IoU>=${c.iouThreshold}, score>=${c.scoreThreshold}`, `${fmt(m.f1Iou.precision, 3)} / ${fmt(m.f1Iou.recall, 3)} / ${fmt(m.f1Iou.f1, 3)}`],
    [`P / R / F1, centre<=${c.centreDistancePx} px`, `${fmt(m.f1Centre.precision, 3)} / ${fmt(m.f1Centre.recall, 3)} / ${fmt(m.f1Centre.f1, 3)}`],
    ['count MAE (people/frame)', fmt(m.countMAE, 3)],
    ['exact-count accuracy', fmt(m.countExactAccuracy, 3)],
    ...m.countMAEByTrueCount.map((b): [string, string] => [`  count MAE, ${b.trueCount} people (${b.frames} frames)`, fmt(b.mae, 3)]),
    [`recall, overlapping frames (${m.overlapFrames}), centre / IoU`, `${fmt(m.overlapRecallCentre, 3)} / ${fmt(m.overlapRecallIou, 3)}`],
    [`FP per empty frame (${m.emptyFrames})`, fmt(m.fpPerEmptyFrame, 3)],
    [`FP per empty frame with distractors (${m.emptyDistractorFrames})`, fmt(m.fpPerEmptyDistractorFrame, 3)],
  ];
  return render(['metric', 'value'], rows, format === 'markdown');
}

/** Several named runs (e.g. the ablation variants) side by side, one row each. */
export function formatMetricsTable(runs: ReadonlyArray<{ name: string; metrics: DetectionMetrics }>, format: 'text' | 'markdown' = 'text', columns = METRIC_COLUMNS): string {
  const header = ['variant', ...columns.map((c) => c.header)];
  const rows = runs.map((r) => [r.name, ...columns.map((c) => fmt(c.value(r.metrics), c.digits))]);
  return render(header, rows, format === 'markdown');
}
