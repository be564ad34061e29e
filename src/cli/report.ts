/**
 * `mcusim report <report.json> [--format table|md|json|html|speedscope] [-o F]` re-renders a saved
 * report (no simulation); `mcusim report --diff a.json b.json` shows per-layer and per-function
 * cycle deltas and the flash delta. Exit 0, or 2 for a usage or input error.
 */
import Table from 'cli-table3';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { readReportFile } from '../report/read-report.js';
import { REPORT_FORMATS, formatForPath, renderReport, writeReport, type ReportFormat } from '../report/write-report.js';
import { diffReports, diffText } from '../report/diff.js';

export interface ReportArgs {
  input?: string;
  format?: ReportFormat;
  output?: string;
  diff?: string[];
}

export const reportCommand: Command<ReportArgs> = {
  command: 'report [input]',
  describe: 'Re-render a saved report (table, Markdown, JSON, HTML, speedscope) or compare two',
  builder: (y) =>
    y
      .positional('input', { type: 'string', describe: 'report .json written by `mcusim run --report`' })
      .option('format', { choices: REPORT_FORMATS, describe: 'output format (default: from -o, else table)' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of stdout' })
      .option('diff', { type: 'string', array: true, describe: 'compare two reports: --diff a.json b.json' })
      .epilogue(`${exitCodesEpilogue('report', '0 done')} An unreadable file, not a report or an unknown version is an input error.`) as never,
  handler: async (args) => {
    if (args.diff !== undefined) {
      if (args.diff.length !== 2 || args.input !== undefined) throw new UserError('--diff takes exactly two reports: mcusim report --diff a.json b.json');
      const [a, b] = args.diff.map((p) => readReportFile(p)) as [ReturnType<typeof readReportFile>, ReturnType<typeof readReportFile>];
      const table = new Table({ head: ['what', 'name', 'before', 'after', 'delta', 'delta %'], style: { head: [], border: [] } });
      for (const r of diffText(diffReports(a, b))) table.push(r);
      process.stdout.write(table.toString() + '\n');
      return 0;
    }
    if (!args.input) throw new UserError('name a report: mcusim report <report.json> (or --diff a.json b.json)');
    const rep = readReportFile(args.input);
    const format: ReportFormat = args.format ?? (args.output ? formatForPath(args.output) : 'table');
    if (args.output) writeReport(args.output, rep, format);
    else process.stdout.write(renderReport(rep, format, process.stdout.isTTY === true));
    return 0;
  },
};
