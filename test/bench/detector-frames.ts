/**
 * The detector firmware (`mcusim build`, firmware/nn/app) over 100 frames, two ways:
 *   - one whole `mcusim run --frames` process on a 100-frame file: wall time, simulated MIPS and
 *     peak RSS (issue 15 point 4: <= 200 MB);
 *   - in process, 100 runs of one frame each through a FirmwareSession (src/sim/session.ts: boot
 *     once, restore the post-boot snapshot per frame) against full runs (runElf: parse, load, boot
 *     each time): wall time per frame, and the session's output equal to the full runs' output.
 * The frames are the shipped sample's 8 frames repeated (firmware/frames/sample.bin).
 *
 *   npx tsx test/bench/detector-frames.ts [--board stm32f411re] [--frames 100] [--json out.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadavg, availableParallelism } from 'node:os';
import { REPO_ROOT } from '../support/toolchain.js';
import { readFrameFile, writeFrameFile } from '../../src/nn/data/frame-file.js';
import { FirmwareSession } from '../../src/sim/session.js';
import { runElf } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { writeFileAtomic } from '../../src/common/write-atomic.js';

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const boardName = argValue('board') ?? 'stm32f411re';
const frameCount = Number(argValue('frames') ?? 100);
const jsonOut = argValue('json');
const BIN = join(REPO_ROOT, 'src', 'cli', 'bin.mjs');
const RSS_PROBE = join(REPO_ROOT, 'test', 'bench', 'rss-probe.mjs');
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

const build = spawnSync(process.execPath, [BIN, 'build', '--board', boardName], { encoding: 'utf8' });
const elf = build.stdout.trim().split('\n').at(-1) ?? '';
if (build.status !== 0 || !elf.endsWith('.elf')) {
  console.log(`detector bench skipped: mcusim build failed (${build.status}): ${build.stderr.trim().split('\n').at(-1)}`);
  process.exit(0);
}

// Frame files live under the working directory: semihosting confines host files to it.
const dir = mkdtempSync(join(REPO_ROOT, 'reports', 'generated', 'bench-frames-'));
const sample = readFrameFile(join(REPO_ROOT, 'firmware', 'frames', 'sample.bin'));
const pick = (k: number) => sample.frames[k % sample.frames.length]!;
const manyPath = join(dir, `frames-${frameCount}.bin`);
writeFrameFile(manyPath, { ...sample, frames: Array.from({ length: frameCount }, (_, k) => pick(k)) });
const single = sample.frames.map((f, k) => {
  const p = join(dir, `frame-${k}.bin`);
  writeFrameFile(p, { ...sample, frames: [f] });
  return relative(process.cwd(), p);
});

const load0 = loadavg()[0]!;
// 1. One process over all frames.
const t0 = performance.now();
const whole = spawnSync(process.execPath, ['--import', RSS_PROBE, BIN, 'run', elf, '--board', boardName, '--frames', relative(process.cwd(), manyPath)], { encoding: 'utf8', maxBuffer: 64 << 20 });
const wholeWallS = (performance.now() - t0) / 1000;
const num = (re: RegExp) => Number((re.exec(whole.stderr)?.[1] ?? 'NaN').replaceAll(',', ''));
const wholeRun = {
  exitCode: whole.status, wallS: wholeWallS, peakRssMb: num(/mcusim-bench peak-rss-kb (\d+)/) / 1024,
  instructions: num(/([\d,]+) instructions/), frameLines: whole.stdout.split('\n').filter((l) => l.startsWith('frame ')).length,
};

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
  board: boardName, frames: frameCount, machine: `${availableParallelism()} cores, 1-min load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`,
  wholeProcess: wholeRun,
  inProcess: {
    fullRunMsMedian: median(fullMs), sessionRunMsMedian: median(sessionMs), firstSessionRunMs: sessionMs[0],
    bootInstructionsSkipped: session.boot?.instructions, snapshotMb: (session.boot?.snapshotBytes ?? 0) / 2 ** 20,
    mismatchesAgainstFullRuns: mismatches, peakRssMb: process.resourceUsage().maxRSS / 1024,
  },
};
console.log(`detector on ${boardName}, ${frameCount} frames (${result.machine}):`);
console.log(`  one process, --frames: exit ${wholeRun.exitCode}, ${wholeRun.frameLines} frame lines, ${wholeRun.wallS.toFixed(2)} s, ` +
  `${(wholeRun.instructions / 1e6).toFixed(1)} M instructions, peak RSS ${wholeRun.peakRssMb.toFixed(0)} MB`);
console.log(`  in process, one frame per run: full run ${result.inProcess.fullRunMsMedian.toFixed(1)} ms, session run ` +
  `${result.inProcess.sessionRunMsMedian.toFixed(1)} ms (median; first ${sessionMs[0]!.toFixed(1)} ms; boot skipped ` +
  `${result.inProcess.bootInstructionsSkipped ?? 0} instructions, snapshot ${result.inProcess.snapshotMb.toFixed(1)} MB), ` +
  `${mismatches} mismatches, bench process peak RSS ${result.inProcess.peakRssMb.toFixed(0)} MB`);
if (jsonOut) writeFileAtomic(jsonOut, JSON.stringify(result, null, 2) + '\n');
if (mismatches > 0 || wholeRun.exitCode !== 0) process.exitCode = 1;
