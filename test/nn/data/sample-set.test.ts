/**
 * The shipped sample set (models/datasets/sample) and firmware frame file (firmware/frames/sample.bin)
 * must be exactly what the current generator produces for their recorded seed and config: if this
 * fails after a generator change, regenerate them with the commands in firmware/frames/README.md.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/nn/data/dataset-load.js';
import { readFrameFile } from '../../../src/nn/data/frame-file.js';
import { generateFrame, validateGeneratorConfig, type GeneratorConfig } from '../../../src/nn/data/generate.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sampleDir = `${root}models/datasets/sample`;

describe('shipped sample set', () => {
  const data = loadDataset(sampleDir);

  it('holds 64 MLX90640 frames, 48/8/8, generated with seed 12', () => {
    expect(data.frames).toHaveLength(64);
    expect(data.info.sensor).toBe('mlx90640');
    expect(data.info.seed).toBe(12);
    expect(data.info.splits).toEqual({ train: 48, val: 8, test: 8 });
  });

  it('is reproduced bit for bit by generateFrame from the recorded config and seed', () => {
    const config = data.info.generator as GeneratorConfig;
    validateGeneratorConfig(config);
    data.frames.forEach((frame, i) => {
      const again = generateFrame(config, data.info.seed as number, data.imageIds[i]);
      expect(Buffer.from(again.celsius.buffer).equals(Buffer.from(frame.celsius.buffer))).toBe(true);
      expect(again.boxes).toEqual(frame.boxes);
    });
  });
});

describe('firmware/frames/sample.bin', () => {
  const bin = readFrameFile(`${root}firmware/frames/sample.bin`);
  const test = loadDataset(sampleDir, { split: 'test' });

  it('is the test split of the sample set in int16 centi-degrees', () => {
    expect([bin.width, bin.height, bin.frames.length]).toEqual([32, 24, 8]);
    bin.frames.forEach((f, k) => {
      const mismatch = f.findIndex((v, p) => Math.round(v * 100) !== Math.round(test.frames[k].celsius[p] * 100));
      expect(mismatch).toBe(-1);
    });
  });

  it('covers people, overlapping people and an empty scene with distractors', () => {
    const frames = test.frames;
    expect(frames.some((f) => f.boxes.length === 1)).toBe(true);
    expect(frames.some((f) => f.boxes.filter((b) => b.overlapping).length >= 2)).toBe(true);
    expect(frames.some((f) => f.boxes.length === 0 && f.tags?.includes('distractor'))).toBe(true);
    expect(new Set(frames.map((f) => f.tags?.[0]))).toEqual(new Set(['side', 'overhead']));
  });
});
