// Score calibration moves the validation best-F1 threshold to 0.5 by shifting the class logits:
// detections keep their boxes and order (so mAP cannot change), only the scores move, by exactly
// sigmoid(logit(s) + shift).
import { describe, expect, it } from 'vitest';
import { Detector } from '../../../src/nn/model/detector.js';
import { DEFAULT_INPUT_TRANSFORM } from '../../../src/nn/model/serialize.js';
import { buildAnchors } from '../../../src/nn/detect/anchors.js';
import { postprocess } from '../../../src/nn/detect/postprocess.js';
import { detectorAnchorSpec } from '../../../src/nn/model/detector.js';
import { bestF1Threshold } from '../../../src/nn/eval/operating-point.js';
import { calibrateScores } from '../../../src/nn/train/score-calibration.js';
import { predict } from '../../../src/nn/train/validate.js';
import { tinyConfig, tinyFrames } from '../engine/tiny-config.js';

describe('score calibration', () => {
  it('puts the best-F1 threshold at 0.5 without changing boxes or ranking', () => {
    const model = new Detector(tinyConfig('relu'), 7);
    const frames = tinyFrames(24, 5);
    const anchors = buildAnchors(detectorAnchorSpec(model.config));
    const detect = () => postprocess(predict(model, frames, DEFAULT_INPUT_TRANSFORM), anchors, { scoreThreshold: 1e-6 });
    const before = detect();
    const c = calibrateScores(model, frames, DEFAULT_INPUT_TRANSFORM);
    const after = detect();
    expect(c.logitShift).toBeCloseTo(-Math.log(c.operatingPoint.threshold / (1 - c.operatingPoint.threshold)), 12);
    expect(c.logitShift).not.toBe(0); // an untrained head is not calibrated by chance
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const logit = (p: number) => Math.log(p / (1 - p));
    before.forEach((dets, f) => {
      expect(after[f]!.map((d) => [d.x, d.y, d.w, d.h])).toEqual(dets.map((d) => [d.x, d.y, d.w, d.h]));
      dets.forEach((d, i) => expect(after[f]![i]!.score).toBeCloseTo(sig(logit(d.score) + c.logitShift), 5));
    });
    const best = bestF1Threshold(after.map((d) => d.filter((x) => x.score >= 0.05)), frames.map((f) => f.boxes), { kind: 'iou', threshold: 0.5 });
    expect(best.threshold).toBeCloseTo(0.5, 4);
    expect(best.f1).toBeCloseTo(c.operatingPoint.f1, 12);
  });
});
