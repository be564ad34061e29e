// Acceptance of issue 13 for the host int8 reference: with the default calibration, mAP@0.5 of
// the int8 model on 200 held-out frames is within 0.01 of the float model's (the full comparison of
// calibration methods on 512 frames is test/bench/quant-accuracy.ts).
import { describe, expect, it } from 'vitest';
import { fromWeightsFile, readWeightsFile } from '../../../src/nn/model/serialize.js';
import { evaluateFloat, evaluateInt8, heldOutFrames, quantizeDetector } from '../../../src/nn/quant/index.js';

const WEIGHTS = 'models/detector-default.weights.json';

describe('int8 vs float accuracy', () => {
  it('keeps mAP@0.5 within 0.01 of the float model on 200 held-out frames', () => {
    const { model, inputTransform } = fromWeightsFile(readWeightsFile(WEIGHTS), WEIGHTS);
    model.setTraining(false);
    const graph = quantizeDetector(model, { inputTransform });
    const frames = heldOutFrames(200);
    const float = evaluateFloat(model, inputTransform, frames);
    const int8 = evaluateInt8(graph, frames);
    expect(float.mAP50).toBeGreaterThan(0.4); // a real detector, not two equally broken ones
    expect(Math.abs(int8.mAP50 - float.mAP50)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(int8.f1Iou.f1 - float.f1Iou.f1)).toBeLessThanOrEqual(0.03);
  });
});
