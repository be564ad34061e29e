/**
 * The numbers behind reports/error-analysis.md: the shipped model on held-out synthetic frames
 * (seed 4242, never trained on) for both lenses and both mounts, with `mcusim eval`'s report plus
 * the data-side ceilings the report argues from:
 *  - IoU-fragile boxes: a box whose IoU with itself shifted by half a pixel in x and y is below 0.5,
 *    i.e. a detector with the sensor's own localisation precision cannot match it reliably at IoU 0.5;
 *  - anchor coverage: share of boxes with an anchor of IoU >= 0.4 (the training's positive match
 *    threshold), overall and per size bucket: boxes no anchor covers are only learnt by forcing;
 *  - recall by thermal contrast: the warmest pixel inside the box minus the frame's median, in K;
 *    `difficult` is geometric, this shows what a contrast rule would add.
 *
 *   npx tsx test/nn/eval/error-analysis.run.ts [--count 400] [--out reports/error-analysis.json]
 */
import { writeFileAtomic } from '../../../src/common/write-atomic.js';
import { generateFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';
import type { Box } from '../../../src/nn/data/types.js';
import { buildAnchors } from '../../../src/nn/detect/anchors.js';
import { anchorCoverage } from '../../../src/nn/detect/anchor-fit.js';
import { DEFAULT_MATCH } from '../../../src/nn/detect/match.js';
import { iouXywh } from '../../../src/nn/detect/iou.js';
import { SIZE_BUCKETS } from '../../../src/nn/eval/breakdown.js';
import { evaluateDetections, loadEvalModel } from '../../../src/nn/eval/model-eval.js';
import { evaluate } from '../../../src/nn/eval/evaluate.js';
import type { ThermalFrame } from '../../../src/nn/data/types.js';
import { detectorAnchorSpec } from '../../../src/nn/model/detector.js';
import { loadDetectorConfig } from '../../../src/nn/model/config.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const count = Number(arg('count', '400'));
const out = arg('out', 'reports/error-analysis.json');
const SEED = 4242;
const weights = 'models/detector-default.weights.json';

const halfPixelIou = (b: Box) => iouXywh(b.x, b.y, b.w, b.h, b.x + 0.5, b.y + 0.5, b.w, b.h);

const CONTRAST_BUCKETS_K = [[0, 1], [1, 2], [2, 4], [4, Infinity]] as const;

/** Warmest pixel whose centre lies in the box, minus the frame median (K). */
function contrastK(f: ThermalFrame, b: Box): number {
  const sorted = Float32Array.from(f.celsius).sort();
  const median = sorted[Math.floor(sorted.length / 2)];
  let hi = -Infinity;
  for (let y = Math.floor(b.y); y < Math.ceil(b.y + b.h); y++) {
    for (let x = Math.floor(b.x); x < Math.ceil(b.x + b.w); x++) if (x + 0.5 >= b.x && x + 0.5 <= b.x + b.w && y + 0.5 >= b.y && y + 0.5 <= b.y + b.h) hi = Math.max(hi, f.celsius[y * f.width + x]);
  }
  return (Number.isFinite(hi) ? hi : f.celsius[Math.min(f.height - 1, Math.floor(b.y)) * f.width + Math.min(f.width - 1, Math.floor(b.x))]) - median;
}

const model = loadEvalModel(weights);
const anchors = buildAnchors(detectorAnchorSpec(loadDetectorConfig('models/detector-default.json')));
const results: Record<string, unknown> = {};
for (const sensor of ['mlx90640', 'mlx90640-wide']) {
  for (const mount of ['side', 'overhead'] as const) {
    const t0 = performance.now();
    const config = resolveGeneratorConfig({ sensor, scene: { mount } });
    const frames = Array.from({ length: count }, (_, i) => generateFrame(config, SEED, i));
    const detections = model.detect(frames);
    const report = evaluateDetections(frames, detections, ['size', 'visibility', 'count', 'tag']);
    const contrast = new Map<Box, number>();
    for (const f of frames) for (const b of f.boxes) contrast.set(b, contrastK(f, b));
    const recallByContrast = CONTRAST_BUCKETS_K.map(([lo, hi]) => {
      const m = evaluate(detections, frames.map((f) => f.boxes), [], {}, { ignoreBox: (b) => !(contrast.get(b)! >= lo && contrast.get(b)! < hi) });
      return { contrastK: `${lo}-${hi}`, boxes: m.groundTruthBoxes, recallIou: m.f1Iou.recall, recallCentre: m.f1Centre.recall };
    });
    const boxes = frames.flatMap((f) => f.boxes);
    const counted = boxes.filter((b) => !b.difficult);
    const coverageBySize = SIZE_BUCKETS.map((bucket) => {
      const inside = frames.map((f) => f.boxes.filter((b) => b.w * b.h >= bucket.lo && b.w * b.h < bucket.hi));
      const n = inside.reduce((s, l) => s + l.length, 0);
      return { bucket: bucket.label, boxes: n, naturalMatchRate: n ? anchorCoverage(anchors, inside, DEFAULT_MATCH).naturalMatchRate : null };
    });
    const key = `${sensor}/${mount}`;
    results[key] = {
      sensor, mount, seed: SEED,
      iouFragileShare: { all: boxes.filter((b) => halfPixelIou(b) < 0.5).length / boxes.length, counted: counted.filter((b) => halfPixelIou(b) < 0.5).length / counted.length },
      anchorCoverage: anchorCoverage(anchors, frames.map((f) => f.boxes), DEFAULT_MATCH),
      anchorCoverageBySize: coverageBySize,
      recallByContrast,
      medianBox: (() => { const a = boxes.map((b) => b.w * b.h).sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; })(),
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
      ...report,
      worstFrames: report.worstFrames.slice(0, 10),
    };
    process.stderr.write(`${key}: ${report.all.groundTruthBoxes} boxes, mAP@0.5 ${report.counted.mAP50.toFixed(3)} / ${report.all.mAP50.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}
writeFileAtomic(out, `${JSON.stringify({ model: weights, results }, null, 1)}\n`);
