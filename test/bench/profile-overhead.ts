/**
 * What the profiler costs: the same ELF run in this process, plain and profiled (function attribution
 * through the execution observer, layer markers, memory: what `mcusim run --report` attaches),
 * interleaved; medians of wall time and of this process's CPU time (CPU time stays meaningful when
 * other jobs load the machine). Then the profiled run with `--translate 0` must give the same
 * per-function profile as with block translation. Target (issue 14): profiled <= 1.5x plain.
 *   npx tsx test/bench/profile-overhead.ts [--reps 3] [--quick]   (--quick: coremark-lite x2000 only)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildElf, FIRMWARE_DIR, type Board } from '../support/toolchain.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { readElf } from '../../src/elf/index.js';
import { runElf, type RunOptions } from '../../src/sim/runner.js';
import { startProfiling } from '../../src/profile/profile-run.js';
import { argValue, LoadLog, median } from './bench-support.js';

const reps = Number(argValue('reps') ?? 3);
const quick = process.argv.includes('--quick');
const load = new LoadLog();

interface Workload { name: string; board: Board; elf: string; args: string[] }

async function workloads(): Promise<Workload[]> {
  const list: Workload[] = [{
    name: 'coremark-lite x2000', board: 'stm32f411re', args: ['pll100', 'art'],
    elf: await buildElf({
      name: 'coremark-lite-2000', sources: ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f)),
      variant: { opt: 'O2', float: 'hard' }, extraFlags: ['-DITERATIONS=2000'], board: 'stm32f411re',
    }),
  }];
  if (!quick) {
    list.push({
      name: 'crc_matmul', board: 'stm32f411re', args: [],
      elf: await buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' }, board: 'stm32f411re' }),
    });
  }
  return list;
}

function measure(w: Workload, profiled: boolean, translate = true) {
  const bytes = new Uint8Array(readFileSync(w.elf));
  const board = loadBoard(w.board);
  const profiling = profiled ? startProfiling(readElf(bytes, w.elf), bytes, board) : null;
  const opts: RunOptions = {
    board, elfBytes: bytes, elfPath: w.elf, args: w.args, stdout: () => {}, stderr: () => {}, translateBlocks: translate,
    ...(profiling ? { observer: profiling.observer, onItm: profiling.onItm } : {}),
  };
  const cpu0 = process.cpuUsage();
  const result = runElf(opts);
  const cpu = process.cpuUsage(cpu0);
  if (result.stop !== 'exit') throw new Error(`${w.name}: ${result.message}`);
  return { wallS: result.wallMs / 1000, cpuS: (cpu.user + cpu.system) / 1e6, report: profiling?.report(result, w.elf) };
}

for (const w of await workloads()) {
  const plain = { wall: [] as number[], cpu: [] as number[] };
  const prof = { wall: [] as number[], cpu: [] as number[] };
  let blocksProfile = '';
  for (let k = 0; k < reps; k++) {
    load.sample();
    const a = measure(w, false);
    plain.wall.push(a.wallS); plain.cpu.push(a.cpuS);
    const b = measure(w, true);
    prof.wall.push(b.wallS); prof.cpu.push(b.cpuS);
    blocksProfile = JSON.stringify(b.report!.functions!.rows);
  }
  const interpreted = JSON.stringify(measure(w, true, false).report!.functions!.rows);
  const same = interpreted === blocksProfile;
  const ratio = (x: number[], y: number[]) => (median(y) / median(x)).toFixed(2);
  console.log(`${w.name} on ${w.board}: plain ${median(plain.wall).toFixed(2)} s wall / ${median(plain.cpu).toFixed(2)} s CPU, ` +
    `profiled ${median(prof.wall).toFixed(2)} s / ${median(prof.cpu).toFixed(2)} s: ${ratio(plain.wall, prof.wall)}x wall, ${ratio(plain.cpu, prof.cpu)}x CPU ` +
    `(target <= 1.5x); per-function profile with --translate 0 ${same ? 'identical' : 'DIFFERENT'} (medians of ${reps}; ${load.describe()})`);
  if (!same) process.exitCode = 1;
}
