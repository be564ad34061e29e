// Preloaded into a benchmarked process (`node --import test/bench/rss-probe.mjs ...`): prints the
// process's peak resident set size and its CPU time (user + system, all threads: V8 compiles on a
// second one) on stderr when it exits, as lines the bench parses. CPU time stays meaningful when
// other jobs load the machine and stretch wall time. Plain
// JavaScript so it costs the measured process nothing to load.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nmcusim-bench peak-rss-kb ${u.maxRSS}\nmcusim-bench cpu-us ${u.userCPUTime + u.systemCPUTime}\n`);
});
