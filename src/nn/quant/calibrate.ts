/**
 * Activation range calibration: the float graph runs over calibration frames and every tensor's
 * value distribution is summarised (min/max, then a histogram over [min, max]); a method turns the
 * summary into the clipping range [lo, hi] that the tensor's int8 scale/zero point will cover.
 *
 * Methods:
 * - `minmax`: the observed extremes;
 * - `percentile`: the 0.01 % tails clipped on each side that has them (a tensor that never goes
 *   below 0, such as a ReLU output, keeps lo = 0);
 * - `mse`: the range that minimises the expected squared quantisation error over the histogram
 *   (values outside are clipped; inside, rounding error is step^2 / 12), searched over ranges
 *   shrunk from [min, max] by a common factor.
 */
import type { Tensor } from '../tensor.js';
import { runFloatGraph, type FloatGraph } from './float-graph.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'mse'];

const HISTOGRAM_BINS = 2048;
const PERCENTILE_TAIL = 1e-4;
const MSE_STEPS = 200;

export interface TensorStats {
  min: number;
  max: number;
  count: number;
  /** Counts of HISTOGRAM_BINS equal bins over [min, max]. */
  histogram: Float64Array;
}

export interface Range {
  lo: number;
  hi: number;
}

/**
 * Two passes over the calibration batches (batches() is called once per pass and must yield the
 * same inputs): extremes, then histograms over them.
 */
export function collectStats(graph: FloatGraph, batches: () => Iterable<Tensor>): TensorStats[] {
  const stats: TensorStats[] = graph.tensors.map(() => ({
    min: Infinity, max: -Infinity, count: 0, histogram: new Float64Array(HISTOGRAM_BINS),
  }));
  for (const x of batches()) {
    runFloatGraph(graph, x).forEach((t, id) => {
      const s = stats[id]!;
      const d = t.data;
      for (let i = 0; i < d.length; i++) {
        const v = d[i]!;
        if (v < s.min) s.min = v;
        if (v > s.max) s.max = v;
      }
      s.count += d.length;
    });
  }
  for (const x of batches()) {
    runFloatGraph(graph, x).forEach((t, id) => {
      const s = stats[id]!;
      const width = (s.max - s.min) / HISTOGRAM_BINS;
      if (!(width > 0)) {
        s.histogram[0] += t.data.length;
        return;
      }
      const d = t.data;
      for (let i = 0; i < d.length; i++) s.histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor((d[i]! - s.min) / width))]++;
    });
  }
  return stats;
}

function binCentre(s: TensorStats, bin: number): number {
  return s.min + ((bin + 0.5) * (s.max - s.min)) / HISTOGRAM_BINS;
}

function percentileRange(s: TensorStats): Range {
  const tail = s.count * PERCENTILE_TAIL;
  const edge = (bin: number): number => s.min + (bin * (s.max - s.min)) / HISTOGRAM_BINS;
  let below = 0, loBin = 0;
  while (loBin < HISTOGRAM_BINS - 1 && below + s.histogram[loBin]! <= tail) below += s.histogram[loBin++]!;
  let above = 0, hiBin = HISTOGRAM_BINS - 1;
  while (hiBin > loBin && above + s.histogram[hiBin]! <= tail) above += s.histogram[hiBin--]!;
  return { lo: s.min >= 0 ? s.min : edge(loBin), hi: s.max <= 0 ? s.max : edge(hiBin + 1) };
}

/** Expected squared error of quantising the histogram onto 256 levels over [lo, hi] (lo <= 0 <= hi). */
function quantisationError(s: TensorStats, lo: number, hi: number): number {
  const step = (hi - lo) / 255;
  let err = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    const n = s.histogram[b]!;
    if (n === 0) continue;
    const v = binCentre(s, b);
    if (v < lo) err += n * (lo - v) ** 2;
    else if (v > hi) err += n * (v - hi) ** 2;
    else err += (n * step * step) / 12;
  }
  return err;
}

function mseRange(s: TensorStats): Range {
  const lo0 = Math.min(s.min, 0), hi0 = Math.max(s.max, 0);
  let best: Range = { lo: lo0, hi: hi0 };
  let bestErr = quantisationError(s, lo0, hi0);
  for (let k = 1; k < MSE_STEPS; k++) {
    const f = 1 - k / MSE_STEPS;
    const err = quantisationError(s, lo0 * f, hi0 * f);
    if (err < bestErr) {
      bestErr = err;
      best = { lo: lo0 * f, hi: hi0 * f };
    }
  }
  return best;
}

/** The range a method chooses for one tensor, always containing 0 (so 0 is exactly representable). */
export function chooseRange(s: TensorStats, method: CalibrationMethod): Range {
  if (s.count === 0) throw new Error('calibration saw no values for a tensor');
  const r = method === 'minmax' ? { lo: s.min, hi: s.max } : method === 'percentile' ? percentileRange(s) : mseRange(s);
  return { lo: Math.min(r.lo, 0), hi: Math.max(r.hi, 0) };
}
