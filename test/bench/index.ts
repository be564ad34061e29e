/**
 * `npm run bench`: every benchmark, one after the other, each printing its figures and ratios.
 * Speed is measured here, never in unit tests (DEVELOPERS.md).
 */
import { spawnSync } from 'node:child_process';

const benches = ['test/bench/sim-speed.ts', 'test/bench/profile-overhead.ts', 'test/bench/detector-frames.ts', 'test/bench/train-throughput.ts'];
let failed = 0;
for (const b of benches) {
  console.log(`\n== ${b}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', b, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
