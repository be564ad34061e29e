/**
 * Simulator speed as a user sees it: whole `mcusim` processes (the compiled CLI, src/cli/bin.mjs),
 * interleaved in one run, medians, beside qemu-system-arm on the same ELFs.
 *   - workloads: crc_matmul (firmware/bench: CRC32 + int8 matmul, ~390 M instructions) and
 *     coremark-lite x2000 (firmware/bench/timing), each on mps2-an386 (zero wait states) and on
 *     stm32f411re (coremark-lite at 100 MHz with 3 flash wait states and the ART on; crc_matmul at the
 *     reset clock, 16 MHz HSI, 0 wait states);
 *   - modes: block translation (the default), interpreter only (`--translate 0`), and the run with a
 *     report written (`--report`, where the profiler attaches);
 *   - QEMU (`-M mps2-an386`, the mps2-an386 build: QEMU has no STM32F411) as the wall-time reference;
 *   - start-up: `mcusim --help` and a trivial ELF (firmware/tests/cmdline.c) run, whole process, and
 *     QEMU on the same trivial ELF;
 *   - peak RSS of every mcusim process (test/bench/rss-probe.mjs);
 *   - the previous figures from reports/bench-baseline.json (`--update-baseline` rewrites its
 *     "simSpeed" part; test/bench/detector-frames.ts owns the "detector" part).
 * Outputs must equal QEMU's (functionally) and the interpreter's (exactly: cycles too).
 *
 *   npx tsx test/bench/sim-speed.ts [--reps 3] [--json out.json] [--update-baseline] [--quick]
 * --quick: coremark-lite only, for a fast look while developing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildElf, buildTestProgram, FIRMWARE_DIR, type Board } from '../support/toolchain.js';
import { qemuCommand } from '../support/qemu.js';
import { writeFileAtomic } from '../../src/common/write-atomic.js';
import { argValue, LoadLog, median, readBaseline, runMcusim as mcusim, writeBaseline, type ProcessRun } from './bench-support.js';

const reps = Number(argValue('reps') ?? 3);
const jsonOut = argValue('json');
const quick = process.argv.includes('--quick');
const scratch = mkdtempSync(join(tmpdir(), 'mcusim-bench-'));

/** `functional`: the part of the output QEMU must agree with (QEMU has no DWT: no cycle counts). */
interface Workload { name: string; board: Board; elf: string; qemuElf: string; args: string[]; qemuArgs: string[]; functional: (out: string) => string }

async function workloads(): Promise<Workload[]> {
  const crc = (board: Board) => buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' }, board });
  const coremark = (board: Board) => buildElf({
    name: 'coremark-lite-2000', sources: ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f)),
    variant: { opt: 'O2', float: 'hard' }, extraFlags: ['-DITERATIONS=2000'], board,
  });
  const crcLine = (out: string) => /crc 0x[0-9a-f]+/.exec(out)?.[0] ?? `no CRC line in: ${out}`;
  const list: Workload[] = [];
  const cmMps2 = await coremark('mps2-an386');
  list.push({ name: 'coremark-lite x2000', board: 'mps2-an386', elf: cmMps2, qemuElf: cmMps2, args: ['hsi16', 'none'], qemuArgs: ['hsi16', 'none'], functional: crcLine });
  list.push({ name: 'coremark-lite x2000', board: 'stm32f411re', elf: await coremark('stm32f411re'), qemuElf: cmMps2, args: ['pll100', 'art'], qemuArgs: ['hsi16', 'none'], functional: crcLine });
  if (!quick) {
    const crcMps2 = await crc('mps2-an386');
    list.push({ name: 'crc_matmul', board: 'mps2-an386', elf: crcMps2, qemuElf: crcMps2, args: [], qemuArgs: [], functional: (o) => o });
    list.push({ name: 'crc_matmul', board: 'stm32f411re', elf: await crc('stm32f411re'), qemuElf: crcMps2, args: [], qemuArgs: [], functional: (o) => o });
  }
  return list;
}

