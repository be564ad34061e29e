/**
 * Simulator speed: simulated instructions per second on a compute-bound ELF (firmware/bench:
 * bitwise + table CRC32 and an int8 matmul, ~390 M instructions), and the wall-time ratio against
 * qemu-system-arm -M mps2-an386 on the same ELF, measured in the same run, interleaved, medians.
 *
 *   npx tsx test/bench/sim-speed.ts [--reps 3] [--json out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
const sim: { wallS: number; mips: number; instructions: number; cycles: number }[] = [];
const qemu: number[] = [];
let simOut = '';
let qemuOut = '';
for (let r = 0; r < reps; r++) {
  let out = '';
  const res = runElf({ board, elfBytes: bytes, elfPath: elf, stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: () => {} });
  if (res.stop !== 'exit') throw new Error(`mcusim: ${res.message}`);
  simOut = out;
  sim.push({ wallS: res.wallMs / 1000, mips: res.instructions / res.wallMs / 1000, instructions: res.instructions, cycles: res.cycles });
  const [cmd, ...args] = qemuCommand(elf);
  const t0 = performance.now();
  qemuOut = execFileSync(cmd!, args, { encoding: 'utf8' });
  qemu.push((performance.now() - t0) / 1000);
  process.stderr.write(`rep ${r + 1}/${reps}: mcusim ${sim[r]!.wallS.toFixed(2)} s (${sim[r]!.mips.toFixed(1)} MIPS), qemu ${qemu[r]!.toFixed(2)} s\n`);
}
if (simOut !== qemuOut) throw new Error(`outputs differ:\nmcusim: ${simOut}\nqemu:   ${qemuOut}`);
const result = {
  workload: 'firmware/bench/crc_matmul.c -O2 hard-float on mps2-an386',
  instructions: sim[0]!.instructions,
  cycles: sim[0]!.cycles,
  mcusimWallSMedian: median(sim.map((s) => s.wallS)),
  mcusimMipsMedian: median(sim.map((s) => s.mips)),
  qemuWallSMedian: median(qemu),
  wallRatioMcusimOverQemu: median(sim.map((s) => s.wallS)) / median(qemu),
};
console.log(`sim speed: ${result.mcusimMipsMedian.toFixed(1)} simulated MIPS (median of ${reps}), ` +
  `${result.instructions.toLocaleString('en-US')} instructions; mcusim ${result.mcusimWallSMedian.toFixed(2)} s vs QEMU ` +
  `${result.qemuWallSMedian.toFixed(2)} s: ${result.wallRatioMcusimOverQemu.toFixed(1)}x QEMU's wall time`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
