// Acceptance of issue 13 for the host int8 reference: with the default calibration, the int8 model
// loses at most 0.01 mAP@0.5 against the float model on 200 held-out frames (the full comparison of
// calibration methods on 512 frames is test/bench/quant-accuracy.ts). It may gain: the retrained
// model (IoU-aware scores) scores +0.013 in int8 on these frames (+0.0099 on 512) from score ties
// and rounding, not from a better detector; 0.02 either way still says it is the same detector.
import { describe, expect, it } from 'vitest';
import { fromWeightsFile, readWeightsFile } from '../../../src/nn/model/serialize.js';
import { evaluateFloat, evaluateInt8, heldOutFrames, quantizeDetector } from '../../../src/nn/quant/index.js';

const WEIGHTS = 'models/detector-default.weights.json';

describe('int8 vs float accuracy', () => {
  it('loses at most 0.01 mAP@0.5 against the float model on 200 held-out frames', () => {
    const { model, inputTransform } = fromWeightsFile(readWeightsFile(WEIGHTS), WEIGHTS);
    model.setTraining(false);
    const graph = quantizeDetector(model, { inputTransform });
    const frames = heldOutFrames(200);
    const float = evaluateFloat(model, inputTransform, frames);
    const int8 = evaluateInt8(graph, frames);
    expect(float.mAP50).toBeGreaterThan(0.4); // a real detector, not two equally broken ones
    expect(int8.mAP50).toBeGreaterThanOrEqual(float.mAP50 - 0.01);
    expect(Math.abs(int8.mAP50 - float.mAP50)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(int8.f1Iou.f1 - float.f1Iou.f1)).toBeLessThanOrEqual(0.03);
  });
});
