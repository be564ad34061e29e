/**
 * A quick speed probe for development: the crc_matmul bench ELF for a fixed number of instructions
 * on a board (default mps2-an386), CPU-time MIPS of each repetition and the median.
 *
 * With --compare, alternates runs with block translation on and off (same process, same load).
 *
 *   npx tsx test/bench/quick-mips.ts [--instructions 60000000] [--reps 3] [--compare]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { buildElf } from '../support/toolchain.js';
import { runElf } from '../../src/sim/runner.js';
import { loadBoard } from '../../src/mcu/boards/load.js';

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const boardName = 'mps2-an386';
const compare = process.argv.includes('--compare');
const limit = Number(argValue('instructions') ?? 60e6);
const reps = Number(argValue('reps') ?? 3);
const elf = await buildElf({ name: 'crc_matmul', sources: ['firmware/bench/crc_matmul.c'], variant: { opt: 'O2', float: 'hard' } });
const board = loadBoard(boardName);
const bytes = new Uint8Array(readFileSync(elf));
const modes = compare ? [true, false] : [true];
const mips = new Map<boolean, number[]>(modes.map((m) => [m, []]));
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
for (let r = 0; r < reps; r++) {
  for (const translateBlocks of modes) {
    const cpu0 = process.cpuUsage();
    const res = runElf({ board, elfBytes: bytes, elfPath: elf, maxInstructions: limit, translateBlocks, stdout: () => {}, stderr: () => {} });
    const m = res.instructions / (process.cpuUsage(cpu0).user / 1e6) / 1e6;
    mips.get(translateBlocks)!.push(m);
    process.stderr.write(`rep ${r + 1} ${translateBlocks ? 'blocks' : 'interpreter'}: ${res.instructions} instructions, ` +
      `${res.cycles} cycles, ${m.toFixed(1)} MIPS per CPU second, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
}
for (const m of modes) console.log(`${m ? 'blocks' : 'interpreter'}: median ${median(mips.get(m)!).toFixed(1)} MIPS per CPU second`);
