// Preloaded into a benchmarked process (`node --import test/bench/rss-probe.mjs ...`): prints the
// process's peak resident set size on stderr when it exits, as one line the bench parses. Plain
// JavaScript so it costs the measured process nothing to load.
process.on('exit', () => {
  process.stderr.write(`\nmcusim-bench peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
