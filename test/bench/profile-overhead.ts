/**
 * What the profiler costs: the same ELF run by whole `mcusim run` processes, plain (`--no-profile`)
 * and profiled (`--report R.json`: function attribution through the execution observer, layer
 * markers, memory), interleaved, medians of wall time; and the profiled run with `--translate 0`
 * must give the same per-function cycles as with block translation. Target (issue 14): profiled
 * <= 1.5x plain, with blocks.
 *   npx tsx test/bench/profile-overhead.ts [--reps 3] [--quick]   (--quick: coremark-lite x2000 only)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf, FIRMWARE_DIR, REPO_ROOT, type Board } from '../support/toolchain.js';

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const reps = Number(argValue('reps') ?? 3);
const quick = process.argv.includes('--quick');
const BIN = join(REPO_ROOT, 'src', 'cli', 'bin.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'mcusim-profile-bench-'));
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

interface Workload { name: string; board: Board; elf: string; args: string[] }

async function workloads(): Promise<Workload[]> {
  const list: Workload[] = [{
    name: 'coremark-lite x2000',
    board: 'stm32f411re',
    elf: await buildElf({
      name: 'coremark-lite-2000', sources: ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f)),
      variant: { opt: 'O2', float: 'hard' }, extraFlags: ['-DITERATIONS=2000'], board: 'stm32f411re',
    }),
    args: ['pll100', 'art'],
  }];
  if (!quick) {
    list.push({
      name: 'crc_matmul', board: 'stm32f411re', args: [],
      elf: await buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' }, board: 'stm32f411re' }),
    });
  }
  return list;
}

function run(w: Workload, extra: string[]): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'run', w.elf, '--board', w.board, '--quiet', ...extra, '--', ...w.args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${w.name} ${extra.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const selfCycles = (path: string) => {
  const rep = JSON.parse(readFileSync(path, 'utf8')) as { functions: { rows: { name: string; selfCycles: number }[] } };
  return JSON.stringify(rep.functions.rows.map((r) => [r.name, r.selfCycles]));
};

try {
  for (const w of await workloads()) {
    const plain: number[] = [];
    const profiled: number[] = [];
    const report = join(scratch, 'blocks.json');
    for (let k = 0; k < reps; k++) {
      plain.push(run(w, ['--no-profile']).ms);
      profiled.push(run(w, ['--report', report]).ms);
    }
    const interp = join(scratch, 'interp.json');
    run(w, ['--report', interp, '--translate', '0']);
    const same = selfCycles(report) === selfCycles(interp);
    const p = median(plain), q = median(profiled);
    console.log(`${w.name} on ${w.board}: plain ${(p / 1000).toFixed(2)} s, profiled ${(q / 1000).toFixed(2)} s: ${(q / p).toFixed(2)}x ` +
      `(target <= 1.5x); per-function cycles with --translate 0 ${same ? 'identical' : 'DIFFERENT'} (medians of ${reps})`);
    if (!same) process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
