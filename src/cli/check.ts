/**
 * `mcusim check <report.json|firmware.elf>`: budgets and a baseline, for CI. An ELF is run first
 * (profiled, on --board). Prints each check with its limit, value and delta; appends the same table
 * as Markdown to $GITHUB_STEP_SUMMARY when that is set. Exit 0 within budget, 1 over budget or
 * regressed, 2 usage or input error.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import Table from 'cli-table3';
import { Chalk } from 'chalk';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { EXIT, exitCodesEpilogue } from '../common/exit-codes.js';
import { loadBoard, DEFAULT_BOARD } from '../mcu/boards/load.js';
import { readReportFile, parseReport } from '../report/read-report.js';
import { checkMarkdown, checkReport, type Budget } from '../report/check.js';
import { parseBytes } from '../report/format.js';
import type { Report } from '../report/schema.js';
import { profileElf } from './profile-elf.js';

export interface CheckArgs {
  input: string;
  board: string;
  maxFlash?: string;
  maxSram?: string;
  maxLatencyMs?: number;
  maxLayerMs?: string[];
  baseline?: string;
  toleranceCycles?: number;
  toleranceFlash?: string;
  budget?: string;
  frames?: string;
}

export const checkCommand: Command<CheckArgs> = {
  command: 'check <input>',
  describe: 'Check a report (or an ELF, run first) against budgets and a baseline report',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'report .json, or a firmware ELF to run and profile' })
      .option('board', { type: 'string', default: DEFAULT_BOARD, describe: 'board to run an ELF on' })
      .option('frames', { type: 'string', describe: 'frame file for the firmware (argv[1]) when running an ELF' })
      .option('max-flash', { type: 'string', describe: 'flash budget in bytes (256K, 1M)' })
      .option('max-sram', { type: 'string', describe: 'SRAM peak budget in bytes (static + stack + heap; 128K)' })
      .option('max-latency-ms', { type: 'number', describe: 'mean inference latency budget in ms (whole run without frames)' })
      .option('max-layer-ms', { type: 'string', array: true, describe: 'per-layer budget NAME=MS (repeatable)' })
      .option('baseline', { type: 'string', describe: 'baseline report (.json) that cycles and flash must not regress from' })
      .option('tolerance-cycles', { type: 'number', describe: 'allowed cycle growth over the baseline in percent (default 1)' })
      .option('tolerance-flash', { type: 'string', describe: 'allowed flash growth over the baseline in bytes (default 0)' })
      .option('budget', { type: 'string', describe: 'budget file (JSON: maxFlash, maxSram, maxLatencyMs, maxLayerMs, toleranceCyclesPct, toleranceFlash)' })
      .epilogue(exitCodesEpilogue('check', '0 within budget')) as never,
  handler: async (args) => {
    const budget = { ...readBudgetFile(args.budget), ...budgetFromFlags(args) };
    if (Object.keys(budget).filter((k) => !k.startsWith('tolerance')).length === 0 && !args.baseline) {
      throw new UserError('nothing to check: give a budget (--max-flash, --max-sram, --max-latency-ms, --max-layer-ms, --budget) or --baseline');
    }
    const baseline = args.baseline ? readReportFile(args.baseline) : null;
    const report = await reportFor(args);
    const rows = checkReport(report, budget, baseline);
    const color = new Chalk({ level: process.stdout.isTTY ? 1 : 0 });
    const table = new Table({ head: ['check', 'limit', 'actual', 'delta', 'result'], style: { head: [], border: [] } });
    for (const r of rows) table.push([r.check, r.limit, r.actual, r.delta, r.pass ? color.green('pass') : color.red('FAIL')]);
    const failed = rows.filter((r) => !r.pass).length;
    process.stdout.write(`${table.toString()}\n${failed === 0 ? color.green(`within budget (${rows.length} checks)`) : color.red(`${failed} of ${rows.length} checks failed`)}\n`);
    const summary = process.env['GITHUB_STEP_SUMMARY'];
    if (summary) appendFileSync(summary, checkMarkdown(args.input, rows));
    return failed === 0 ? 0 : EXIT.overBudget;
  },
};

async function reportFor(args: CheckArgs): Promise<Report> {
  let head: Buffer;
  try {
    head = readFileSync(args.input);
  } catch (e) {
    throw new UserError(`${args.input}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
    let report: Report;
    try {
      report = profileElf(new Uint8Array(head), args.input, loadBoard(args.board), args.frames);
    } catch (e) {
      // A bad ELF (ElfError and its codes 10-15) is an input error here: check's codes are 0, 1, 2.
      if (e instanceof Error && 'exitCode' in e) throw new UserError(e.message, EXIT.usage);
      throw e;
    }
    if (report.run.stop !== 'exit') throw new UserError(`${args.input}: ${report.run.message}`);
    return report;
  }
  return parseReport(head.toString('utf8'), args.input);
}

function bytes(flag: string, v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = parseBytes(String(v));
  if (n === null) throw new UserError(`${flag}: expected a size such as 4096, 256K or 1M, got "${v}"`, EXIT.usage);
  return n;
}

/** Budget limits as given on the command line or in a budget file (`where` names them in errors). */
interface BudgetInput {
  maxFlash?: string | number;
  maxSram?: string | number;
  maxLatencyMs?: number;
  maxLayerMs?: Record<string, number>;
  toleranceCycles?: number;
  toleranceFlash?: string | number;
}

