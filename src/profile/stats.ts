/** Summary statistics of per-frame cycle counts: mean, median, 95th percentile (nearest rank), min, max. */
export interface CycleStats {
  meanCycles: number;
  medianCycles: number;
  p95Cycles: number;
  minCycles: number;
  maxCycles: number;
}

export function cycleStats(values: readonly number[]): CycleStats {
  if (values.length === 0) return { meanCycles: 0, medianCycles: 0, p95Cycles: 0, minCycles: 0, maxCycles: 0 };
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const median = n % 2 === 1 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  // Nearest-rank percentile: the smallest value with at least 95% of the values at or below it.
  const p95 = v[Math.max(0, Math.ceil(0.95 * n) - 1)]!;
  return { meanCycles: v.reduce((s, x) => s + x, 0) / n, medianCycles: median, p95Cycles: p95, minCycles: v[0]!, maxCycles: v[n - 1]! };
}
