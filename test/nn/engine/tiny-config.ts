// A detector config small enough for finite-difference checks and quick training tests.
import { validateDetectorConfig, type DetectorConfig } from '../../../src/nn/model/config.js';
import { Rng } from '../../../src/nn/layers/rng.js';
import type { Box, ThermalFrame } from '../../../src/nn/data/types.js';

export function tinyConfig(activation: DetectorConfig['activation'] = 'leaky'): DetectorConfig {
  return validateDetectorConfig({
    name: 'tiny',
    input: { width: 16, height: 8, channels: 1 },
    classes: ['person'],
    activation,
    backbone: { stage1: { width: 3 }, stage2: { width: 4 }, stage3: { width: 4 }, stage4: { width: 5 } },
    attention: { channelReduction: 2, spatialKernel: 3 },
    sppf: { poolKernel: 3 },
    fpn: { width: 3 },
    head: { width: 4 },
    anchors: { perLocation: 2, p2_out: [[2, 2], [3, 5]], p3_out: [[5, 5], [6, 8]] },
  }, 'tiny.json');
}

/** Frames for the tiny config: a 22 C background with noise and one or two warm 34 C boxes. */
export function tinyFrames(count: number, seed: number): ThermalFrame[] {
  const rng = new Rng(seed);
  const width = 16, height = 8;
  return Array.from({ length: count }, () => {
    const celsius = new Float32Array(width * height);
    for (let i = 0; i < celsius.length; i++) celsius[i] = 22 + 0.2 * rng.normal();
    const boxes: Box[] = [];
    const people = 1 + rng.int(2);
    for (let k = 0; k < people; k++) {
      const w = 2 + rng.int(3), h = 3 + rng.int(5);
      const x = rng.int(width - w), y = rng.int(height - h);
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) celsius[yy * width + xx] = 34 + 0.2 * rng.normal();
      boxes.push({ x, y, w, h, cls: 0 });
    }
    return { width, height, celsius, boxes };
  });
}
