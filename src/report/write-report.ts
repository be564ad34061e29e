/**
 * Writes a report in the format its file name asks for (.speedscope.json, .json, .md, .html), or the
 * format named explicitly; atomically (src/common/write-atomic.ts).
 */
import { writeFileAtomic } from '../common/write-atomic.js';
import { UserError } from '../common/errors.js';
import type { Report } from './schema.js';
import { renderMarkdown } from './render-markdown.js';
import { renderSpeedscope } from './render-speedscope.js';
import { renderHtml } from './render-html.js';
import { renderTable } from './render-table.js';

export const REPORT_FORMATS = ['table', 'md', 'json', 'html', 'speedscope'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function formatForPath(path: string): ReportFormat {
  if (path.endsWith('.speedscope.json')) return 'speedscope';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.md')) return 'md';
  if (path.endsWith('.html')) return 'html';
  throw new UserError(`${path}: unknown report format (use .json, .md, .html or .speedscope.json)`);
}

export function renderReport(rep: Report, format: ReportFormat, color = false): string {
  switch (format) {
    case 'json': return JSON.stringify(rep, null, 1) + '\n';
    case 'md': return renderMarkdown(rep);
    case 'html': return renderHtml(rep);
    case 'table': return renderTable(rep, { color });
    case 'speedscope':
      if (!rep.functions) throw new UserError(`${rep.elf}: the report has no function profile to export to speedscope`);
      return renderSpeedscope(rep);
  }
}

export function writeReport(path: string, rep: Report, format: ReportFormat = formatForPath(path)): void {
  writeFileAtomic(path, renderReport(rep, format));
}
