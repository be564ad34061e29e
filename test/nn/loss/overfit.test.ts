/**
 * End-to-end consistency of matching, encoding, the loss gradient, decoding, NMS and evaluation:
 * minimising the loss over a free head output (no network) must reproduce the ground truth exactly,
 * as judged by the ground truth itself (mAP@0.5 = 1, F1 = 1, no false positive on the empty frame).
 */
import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/nn/data/types.js';
import { buildAnchors, postprocess, twoScaleAnchorSpec } from '../../../src/nn/detect/index.js';
import { ablationVariants, classLogitPriorBias, detectionLoss } from '../../../src/nn/loss/index.js';
import { evaluate } from '../../../src/nn/eval/index.js';
import { lcg } from './helpers.js';

const anchors = buildAnchors(twoScaleAnchorSpec(32, 24, { width: 8, height: 6 }, { width: 4, height: 3 }));
const gt: Box[][] = [
  [{ x: 3, y: 4, w: 4, h: 12, cls: 0 }, { x: 5.5, y: 5, w: 4, h: 12, cls: 0, overlapping: true }],
  [],
  [{ x: 20, y: 2, w: 9, h: 20, cls: 0 }, { x: 12, y: 10, w: 2.5, h: 8, cls: 0 }],
];

describe('fitting a free head output with the loss reproduces the ground truth', () => {
  for (const v of ablationVariants().filter((a) => ['all', 'geometric', 'baseline'].includes(a.name))) {
    it(`variant '${v.name}'`, () => {
      const r = lcg(3);
      const bias = classLogitPriorBias(0.01);
      const x = Float32Array.from({ length: gt.length * anchors.count * 5 }, (_, i) => (r() - 0.5) * 0.2 + (i % 5 === 4 ? bias : 0));
      const m = new Float64Array(x.length), s = new Float64Array(x.length);
      const first = detectionLoss(x, gt, anchors, v.config).total;
      let last = first;
      for (let t = 1; t <= 300; t++) {
        const res = detectionLoss(x, gt, anchors, v.config);
        last = res.total;
        for (let i = 0; i < x.length; i++) {
          m[i] = 0.9 * m[i] + 0.1 * res.grad[i];
          s[i] = 0.999 * s[i] + 0.001 * res.grad[i] ** 2;
          x[i] -= (0.05 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(s[i] / (1 - 0.999 ** t)) + 1e-8);
        }
      }
      expect(last).toBeLessThan(first / 10);
      const e = evaluate(postprocess(x, anchors, { scoreThreshold: 0.05 }), gt);
      expect(e.mAP50).toBe(1);
      expect(e.mAP50to95).toBeGreaterThan(0.9);
      expect(e.f1Iou.f1).toBe(1);
      expect(e.fpPerEmptyFrame).toBe(0);
    });
  }
});