const MODES = {
  blocks: [] as string[],
  interpreter: ['--translate', '0'],
  report: ['--report', join(scratch, 'run.json')],
};
type Mode = keyof typeof MODES;

interface Row {
  workload: string; board: string; instructions: number; cycles: number;
  mips: Record<Mode, number>; cpuMips: Record<Mode, number>; simMips: Record<Mode, number>; wallS: Record<Mode, number>; cpuS: Record<Mode, number>;
  peakRssMb: number; qemuWallS: number; wallRatioOverQemu: number; interpreterWallRatioOverQemu: number; profiledCpuCost: number;
}

/** One qemu-system-arm process; a non-zero exit (the trivial ELF exits 2) still gives its output. */
function timeQemu(elf: string, args: string[]): { out: string; wallS: number } {
  const t0 = performance.now();
  let out: string;
  try {
    out = execFileSync('qemu-system-arm', qemuCommand(elf, { args }), { encoding: 'latin1', timeout: 120_000 });
  } catch (e) {
    const failed = e as { status?: number; stdout?: string };
    if (typeof failed.status !== 'number') throw e;
    out = failed.stdout ?? '';
  }
  return { out, wallS: (performance.now() - t0) / 1000 };
}

const load = new LoadLog();
const startup = { helpS: [] as number[], trivialS: [] as number[], helpRssMb: [] as number[], trivialRssMb: [] as number[], qemuTrivialS: [] as number[] };
const trivial = await buildTestProgram('cmdline', { opt: 'O2', float: 'hard' });
const list = await workloads();
const samples = list.map(() => ({ runs: Object.fromEntries(Object.keys(MODES).map((m) => [m, [] as ProcessRun[]])) as Record<Mode, ProcessRun[]>, qemu: [] as number[] }));
mcusim(['--help']); // builds the compiled CLI if a source changed, so the first measured start is not a build
for (let rep = 0; rep < reps; rep++) {
  load.sample();
  const help = mcusim(['--help']);
  const triv = mcusim(['run', trivial, '--board', 'mps2-an386', '--', 'a']);
  startup.helpS.push(help.wallS); startup.helpRssMb.push(help.peakRssMb);
  startup.trivialS.push(triv.wallS); startup.trivialRssMb.push(triv.peakRssMb);
  startup.qemuTrivialS.push(timeQemu(trivial, ['a']).wallS);
  list.forEach((w, k) => {
    const s = samples[k]!;
    for (const mode of Object.keys(MODES) as Mode[]) {
      s.runs[mode].push(mcusim(['run', w.elf, '--board', w.board, ...MODES[mode], '--', ...w.args]));
    }
    const { out: qemuOut, wallS: qemuS } = timeQemu(w.qemuElf, w.qemuArgs);
    s.qemu.push(qemuS);
    const b = s.runs.blocks.at(-1)!;
    const i = s.runs.interpreter.at(-1)!;
    if (b.out !== i.out || b.cycles !== i.cycles || b.instructions !== i.instructions) {
      throw new Error(`${w.name} on ${w.board}: blocks and interpreter differ\nblocks: ${b.out} ${b.cycles}\ninterpreter: ${i.out} ${i.cycles}`);
    }
    if (w.functional(b.out) !== w.functional(qemuOut)) throw new Error(`${w.name}: output differs from QEMU's\nmcusim: ${b.out}\nqemu: ${qemuOut}`);
    process.stderr.write(`rep ${rep + 1}/${reps} ${w.name} on ${w.board}: blocks ${b.wallS.toFixed(2)} s, interpreter ${i.wallS.toFixed(2)} s, ` +
      `qemu ${s.qemu.at(-1)!.toFixed(2)} s, load ${loadavg()[0]!.toFixed(1)}\n`);
  });
}
rmSync(scratch, { recursive: true, force: true });

