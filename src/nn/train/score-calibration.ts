/**
 * Score calibration after training: the deployed operating threshold is 0.5 (src/nn/eval, the
 * firmware's detections), but a detector trained with focal loss and IoU-aware confidence targets
 * (src/nn/loss/iou-target.ts) scores a well-placed person around its IoU, often under 0.5. We find
 * the threshold t* that maximises F1 on validation frames (never the held-out evaluation seed) and
 * add -logit(t*) to the head's class-logit biases, so that score 0.5 now means what t* meant.
 * Adding a constant to a logit is monotone: ranking, NMS and mAP are unchanged, only the operating
 * point moves; the int8 quantiser and the firmware take the shifted bias like any other.
 */
import type { ThermalFrame } from '../data/types.js';
import { buildAnchors } from '../detect/anchors.js';
import { postprocess } from '../detect/postprocess.js';
import { bestF1Threshold, type OperatingPoint } from '../eval/operating-point.js';
import { detectorAnchorSpec, type Detector } from '../model/detector.js';
import type { InputTransform } from '../model/serialize.js';
import { predict } from './validate.js';

/** The operating point is searched in [MIN, MAX]: beyond it the validation set is too thin to trust. */
const MIN_THRESHOLD = 0.05, MAX_THRESHOLD = 0.95;

export interface ScoreCalibration {
  frames: number;
  /** Best-F1 threshold before the shift (IoU >= 0.5 matching) and the logit added to every class bias. */
  operatingPoint: OperatingPoint;
  logitShift: number;
}

const logit = (p: number): number => Math.log(p / (1 - p));

/** Adds `shift` to the class-logit bias of every anchor of both heads. */
export function shiftClassLogits(model: Detector, shift: number): void {
  const perAnchor = model.geometry.valuesPerAnchor;
  for (const head of [model.headP2, model.headP3]) {
    const bias = head.predict.pointwise.conv.bias;
    if (!bias) throw new Error('score calibration: the head has no bias to shift');
    for (let ch = 0; ch < bias.size; ch++) if (ch % perAnchor >= 4) bias.data[ch] += shift;
  }
}

/** Finds the validation best-F1 threshold and shifts the class logits so it becomes 0.5. */
export function calibrateScores(model: Detector, frames: ThermalFrame[], transform: InputTransform): ScoreCalibration {
  const anchors = buildAnchors(detectorAnchorSpec(model.config));
  const detections = postprocess(predict(model, frames, transform), anchors, { numClasses: model.config.classes.length, scoreThreshold: MIN_THRESHOLD });
  const best = bestF1Threshold(detections, frames.map((f) => f.boxes), { kind: 'iou', threshold: 0.5 });
  const threshold = Math.min(Math.max(Number.isFinite(best.threshold) ? best.threshold : 0.5, MIN_THRESHOLD), MAX_THRESHOLD);
  const logitShift = -logit(threshold);
  shiftClassLogits(model, logitShift);
  return { frames: frames.length, operatingPoint: { ...best, threshold }, logitShift };
}
