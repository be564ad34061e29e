/**
 * Sensor model against src/nn/data/THERMAL.md §1.2/§4: temporal noise sigma(f) = 0.1 K * sqrt(f / 1 Hz) for
 * the MLX90640 (0.2 K at 4 Hz, 0.4 K at 16 Hz), Lepton < 50 mK independent of rate, noisier corners
 * (x1.5-3), fixed-pattern offsets that stay put between frames, 0.01 K output steps.
 */
import { describe, expect, it } from 'vitest';
import { renderFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';
import { resolveSensorConfig, temporalNoiseK, type SensorConfig, type SensorName } from '../../../src/nn/data/sensors.js';
import { configWith, sideScene } from './fixtures.js';

/** Flat scene, every artefact off except temporal noise (and what `over` switches back on). */
function noisySensor(name: SensorName, over: Partial<SensorConfig> = {}): SensorConfig {
  return resolveSensorConfig(name, {
    fixedPatternSigmaK: [0, 0], stripeUnitShare: 0, maxDeadPixels: 0, frameOffsetSigmaK: 0, cornerNoiseGain: 1,
    psfSigmaPx: [0, 0], ...over,
  });
}

/** Per-pixel temporal standard deviation over `n` frames of the flat 25 °C scene. */
function temporalStd(sensor: SensorConfig, n: number): { std: Float64Array; mean: Float64Array; frames: Float32Array[] } {
  const config = configWith(sensor, 1);
  const scene = sideScene([], 1.2, 25);
  const size = sensor.width * sensor.height;
  const sum = new Float64Array(size);
  const sum2 = new Float64Array(size);
  const frames: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const f = renderFrame(config, scene, 5, i).celsius;
    if (i < 2) frames.push(f);
    for (let p = 0; p < size; p++) {
      sum[p] += f[p];
      sum2[p] += f[p] * f[p];
    }
  }
  const mean = sum.map((s) => s / n);
  const std = sum2.map((s2, p) => Math.sqrt(s2 / n - mean[p] * mean[p]));
  return { std, mean, frames };
}

/** RMS of the per-pixel std over the central 8x8 pixels. */
function centralStd(std: Float64Array, w: number, h: number): number {
  let acc = 0;
  let n = 0;
  for (let y = h / 2 - 4; y < h / 2 + 4; y++) {
    for (let x = w / 2 - 4; x < w / 2 + 4; x++) {
      acc += std[y * w + x] ** 2;
      n++;
    }
  }
  return Math.sqrt(acc / n);
}

describe('temporal noise follows NETD and refresh rate', () => {
  for (const [hz, expected] of [[1, 0.1], [4, 0.2], [16, 0.4]]) {
    it(`MLX90640 at ${hz} Hz: sigma = ${expected} K (0.1 K * sqrt(f / 1 Hz))`, () => {
      const sensor = noisySensor('mlx90640', { refreshHz: hz });
      expect(temporalNoiseK(sensor)).toBeCloseTo(expected, 10);
      const { std } = temporalStd(sensor, 800);
      // 64 pixels x 800 frames: the estimate's relative standard error is ~0.9 %.
      expect(centralStd(std, 32, 24) / expected).toBeGreaterThan(0.96);
      expect(centralStd(std, 32, 24) / expected).toBeLessThan(1.04);
    });
  }

  it('Lepton: < 50 mK whatever the refresh rate (internal integration, no sqrt(f) growth)', () => {
    const sensor = noisySensor('lepton', { refreshHz: 27 });
    const { std } = temporalStd(sensor, 300);
    const s = centralStd(std, 80, 60);
    expect(s).toBeGreaterThan(0.045);
    expect(s).toBeLessThanOrEqual(0.052);
  });

  it('corner pixels of the 110° part are noisier than the centre, within the x1.5-3 assumption', () => {
    const sensor = noisySensor('mlx90640-wide', { refreshHz: 4, cornerNoiseGain: resolveSensorConfig('mlx90640-wide').cornerNoiseGain });
    const { std } = temporalStd(sensor, 800);
    const corners = [0, 31, 23 * 32, 23 * 32 + 31].map((p) => std[p]);
    const ratio = Math.sqrt(corners.reduce((a, s) => a + s * s, 0) / 4) / centralStd(std, 32, 24);
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(3);
  });
});

describe('fixed-pattern noise and quantisation', () => {
  it('per-pixel offsets are fixed for a unit: they survive averaging and cancel between frames', () => {
    const sensor = noisySensor('mlx90640', { refreshHz: 1, fixedPatternSigmaK: [0.25, 0.25] });
    const { mean, frames } = temporalStd(sensor, 400);
    // Spatial spread of the temporal mean ~ the fixed-pattern sigma (temporal part averaged out:
    // 0.1 / sqrt(400) = 0.005 K).
    const m = mean.reduce((a, v) => a + v, 0) / mean.length;
    const spatial = Math.sqrt(mean.reduce((a, v) => a + (v - m) ** 2, 0) / mean.length);
    expect(spatial).toBeGreaterThan(0.2);
    expect(spatial).toBeLessThan(0.3);
    // Difference of two frames of the same unit: only temporal noise is left, std = sqrt(2) * 0.1 K.
    const d = frames[0].map((v, p) => v - frames[1][p]);
    const dm = d.reduce((a, v) => a + v, 0) / d.length;
    const dstd = Math.sqrt(d.reduce((a, v) => a + (v - dm) ** 2, 0) / d.length);
    expect(dstd).toBeGreaterThan(0.1 * Math.SQRT2 * 0.85);
    expect(dstd).toBeLessThan(0.1 * Math.SQRT2 * 1.15);
  });

  it('readings are quantised to 0.01 K and clamped to the object range; dead pixels stay finite', () => {
    const config = resolveGeneratorConfig({ sensorOverrides: { maxDeadPixels: 4 } });
    const bad: string[] = [];
    for (let i = 0; i < 50; i++) {
      const f = renderFrame(config, sideScene([], 1.2, 25), 11, i).celsius;
      f.forEach((v, p) => {
        const onStep = Math.abs(v * 100 - Math.round(v * 100)) < 2e-3;
        if (!Number.isFinite(v) || !onStep || v < -40 || v > 300) bad.push(`frame ${i} pixel ${p}: ${v}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('rejects out-of-range sensor settings with a message naming the field', () => {
    expect(() => resolveSensorConfig('mlx90640', { refreshHz: 100 })).toThrow('sensor.refreshHz: must be a number in [0.5, 64], got 100');
    expect(() => resolveSensorConfig('amg8833')).toThrow("sensor: unknown sensor 'amg8833' (choose mlx90640, mlx90640-wide, lepton)");
    expect(() => resolveSensorConfig('mlx90640', { psfSigmaPx: [0.7, 0.3] })).toThrow('sensor.psfSigmaPx[1]: must be a number in [0.7, 5], got 0.3');
  });
});