function budgetFrom(i: BudgetInput, where: (field: string) => string): Budget {
  const b: Budget = {};
  const flash = bytes(where('max-flash'), i.maxFlash);
  const sram = bytes(where('max-sram'), i.maxSram);
  const tolFlash = bytes(where('tolerance-flash'), i.toleranceFlash);
  if (flash !== undefined) b.maxFlashBytes = flash;
  if (sram !== undefined) b.maxSramBytes = sram;
  if (tolFlash !== undefined) b.toleranceFlashBytes = tolFlash;
  if (i.maxLatencyMs !== undefined) {
    if (!(typeof i.maxLatencyMs === 'number' && i.maxLatencyMs > 0)) throw new UserError(`${where('max-latency-ms')}: expected a positive number, got ${i.maxLatencyMs}`);
    b.maxLatencyMs = i.maxLatencyMs;
  }
  if (i.toleranceCycles !== undefined) {
    if (!(typeof i.toleranceCycles === 'number' && i.toleranceCycles >= 0)) throw new UserError(`${where('tolerance-cycles')}: expected a percentage >= 0, got ${i.toleranceCycles}`);
    b.toleranceCyclesPct = i.toleranceCycles;
  }
  if (i.maxLayerMs !== undefined) {
    if (typeof i.maxLayerMs !== 'object' || Object.values(i.maxLayerMs).some((v) => typeof v !== 'number')) {
      throw new UserError(`${where('max-layer-ms')}: expected layer names mapped to ms`);
    }
    b.maxLayerMs = i.maxLayerMs;
  }
  return b;
}

function budgetFromFlags(a: CheckArgs): Budget {
  const layers: Record<string, number> = {};
  for (const spec of a.maxLayerMs ?? []) {
    const m = /^(.+)=(\d+(?:\.\d+)?)$/.exec(spec);
    if (!m) throw new UserError(`--max-layer-ms: expected NAME=MS, got "${spec}"`);
    layers[m[1]!] = Number(m[2]);
  }
  return budgetFrom({
    maxFlash: a.maxFlash, maxSram: a.maxSram, maxLatencyMs: a.maxLatencyMs, toleranceCycles: a.toleranceCycles, toleranceFlash: a.toleranceFlash,
    ...(a.maxLayerMs ? { maxLayerMs: layers } : {}),
  }, (f) => `--${f}`);
}

/** The budget file: the same limits as the flags, camelCase (maxFlash, maxSram, maxLatencyMs, maxLayerMs, toleranceCyclesPct, toleranceFlash). */
function readBudgetFile(path: string | undefined): Budget {
  if (!path) return {};
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${path}: cannot read the budget (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const known = ['maxFlash', 'maxSram', 'maxLatencyMs', 'maxLayerMs', 'toleranceCyclesPct', 'toleranceFlash'];
  const unknown = Object.keys(d).filter((k) => !known.includes(k));
  if (unknown.length) throw new UserError(`${path}: unknown budget field "${unknown[0]}" (known: ${known.join(', ')})`);
  const { toleranceCyclesPct, ...rest } = d;
  return budgetFrom({ ...(rest as BudgetInput), ...(toleranceCyclesPct !== undefined ? { toleranceCycles: toleranceCyclesPct as number } : {}) },
    (f) => `${path}: ${f.replace(/-(.)/g, (_, c: string) => c.toUpperCase())}`);
}
