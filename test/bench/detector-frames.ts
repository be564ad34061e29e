/**
 * The detector firmware (`mcusim build`, firmware/nn/app) over 100 frames, two ways:
 *   - whole `mcusim run --frames` processes on a 100-frame file, profiled (the default: the ELF has a
 *     layer table, so the per-layer report is on) and with --no-profile, interleaved: wall and CPU
 *     time, simulated MIPS and peak RSS (issue 15 point 4: <= 200 MB), beside the committed baseline
 *     (reports/bench-baseline.json, its "detector" part; `--update-baseline` rewrites that part);
 *   - in process, 100 runs of one frame each through a FirmwareSession (src/sim/session.ts: boot
 *     once, restore the post-boot snapshot per frame) against full runs (runElf: parse, load, boot
 *     each time): wall time per frame, and the session's output equal to the full runs' output.
 * The frames are the shipped sample's 8 frames repeated (firmware/frames/sample.bin).
 *
 *   npx tsx test/bench/detector-frames.ts [--board stm32f411re] [--frames 100] [--reps 1] [--json out.json] [--update-baseline]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { REPO_ROOT } from '../support/toolchain.js';
import { readFrameFile, writeFrameFile } from '../../src/nn/data/frame-file.js';
import { FirmwareSession } from '../../src/sim/session.js';
import { runElf } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { writeFileAtomic } from '../../src/common/write-atomic.js';
import { argValue, BIN, LoadLog, median, readBaseline, runMcusim, writeBaseline, type ProcessRun } from './bench-support.js';

const boardName = argValue('board') ?? 'stm32f411re';
const frameCount = Number(argValue('frames') ?? 100);
const reps = Number(argValue('reps') ?? 1);
const jsonOut = argValue('json');

const build = spawnSync(process.execPath, [BIN, 'build', '--board', boardName], { encoding: 'utf8' });
const builtElf = build.stdout.trim().split('\n').at(-1) ?? '';
if (build.status !== 0 || !builtElf.endsWith('.elf')) {
  console.log(`detector bench skipped: mcusim build failed (${build.status}): ${build.stderr.trim().split('\n').at(-1)}`);
  process.exit(0);
}

// Frame files live under the working directory: semihosting confines host files to it. The ELF is
// copied there too, so a rebuild of the build cache meanwhile cannot pull it away mid-bench.
const dir = mkdtempSync(join(REPO_ROOT, 'reports', 'generated', 'bench-frames-'));
const elf = join(dir, 'detector.elf');
copyFileSync(builtElf, elf);
const sample = readFrameFile(join(REPO_ROOT, 'firmware', 'frames', 'sample.bin'));
const pick = (k: number) => sample.frames[k % sample.frames.length]!;
const manyPath = join(dir, `frames-${frameCount}.bin`);
writeFrameFile(manyPath, { ...sample, frames: Array.from({ length: frameCount }, (_, k) => pick(k)) });
const single = sample.frames.map((f, k) => {
  const p = join(dir, `frame-${k}.bin`);
  writeFrameFile(p, { ...sample, frames: [f] });
  return relative(process.cwd(), p);
});

const load = new LoadLog();
// 1. Whole processes over all frames, profiled (the default for an ELF with a layer table) and plain.
const WHOLE = { profiled: [] as string[], plain: ['--no-profile'] };
type WholeMode = keyof typeof WHOLE;
const wholeRuns: Record<WholeMode, ProcessRun[]> = { profiled: [], plain: [] };
for (let rep = 0; rep < reps; rep++) {
  load.sample();
  for (const mode of Object.keys(WHOLE) as WholeMode[]) {
    wholeRuns[mode].push(runMcusim(['run', elf, '--board', boardName, ...WHOLE[mode], '--frames', relative(process.cwd(), manyPath)]));
  }
}
const summarise = (runs: ProcessRun[]) => ({
  exitCode: runs[0]!.status, wallS: median(runs.map((r) => r.wallS)), cpuS: median(runs.map((r) => r.cpuS)),
  peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), instructions: runs[0]!.instructions,
  simMips: runs[0]!.instructions / median(runs.map((r) => r.simWallS)) / 1e6,
  frameLines: runs[0]!.out.split('\n').filter((l) => l.startsWith('frame ')).length,
});
const whole = { profiled: summarise(wholeRuns.profiled), plain: summarise(wholeRuns.plain) };
// Stdout only: profiling enables the firmware's ITM layer markers (firmware/nn/LAYER-TABLE.md), which cost it instructions.
const sameOutput = [...wholeRuns.profiled, ...wholeRuns.plain].every((r) => r.out === wholeRuns.plain[0]!.out);

// 2. In process: full runs against session runs, one frame each, interleaved.
const board = loadBoard(boardName);
const elfBytes = new Uint8Array(readFileSync(elf));
const session = new FirmwareSession({ board, elfBytes, elfPath: elf });
const capture = () => {
  let out = '';
  return { sink: { stdout: (b: Uint8Array) => { out += Buffer.from(b).toString('latin1'); }, stderr: () => {} }, text: () => out };
};
const fullMs: number[] = [];
const sessionMs: number[] = [];
let mismatches = 0;
for (let k = 0; k < frameCount; k++) {
  const args = [single[k % single.length]!];
  const s = capture();
  const ts = performance.now();
  const rs = session.run({ args, ...s.sink });
  sessionMs.push(performance.now() - ts);
  if (k % 10 === 0) {
    // A full run now and then: the reference for speed and for the output.
    const f = capture();
    const tf = performance.now();
    const rf = runElf({ board, elfBytes, elfPath: elf, args, ...f.sink });
    fullMs.push(performance.now() - tf);
    if (f.text() !== s.text() || rf.cycles !== rs.cycles || rf.instructions !== rs.instructions) mismatches++;
  }
}
rmSync(dir, { recursive: true, force: true });
const result = {
  date: new Date().toISOString(), board: boardName, frames: frameCount, reps,
  machine: `${availableParallelism()} cores, ${load.describe()}`,
  wholeProcess: whole,
  inProcess: {
    fullRunMsMedian: median(fullMs), sessionRunMsMedian: median(sessionMs), firstSessionRunMs: sessionMs[0],
    bootInstructionsSkipped: session.boot?.instructions, snapshotMb: (session.boot?.snapshotBytes ?? 0) / 2 ** 20,
    mismatchesAgainstFullRuns: mismatches, peakRssMb: process.resourceUsage().maxRSS / 1024,
  },
};
type Result = typeof result;
const baseline = readBaseline<Result>('detector');
const was = (x: number | undefined, digits = 0) => (baseline ? ` (was ${x === undefined ? '-' : x.toFixed(digits)})` : '');
console.log(`detector on ${boardName}, ${frameCount} frames, medians of ${reps} (${result.machine}):`);
if (baseline) console.log(`  (was: the committed baseline reports/bench-baseline.json of ${baseline.date}, ${baseline.machine})`);
for (const mode of Object.keys(WHOLE) as WholeMode[]) {
  const w = whole[mode];
  const b = baseline?.wholeProcess[mode];
  console.log(`  one process, ${mode === 'profiled' ? 'profiled (per-layer report, the default)' : '--no-profile'}: exit ${w.exitCode}, ${w.frameLines} frame lines, ` +
    `${w.wallS.toFixed(2)} s wall, ${w.cpuS.toFixed(2)} s CPU${was(b?.cpuS, 2)}, ${(w.instructions / 1e6).toFixed(1)} M instructions, ` +
    `${w.simMips.toFixed(1)} simulated MIPS, peak RSS ${w.peakRssMb.toFixed(0)} MB${was(b?.peakRssMb)} (target <= 200 MB)`);
}
console.log(`  profiled cost: ${(whole.profiled.cpuS / whole.plain.cpuS).toFixed(2)}x the plain run's CPU time; firmware output ${sameOutput ? 'identical' : 'DIFFERENT'}`);
console.log(`  in process, one frame per run: full run ${result.inProcess.fullRunMsMedian.toFixed(1)} ms, session run ` +
  `${result.inProcess.sessionRunMsMedian.toFixed(1)} ms (median; first ${sessionMs[0]!.toFixed(1)} ms; boot skipped ` +
  `${result.inProcess.bootInstructionsSkipped ?? 0} instructions, snapshot ${result.inProcess.snapshotMb.toFixed(1)} MB), ` +
  `${mismatches} mismatches, bench process peak RSS ${result.inProcess.peakRssMb.toFixed(0)} MB`);
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify(result, null, 2) + '\n');
if (process.argv.includes('--update-baseline')) writeBaseline('detector', result);
const failed = mismatches > 0 || !sameOutput || whole.profiled.exitCode !== 0 || whole.plain.exitCode !== 0 || whole.profiled.peakRssMb > 200;
if (failed) process.exitCode = 1;
