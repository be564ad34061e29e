/**
 * What the benches share: command-line values, medians, one whole `mcusim` process measured as a user
 * runs it (wall time here; peak RSS and CPU time from test/bench/rss-probe.mjs inside it; counts and
 * the in-process wall time from the run summary), and the committed baseline file
 * reports/bench-baseline.json, which sim-speed.ts and detector-frames.ts each update their own part of.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/toolchain.js';
import { writeFileAtomic } from '../../src/common/write-atomic.js';

export const BIN = join(REPO_ROOT, 'src', 'cli', 'bin.mjs');
const RSS_PROBE = join(REPO_ROOT, 'test', 'bench', 'rss-probe.mjs');
export const BASELINE = join(REPO_ROOT, 'reports', 'bench-baseline.json');

export const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** The middle value (the lower of the two middle ones for an even count). */
export const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

/** The 1-minute load average, sampled before each interleaved round, summarised in one line. */
export class LoadLog {
  private readonly samples: number[] = [];
  sample(): void {
    this.samples.push(loadavg()[0]!);
  }
  describe(): string {
    const s = this.samples.length ? this.samples : [loadavg()[0]!];
    return `1-min load average median ${median(s).toFixed(1)} (min ${Math.min(...s).toFixed(1)}, max ${Math.max(...s).toFixed(1)})`;
  }
}

export interface ProcessRun {
  status: number | null;
  wallS: number;
  cpuS: number;
  /** Wall time of the simulation itself, from the summary line "wall N s". */
  simWallS: number;
  instructions: number;
  cycles: number;
  peakRssMb: number;
  out: string;
  err: string;
}

/** One whole `mcusim` process (the compiled CLI, as a user starts it). Throws when it did not report. */
export function runMcusim(argv: string[]): ProcessRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_PROBE, BIN, ...argv], { encoding: 'latin1', maxBuffer: 64 << 20 });
  const wallS = (performance.now() - t0) / 1000;
  const num = (re: RegExp) => Number((re.exec(r.stderr)?.[1] ?? 'NaN').replaceAll(',', ''));
  const rss = num(/mcusim-bench peak-rss-kb (\d+)/);
  if (r.status === null || Number.isNaN(rss) || (argv[0] === 'run' && !/ instructions/.test(r.stderr))) {
    throw new Error(`mcusim ${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  }
  return {
    status: r.status, wallS, out: r.stdout, err: r.stderr, peakRssMb: rss / 1024, cpuS: num(/mcusim-bench cpu-us (\d+)/) / 1e6,
    instructions: num(/([\d,]+) instructions/), cycles: num(/([\d,]+) cycles/), simWallS: num(/wall ([\d.]+) s/),
  };
}

/** The committed baseline, or undefined when there is none yet. */
export function readBaseline<T>(key: string): T | undefined {
  if (!existsSync(BASELINE)) return undefined;
  return (JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, T | undefined>)[key];
}

/** Replaces one bench's part of the baseline file, keeping the other benches' parts. */
export function writeBaseline(key: string, value: unknown): void {
  const all = existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, unknown>) : {};
  all[key] = value;
  writeFileAtomic(BASELINE, JSON.stringify(all, null, 2) + '\n');
  console.log(`baseline written: ${BASELINE} (${key})`);
}
