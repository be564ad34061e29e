/**
 * Simulator speed: simulated instructions per second on a compute-bound ELF (firmware/bench:
 * bitwise + table CRC32 and an int8 matmul, ~390 M instructions), and the wall-time ratio against
 * qemu-system-arm -M mps2-an386 on the same ELF, measured in the same run, interleaved, medians.
 *
 *   npx tsx test/bench/sim-speed.ts [--reps 3] [--json out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { buildElf } from '../support/toolchain.js';
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

const elf = await buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' } });
const board = loadBoard('mps2-an386');
const bytes = new Uint8Array(readFileSync(elf));
// The machine is shared: wall time includes waiting for a core, so CPU-time MIPS (instructions per
// second of this process's user CPU time) and the load average are reported beside it.
const sim: { wallS: number; mips: number; cpuMips: number; instructions: number; cycles: number }[] = [];
const loads: number[] = [];
const qemu: number[] = [];
let simOut = '';
let qemuOut = '';
for (let r = 0; r < reps; r++) {
  let out = '';
  loads.push(loadavg()[0]!);
  const cpu0 = process.cpuUsage();
  const res = runElf({ board, elfBytes: bytes, elfPath: elf, stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: () => {} });
  const userS = process.cpuUsage(cpu0).user / 1e6;
  if (res.stop !== 'exit') throw new Error(`mcusim: ${res.message}`);
  simOut = out;
  sim.push({
    wallS: res.wallMs / 1000, mips: res.instructions / res.wallMs / 1000, cpuMips: res.instructions / userS / 1e6,
    instructions: res.instructions, cycles: res.cycles,
  });
  const t0 = performance.now();
  qemuOut = execFileSync('qemu-system-arm', qemuCommand(elf), { encoding: 'utf8' });
  qemu.push((performance.now() - t0) / 1000);
  process.stderr.write(`rep ${r + 1}/${reps}: mcusim ${sim[r]!.wallS.toFixed(2)} s (${sim[r]!.mips.toFixed(1)} MIPS, ` +
    `${sim[r]!.cpuMips.toFixed(1)} per CPU second), qemu ${qemu[r]!.toFixed(2)} s, load ${loads[r]!.toFixed(1)}\n`);
}
if (simOut !== qemuOut) throw new Error(`outputs differ:\nmcusim: ${simOut}\nqemu:   ${qemuOut}`);
const result = {
  workload: 'firmware/bench/crc_matmul.c -O2 hard-float on mps2-an386',
  instructions: sim[0]!.instructions,
  cycles: sim[0]!.cycles,
  mcusimWallSMedian: median(sim.map((s) => s.wallS)),
  mcusimMipsMedian: median(sim.map((s) => s.mips)),
  mcusimCpuMipsMedian: median(sim.map((s) => s.cpuMips)),
  loadAverage1mMedian: median(loads),
  qemuWallSMedian: median(qemu),
  wallRatioMcusimOverQemu: median(sim.map((s) => s.wallS)) / median(qemu),
};
console.log(`sim speed: ${result.mcusimMipsMedian.toFixed(1)} simulated MIPS (median of ${reps}), ` +
  `${result.instructions.toLocaleString('en-US')} instructions; mcusim ${result.mcusimWallSMedian.toFixed(2)} s vs QEMU ` +
  `${result.qemuWallSMedian.toFixed(2)} s: ${result.wallRatioMcusimOverQemu.toFixed(1)}x QEMU's wall time; ` +
  `${result.mcusimCpuMipsMedian.toFixed(1)} MIPS per CPU second; 1-min load average ${result.loadAverage1mMedian.toFixed(1)} ` +
  `on ${availableParallelism()} cores`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
