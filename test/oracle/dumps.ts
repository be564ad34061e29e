// Parses the register dumps printed by firmware/tests/randprog/harness.c and names the first
// difference between two runs, so a failing differential test says which block, which register,
// and which instructions ran in that block.
import type { RandomProgram } from '../support/randprog.js';

export interface RegisterDump {
  index: number;
  r: number[];
  apsr: number;
  s: number[];
  fpscr: number;
}

export function parseDumps(stdout: string): RegisterDump[] {
  const dumps: RegisterDump[] = [];
  let current: RegisterDump | undefined;
  for (const line of stdout.split('\n')) {
    const start = /^dump (\d+)$/.exec(line);
    if (start) {
      current = { index: Number(start[1]), r: [], apsr: NaN, s: [], fpscr: NaN };
      dumps.push(current);
      continue;
    }
    if (!current) continue;
    for (const m of line.matchAll(/\b(r|s)(\d+)=([0-9a-f]{8})\b/g)) {
      (m[1] === 'r' ? current.r : current.s)[Number(m[2])] = parseInt(m[3]!, 16);
    }
    const apsr = /^apsr=([0-9a-f]{8})/.exec(line);
    if (apsr) current.apsr = parseInt(apsr[1]!, 16);
    const fpscr = /^fpscr=([0-9a-f]{8})/.exec(line);
    if (fpscr) current.fpscr = parseInt(fpscr[1]!, 16);
  }
  return dumps;
}

const hex = (v: number | undefined): string => (v === undefined ? 'missing' : (v >>> 0).toString(16).padStart(8, '0'));

/** Describes the first register that differs, or returns null when every dump agrees. */
export function firstDifference(expected: RegisterDump[], actual: RegisterDump[], program?: RandomProgram): string | null {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!e || !a) return `dump ${i}: present in only one run (${expected.length} vs ${actual.length} dumps)`;
    const diffs: string[] = [];
    for (let k = 0; k < 13; k++) if (e.r[k] !== a.r[k]) diffs.push(`r${k} ${hex(e.r[k])} != ${hex(a.r[k])}`);
    if (e.apsr !== a.apsr) diffs.push(`apsr ${hex(e.apsr)} != ${hex(a.apsr)}`);
    for (let k = 0; k < 32; k++) if (e.s[k] !== a.s[k]) diffs.push(`s${k} ${hex(e.s[k])} != ${hex(a.s[k])}`);
    if (e.fpscr !== a.fpscr) diffs.push(`fpscr ${hex(e.fpscr)} != ${hex(a.fpscr)}`);
    if (diffs.length) {
      const block = i > 0 && program ? `\nblock ${i} ran:\n  ${program.blocks[i - 1]!.join('\n  ')}` : '';
      return `dump ${i} (expected != actual): ${diffs.join(', ')}${block}`;
    }
  }
  return null;
}
