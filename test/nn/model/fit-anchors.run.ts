/**
 * Anchor shapes fitted as those of models/detector-default.json were (session 4, on that session's
 * generator): `fitAnchorSizes(k)` (src/nn/detect/anchor-fit.ts) on the boxes of --frames frames per
 * MLX90640 lens (both lenses, the generator's mixed mounts, seed 11), the k/2 smallest shapes on p2_out
 * (stride 4), the rest on p3_out (stride 8). Prints the fitted
 * `anchors` block and, per lens/mount case on 300 frames of seed 12 (neither a training nor a
 * validation seed), the share of boxes some anchor reaches at the positive IoU (0.4) without forcing
 * and the mean best IoU, for the config's anchors and the fitted ones.
 *
 *   npx tsx test/nn/model/fit-anchors.run.ts [--config models/detector-default.json] [--k 8] [--frames 600]
 */
import { generateFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';
import { anchorCoverage, fitAnchorSizes } from '../../../src/nn/detect/anchor-fit.js';
import { buildAnchors } from '../../../src/nn/detect/anchors.js';
import { DEFAULT_MATCH } from '../../../src/nn/detect/match.js';
import { loadDetectorConfig, type DetectorConfig } from '../../../src/nn/model/config.js';
import { detectorAnchorSpec } from '../../../src/nn/model/detector.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1]! : dflt; };
const config = loadDetectorConfig(arg('config', 'models/detector-default.json'));
const k = Number(arg('k', '8'));
const framesPerLens = Number(arg('frames', '600'));
if (!Number.isInteger(k) || k < 2 || k % 2 !== 0) throw new Error(`--k must be an even integer >= 2 (half the shapes per output scale), got ${k}`);

const shapes: Array<[number, number]> = [];
for (const sensor of ['mlx90640', 'mlx90640-wide']) {
  const generator = resolveGeneratorConfig({ sensor });
  for (let i = 0; i < framesPerLens; i++) for (const b of generateFrame(generator, 11, i).boxes) shapes.push([b.w, b.h]);
}
const sizes = fitAnchorSizes(shapes, k);
const fitted: DetectorConfig = { ...config, anchors: { perLocation: k / 2, p2_out: sizes.slice(0, k / 2), p3_out: sizes.slice(k / 2) } };
console.log(`fitted on ${shapes.length} boxes: ${JSON.stringify(fitted.anchors)}`);

const CASES = [['mlx90640', 'side'], ['mlx90640', 'overhead'], ['mlx90640-wide', 'side'], ['mlx90640-wide', 'overhead']] as const;
for (const [sensor, mount] of CASES) {
  const generator = resolveGeneratorConfig({ sensor, scene: { mount } });
  const frames = Array.from({ length: 300 }, (_, i) => generateFrame(generator, 12, i).boxes);
  const [before, after] = [config, fitted].map((c) => anchorCoverage(buildAnchors(detectorAnchorSpec(c)), frames, DEFAULT_MATCH));
  const f = (v: number) => v.toFixed(3);
  console.log(`${sensor}/${mount}: boxes with an anchor at IoU >= ${DEFAULT_MATCH.positiveIou}: ${f(before!.naturalMatchRate)} -> ${f(after!.naturalMatchRate)}; `
    + `mean best IoU ${f(before!.meanBestIou)} -> ${f(after!.meanBestIou)}`);
}
