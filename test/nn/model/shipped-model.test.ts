// The shipped architecture config and weights belong together, and the config's anchors cover the
// boxes of both MLX90640 lenses (how they were fitted: test/nn/model/fit-anchors.run.ts).
import { describe, expect, it } from 'vitest';
import { generateFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';
import { anchorCoverage } from '../../../src/nn/detect/anchor-fit.js';
import { buildAnchors } from '../../../src/nn/detect/anchors.js';
import { DEFAULT_MATCH } from '../../../src/nn/detect/match.js';
import { loadDetectorConfig } from '../../../src/nn/model/config.js';
import { Detector, detectorAnchorSpec } from '../../../src/nn/model/detector.js';
import { readWeightsFile } from '../../../src/nn/model/serialize.js';

const CONFIG = 'models/detector-default.json';
const WEIGHTS = 'models/detector-default.weights.json';

describe('shipped model', () => {
  it('the weights file was trained on the shipped config (mcusim build and eval read the config from it)', () => {
    const config = loadDetectorConfig(CONFIG);
    const file = readWeightsFile(WEIGHTS);
    const { description: _d, ...fromWeights } = file.config as typeof file.config & { description?: string };
    const { description: _c, ...fromConfig } = config as typeof config & { description?: string };
    expect(fromWeights).toEqual(fromConfig);
    const model = new Detector(config);
    const stored = Object.values(file.tensors).reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(stored).toBe(model.parameterCount());
  });

  // The shipped anchors (fitAnchorSizes(k = 6), 3 per location) on these 100 frames of seed 12:
  // 0.733 / 0.892 / 0.429 / 0.784. The k = 8 fit (4 per location) reaches 0.763 / 0.986 / 0.461 / 0.859
  // but trained no better with the shipped head width (reports/error-analysis.md), so it did not ship.
  // The bounds sit a little under the measurement: a refit or hand edit that loses coverage fails here.
  it.each([
    ['mlx90640', 'side', 0.71], ['mlx90640', 'overhead', 0.87], ['mlx90640-wide', 'side', 0.41], ['mlx90640-wide', 'overhead', 0.76],
  ] as const)('%s %s: boxes with an anchor at the positive IoU without forcing >= %s', (sensor, mount, bound) => {
    const anchors = buildAnchors(detectorAnchorSpec(loadDetectorConfig(CONFIG)));
    const generator = resolveGeneratorConfig({ sensor, scene: { mount } });
    const frames = Array.from({ length: 100 }, (_, i) => generateFrame(generator, 12, i).boxes);
    const coverage = anchorCoverage(anchors, frames, DEFAULT_MATCH);
    expect(coverage.boxes).toBeGreaterThan(150);
    expect(coverage.naturalMatchRate).toBeGreaterThanOrEqual(bound);
  });
});