const rows: Row[] = list.map((w, k) => {
  const s = samples[k]!;
  const per = <T,>(f: (runs: ProcessRun[]) => T) => Object.fromEntries((Object.keys(MODES) as Mode[]).map((m) => [m, f(s.runs[m])])) as Record<Mode, T>;
  const instructions = s.runs.blocks[0]!.instructions;
  const wallS = per((runs) => median(runs.map((r) => r.wallS)));
  const cpuS = per((runs) => median(runs.map((r) => r.cpuS)));
  return {
    workload: w.name, board: w.board, instructions, cycles: s.runs.blocks[0]!.cycles,
    wallS, cpuS, mips: per((runs) => instructions / median(runs.map((r) => r.wallS)) / 1e6),
    simMips: per((runs) => instructions / median(runs.map((r) => r.simWallS)) / 1e6),
    cpuMips: per((runs) => instructions / median(runs.map((r) => r.cpuS)) / 1e6),
    peakRssMb: Math.max(...Object.values(s.runs).flat().map((r) => r.peakRssMb)),
    qemuWallS: median(s.qemu), wallRatioOverQemu: wallS.blocks / median(s.qemu),
    interpreterWallRatioOverQemu: wallS.interpreter / median(s.qemu),
    profiledCpuCost: cpuS.report / cpuS.blocks,
  };
});
const result = {
  date: new Date().toISOString(),
  machine: `${availableParallelism()} cores, ${load.describe()}`,
  reps,
  startup: {
    helpS: median(startup.helpS), trivialElfS: median(startup.trivialS), helpPeakRssMb: median(startup.helpRssMb),
    trivialPeakRssMb: median(startup.trivialRssMb), qemuTrivialElfS: median(startup.qemuTrivialS),
  },
  rows,
};

const baseline = readBaseline<typeof result>('simSpeed');
const before = (r: Row) => baseline?.rows.find((b) => b.workload === r.workload && b.board === r.board);
const f1 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(2));
const was = (x: number | undefined, f: (v: number | undefined) => string) => (baseline ? ` (was ${f(x)})` : '');
console.log(`\nsim speed, whole process, medians of ${reps} interleaved runs; ${result.machine}`);
if (baseline) console.log(`(was: the committed baseline reports/bench-baseline.json of ${baseline.date}, ${baseline.machine})`);
console.log(`start-up: mcusim --help ${f2(result.startup.helpS)} s${was(baseline?.startup.helpS, f2)}, ` +
  `trivial ELF run ${f2(result.startup.trivialElfS)} s${was(baseline?.startup.trivialElfS, f2)}, ` +
  `peak RSS ${f1(result.startup.helpPeakRssMb)} / ${f1(result.startup.trivialPeakRssMb)} MB; QEMU on the trivial ELF ${f2(result.startup.qemuTrivialElfS)} s`);
console.log('MIPS = simulated instructions per second of the whole process: wall time / CPU time (user + system, all threads); ' +
  'x QEMU = mcusim wall time over qemu-system-arm\'s (mps2-an386 build) on the same workload; ' +
  'profiled cost = CPU time of the --report run over the plain (blocks) run');
console.log('| workload | board | M instr | blocks MIPS | interpreter MIPS | --report (profiled) MIPS | profiled cost | QEMU s | mcusim s | blocks x QEMU | interpreter x QEMU | peak RSS MB | was: blocks MIPS | was: interpreter MIPS | was: x QEMU | was: peak RSS MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const both = (m: Mode, x: Row | undefined) => (x ? `${f1(x.mips[m])} / ${f1(x.cpuMips?.[m])}` : '-');
  const b = before(r);
  console.log(`| ${r.workload} | ${r.board} | ${(r.instructions / 1e6).toFixed(1)} | ${both('blocks', r)} | ` +
    `${both('interpreter', r)} | ${both('report', r)} | ${f2(r.profiledCpuCost)}x | ${f2(r.qemuWallS)} | ${f2(r.wallS.blocks)} | ${f1(r.wallRatioOverQemu)} | ` +
    `${f1(r.interpreterWallRatioOverQemu)} | ${r.peakRssMb.toFixed(0)} | ${both('blocks', b)} | ${both('interpreter', b)} | ${f1(b?.wallRatioOverQemu)} | ${f1(b?.peakRssMb)} |`);
}
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify(result, null, 2) + '\n');
if (process.argv.includes('--update-baseline')) writeBaseline('simSpeed', result);
