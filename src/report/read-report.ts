/**
 * Reads a saved report: JSON of the current schema is validated (zod) and returned; a version-1 run
 * report (`mcusim.run/1`, the run summary alone) is upgraded with its profile sections empty; anything
 * else is refused with one line naming the file and what was found. Never touches a machine.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { REPORT_SCHEMA, REPORT_VERSION, reportSchema, runSummarySchema, type Report } from './schema.js';

export function readReportFile(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseReport(text, path);
}

export function parseReport(text: string, path = 'report'): Report {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null) throw new UserError(`${path}: not an mcusim report (no "schema" field)`);
  const d = data as Record<string, unknown>;
  if (d['schema'] === 'mcusim.run/1') return upgradeVersion1(d, path);
  if (d['schema'] !== REPORT_SCHEMA) {
    throw new UserError(`${path}: not an mcusim report (schema ${JSON.stringify(d['schema'] ?? null)}, expected "${REPORT_SCHEMA}")`);
  }
  if (d['version'] !== REPORT_VERSION) {
    throw new UserError(`${path}: report version ${JSON.stringify(d['version'] ?? null)}; this mcusim reads versions 1 and ${REPORT_VERSION} (re-run \`mcusim run --report\` to regenerate it)`);
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) throw new UserError(`${path}: malformed report: ${firstIssue(parsed.error.issues)}`);
  return parsed.data;
}

function firstIssue(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const i = issues[0]!;
  return `${i.path.map(String).join('.') || '(top)'}: ${i.message}`;
}

/** Version 1 held the run summary flat at the top level, with the board's name and final clock. */
function upgradeVersion1(d: Record<string, unknown>, path: string): Report {
  const stall = (d['stallCycles'] ?? {}) as Record<string, number>;
  const run = runSummarySchema.safeParse({ ...d, fault: d['fault'] ?? null, stallCycles: { sleep: 0, ...stall } });
  if (!run.success) throw new UserError(`${path}: malformed version-1 report: ${firstIssue(run.error.issues)}`);
  return {
    schema: REPORT_SCHEMA, version: REPORT_VERSION,
    elf: String(d['elf'] ?? ''),
    board: { name: String(d['board'] ?? ''), coreClockHz: Number(d['coreClockHz'] ?? 0), flashBytes: 0, sramBytes: 0 },
    run: run.data, memory: null, layers: null, frames: null, functions: null, energy: null,
  };
}
