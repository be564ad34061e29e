// Runs many seeds of the randomized differential test outside vitest, for the bench and for
// hunting bugs: `npx tsx test/oracle/randprog-run.ts --seeds 200 --first 1000 --instructions 5000`.
// Prints one line per failing seed (with the first differing register and the block that ran) and a
// summary; exits 1 when any seed disagrees. --keep-going is implied; --jobs sets parallel seeds.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { mcusimDriver, qemuDriver } from '../support/driver.js';
import { buildRandomProgram } from '../support/randprog.js';
import { firstDifference, parseDumps } from './dumps.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' },
    first: { type: 'string', default: '1' },
    instructions: { type: 'string', default: '3000' },
    jobs: { type: 'string', default: String(Math.max(1, Math.floor(cpus().length / 2))) },
  },
});
const count = Number(values.seeds);
const first = Number(values.first);
const instructions = Number(values.instructions);
const jobs = Number(values.jobs);
if (![count, first, instructions, jobs].every(Number.isInteger) || count < 1 || jobs < 1 || instructions < 1) {
  console.error('randprog-run: --seeds, --first, --instructions and --jobs take positive integers');
  process.exit(2);
}

let next = first;
let failed = 0;
let simMs = 0;
const started = Date.now();
async function worker(): Promise<void> {
  while (next < first + count) {
    const seed = next++;
    const { elf, program } = await buildRandomProgram(seed, { instructions });
    const oracle = await qemuDriver.run(elf, { timeoutMs: 60_000 });
    const t0 = Date.now();
    const sim = await mcusimDriver.run(elf, { timeoutMs: 600_000 });
    simMs += Date.now() - t0;
    const difference = firstDifference(parseDumps(oracle.stdout.toString()), parseDumps(sim.stdout.toString()), program);
    const exitMismatch = sim.exitCode !== oracle.exitCode ? `exit ${sim.exitCode} vs QEMU ${oracle.exitCode}` : null;
    if (difference || exitMismatch) {
      failed++;
      console.log(`seed ${seed}: ${difference ?? exitMismatch}`);
      const err = sim.stderr?.toString().trim();
      if (err) console.log(`  mcusim stderr: ${err.split('\n').slice(0, 5).join('\n  ')}`);
    }
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
const seconds = (Date.now() - started) / 1000;
console.log(`${count - failed}/${count} seeds agree (${instructions} instructions each, seeds ${first}..${first + count - 1}); ` +
  `${seconds.toFixed(1)} s wall, ${(simMs / 1000).toFixed(1)} s in mcusim`);
process.exitCode = failed ? 1 : 0;
