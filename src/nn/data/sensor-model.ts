/**
 * Turns ideal pixel temperatures into sensor readings, src/nn/data/THERMAL.md §4 steps 3-7:
 * optical PSF (Gaussian blur), fixed-pattern offsets (per pixel, plus column/row stripes on some
 * units), a per-frame global offset (absolute accuracy / drift, step 8), temporal noise with sigma
 * from NETD and refresh rate (§1.2) growing towards the corners, dead/outlier pixels, clamping to
 * the object range, quantisation.
 *
 * A "sensor unit" is one physical device: its PSF, fixed pattern, stripes and dead pixels are
 * drawn once from (seed, unit index) and shared by all frames taken with it, as on real hardware.
 */
import { Rng } from './rng.js';
import { temporalNoiseK, type SensorConfig } from './sensors.js';

export interface SensorUnit {
  psfSigmaPx: number;
  /** Normalised 1-D Gaussian taps, centre at index `psfRadius`. */
  psfTaps: Float64Array;
  psfRadius: number;
  /** Fixed offset per pixel (kelvin), stripes included. */
  offsetK: Float32Array;
  /** Temporal noise RMS per pixel (kelvin) at the configured refresh rate. */
  noiseK: Float32Array;
  striped: boolean;
  /** Dead pixels: index, and a stuck reading (°C) or NaN for a noisy outlier with `deadOffsetK`. */
  deadIndex: Int32Array;
  deadStuckC: Float32Array;
  deadOffsetK: Float32Array;
}

/** Stream ids keep the unit's randomness apart from scene and noise draws of the same seed. */
export const STREAM_UNIT = 0x756e6974;

export function makeSensorUnit(sensor: SensorConfig, seed: number, unitIndex: number): SensorUnit {
  const rng = Rng.forKey(seed, unitIndex, STREAM_UNIT);
  const { width: W, height: H } = sensor;
  const psfSigmaPx = rng.uniform(...sensor.psfSigmaPx);
  const psfRadius = psfSigmaPx > 0 ? Math.ceil(3 * psfSigmaPx) : 0;
  const psfTaps = new Float64Array(2 * psfRadius + 1);
  let sum = 0;
  for (let k = -psfRadius; k <= psfRadius; k++) {
    const w = psfSigmaPx > 0 ? Math.exp((-0.5 * k * k) / (psfSigmaPx * psfSigmaPx)) : 1;
    psfTaps[k + psfRadius] = w;
    sum += w;
  }
  for (let k = 0; k < psfTaps.length; k++) psfTaps[k] /= sum;

  const fpSigma = rng.uniform(...sensor.fixedPatternSigmaK);
  const offsetK = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) offsetK[p] = fpSigma * rng.normal();
  const striped = sensor.stripeMaxK > 0 && rng.chance(sensor.stripeUnitShare);
  if (striped) {
    // Vertical stripes: alternating column pairs ~1-2 K apart on some BAA units (melexis #56),
    // plus a weaker random per-row component (supply-related patterns, #114/#119).
    const amp = rng.uniform(0.3, 1) * sensor.stripeMaxK;
    const period = rng.pick([2, 4]);
    const colOffset = new Float64Array(W);
    for (let x = 0; x < W; x++) colOffset[x] = (x % period < period / 2 ? amp : -amp) / 2 + 0.2 * amp * rng.normal();
    const rowOffset = new Float64Array(H);
    for (let y = 0; y < H; y++) rowOffset[y] = 0.15 * amp * rng.normal();
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) offsetK[y * W + x] += colOffset[x] + rowOffset[y];
  }

  const sigma = temporalNoiseK(sensor);
  const noiseK = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // r2 = 0 at the centre, 1 at the corners; noise gain grows with r2 (§4 step 4) [assumption].
      const dx = (x + 0.5 - W / 2) / (W / 2);
      const dy = (y + 0.5 - H / 2) / (H / 2);
      const r2 = (dx * dx + dy * dy) / 2;
      noiseK[y * W + x] = sigma * (1 + (sensor.cornerNoiseGain - 1) * r2);
    }
  }

  const nDead = rng.int(0, sensor.maxDeadPixels);
  const deadIndex = new Int32Array(nDead);
  const deadStuckC = new Float32Array(nDead);
  const deadOffsetK = new Float32Array(nDead);
  for (let k = 0; k < nDead; k++) {
    let p: number;
    do p = rng.int(0, W * H - 1); while (deadIndex.subarray(0, k).includes(p));
    deadIndex[k] = p;
    if (rng.chance(0.5)) {
      deadStuckC[k] = rng.uniform(Math.max(sensor.minC, -20), Math.min(sensor.maxC, 60));
      deadOffsetK[k] = 0;
    } else {
      deadStuckC[k] = Number.NaN;
      deadOffsetK[k] = (rng.chance(0.5) ? 1 : -1) * rng.uniform(3, 10);
    }
  }
  return { psfSigmaPx, psfTaps, psfRadius, offsetK, noiseK, striped, deadIndex, deadStuckC, deadOffsetK };
}

/** Blur scratch, reused per resolution. */
const scratch = new Map<number, Float64Array>();

/** Applies the sensor model to `ideal` (W*H °C) with per-frame randomness from `rng`; returns a new array. */
export function applySensorModel(ideal: Float32Array, sensor: SensorConfig, unit: SensorUnit, rng: Rng): Float32Array {
  const { width: W, height: H } = sensor;
  const n = W * H;
  let tmp = scratch.get(n);
  if (!tmp) {
    tmp = new Float64Array(n);
    scratch.set(n, tmp);
  }
  const out = new Float32Array(n);
  blur(ideal, tmp, out, W, H, unit);
  const frameOffset = sensor.frameOffsetSigmaK * rng.normal();
  for (let p = 0; p < n; p++) out[p] += unit.offsetK[p] + frameOffset + unit.noiseK[p] * rng.normal();
  for (let k = 0; k < unit.deadIndex.length; k++) {
    const p = unit.deadIndex[k];
    const stuck = unit.deadStuckC[k];
    out[p] = Number.isNaN(stuck) ? out[p] + unit.deadOffsetK[k] + 2 * unit.noiseK[p] * rng.normal() : stuck;
  }
  const q = sensor.quantisationK;
  for (let p = 0; p < n; p++) {
    let v = out[p];
    v = v < sensor.minC ? sensor.minC : v > sensor.maxC ? sensor.maxC : v;
    out[p] = q > 0 ? Math.round(v / q) * q : v;
  }
  return out;
}

/** Separable Gaussian with edge taps renormalised (no energy leaks in or out at the borders). */
function blur(src: Float32Array, tmp: Float64Array, dst: Float32Array, W: number, H: number, unit: SensorUnit): void {
  const R = unit.psfRadius;
  const taps = unit.psfTaps;
  if (R === 0) {
    dst.set(src);
    return;
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      let wsum = 0;
      for (let k = -R; k <= R; k++) {
        const xx = x + k;
        if (xx < 0 || xx >= W) continue;
        acc += taps[k + R] * src[y * W + xx];
        wsum += taps[k + R];
      }
      tmp[y * W + x] = acc / wsum;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      let wsum = 0;
      for (let k = -R; k <= R; k++) {
        const yy = y + k;
        if (yy < 0 || yy >= H) continue;
        acc += taps[k + R] * tmp[yy * W + x];
        wsum += taps[k + R];
      }
      dst[y * W + x] = acc / wsum;
    }
  }
}
