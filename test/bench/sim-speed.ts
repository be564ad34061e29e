/**
 * Simulator speed on compute-bound ELFs, measured in one run, interleaved, medians:
 *   - crc_matmul (firmware/bench: bitwise + table CRC32 and an int8 matmul, ~390 M instructions),
 *   - coremark-lite x 2000 iterations (firmware/bench/timing: list, matrix, state machine, CRC).
 * Each on mps2-an386 three ways: mcusim as shipped (block translation), mcusim interpreting only
 * (`--translate 0`, the same results by construction) and qemu-system-arm, whose wall time is the
 * reference. Outputs must equal QEMU's.
 *
 *   npx tsx test/bench/sim-speed.ts [--reps 3] [--json out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { buildElf, FIRMWARE_DIR } from '../support/toolchain.js';
import { qemuCommand } from '../support/qemu.js';
import { runElf } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const reps = Number(argValue('reps') ?? 3);
const jsonOut = argValue('json');
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

/** `functional`: the part of the output QEMU must agree with (QEMU has no DWT, so no cycle counts). */
interface Workload { name: string; elf: string; args: string[]; functional: (out: string) => string }
const workloads: Workload[] = [
  {
    name: 'crc_matmul -O2',
    elf: await buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' } }),
    args: [],
    functional: (out) => out,
  },
  {
    name: 'coremark-lite x2000 -O2',
    elf: await buildElf({
      name: 'coremark-lite-2000', sources: ['coremark_lite.c', 'clock.c'].map((f) => join(FIRMWARE_DIR, 'bench', 'timing', f)),
      variant: { opt: 'O2', float: 'hard' }, extraFlags: ['-DITERATIONS=2000'],
    }),
    args: ['hsi16', 'none'],
    functional: (out) => /crc 0x[0-9a-f]+/.exec(out)?.[0] ?? `no CRC line in: ${out}`,
  },
];
const board = loadBoard('mps2-an386');

interface SimRun { wallS: number; mips: number; cpuMips: number; instructions: number; cycles: number }
function simulate(w: Workload, translate: boolean): { run: SimRun; out: string } {
  let out = '';
  const cpu0 = process.cpuUsage();
  const res = runElf({
    board, elfBytes: new Uint8Array(readFileSync(w.elf)), elfPath: w.elf, args: w.args, translateBlocks: translate,
    stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: () => {},
  });
  // The machine may be shared: wall time includes waiting for a core, so CPU-time MIPS (instructions
  // per second of this process's user CPU time) and the load average are reported beside it.
  const userS = process.cpuUsage(cpu0).user / 1e6;
  if (res.stop !== 'exit') throw new Error(`${w.name}: ${res.message}`);
  return {
    out,
    run: { wallS: res.wallMs / 1000, mips: res.instructions / res.wallMs / 1000, cpuMips: res.instructions / userS / 1e6, instructions: res.instructions, cycles: res.cycles },
  };
}

const results = [];
for (const w of workloads) {
  const blocks: SimRun[] = [];
  const interp: SimRun[] = [];
  const qemu: number[] = [];
  const loads: number[] = [];
  for (let r = 0; r < reps; r++) {
    loads.push(loadavg()[0]!);
    const b = simulate(w, true);
    const i = simulate(w, false);
    const t0 = performance.now();
    const qemuOut = execFileSync('qemu-system-arm', qemuCommand(w.elf, { args: w.args }), { encoding: 'utf8' });
    qemu.push((performance.now() - t0) / 1000);
    const f = w.functional;
    if (b.out !== i.out || f(b.out) !== f(qemuOut)) throw new Error(`${w.name}: outputs differ\nmcusim: ${b.out}\ninterpreter: ${i.out}\nqemu: ${qemuOut}`);
    blocks.push(b.run);
    interp.push(i.run);
    process.stderr.write(`${w.name} rep ${r + 1}/${reps}: mcusim ${b.run.wallS.toFixed(2)} s (${b.run.mips.toFixed(1)} MIPS, ` +
      `${b.run.cpuMips.toFixed(1)} per CPU second), interpreter ${i.run.wallS.toFixed(2)} s (${i.run.cpuMips.toFixed(1)} per CPU second), ` +
      `qemu ${qemu[r]!.toFixed(2)} s, load ${loads[r]!.toFixed(1)}\n`);
  }
  const result = {
    workload: `${w.name} on mps2-an386`,
    instructions: blocks[0]!.instructions,
    cycles: blocks[0]!.cycles,
    mcusimWallSMedian: median(blocks.map((s) => s.wallS)),
    mcusimMipsMedian: median(blocks.map((s) => s.mips)),
    mcusimCpuMipsMedian: median(blocks.map((s) => s.cpuMips)),
    interpreterMipsMedian: median(interp.map((s) => s.mips)),
    interpreterCpuMipsMedian: median(interp.map((s) => s.cpuMips)),
    qemuWallSMedian: median(qemu),
    wallRatioMcusimOverQemu: median(blocks.map((s) => s.wallS)) / median(qemu),
    loadAverage1mMedian: median(loads),
  };
  results.push(result);
  console.log(`sim speed, ${w.name}: ${result.mcusimMipsMedian.toFixed(1)} simulated MIPS (median of ${reps}; ` +
    `${result.mcusimCpuMipsMedian.toFixed(1)} per CPU second), ${result.instructions.toLocaleString('en-US')} instructions; ` +
    `mcusim ${result.mcusimWallSMedian.toFixed(2)} s vs QEMU ${result.qemuWallSMedian.toFixed(2)} s: ` +
    `${result.wallRatioMcusimOverQemu.toFixed(1)}x QEMU's wall time; interpreter only ${result.interpreterMipsMedian.toFixed(1)} MIPS ` +
    `(blocks ${(result.mcusimMipsMedian / result.interpreterMipsMedian).toFixed(2)}x faster); ` +
    `1-min load average ${result.loadAverage1mMedian.toFixed(1)} on ${availableParallelism()} cores`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
