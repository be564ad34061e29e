/**
 * Validation after an epoch: eval-mode forward (BatchNorm running statistics) over the validation
 * frames, the same composite loss as training, then post-processing (src/nn/detect) and the
 * metric set of src/nn/eval.
 */
import type { Detector } from '../model/detector.js';
import type { InputTransform } from '../model/serialize.js';
import type { AnchorSet, Detection } from '../detect/types.js';
import { postprocess } from '../detect/postprocess.js';
import { detectionLoss, type LossConfig } from '../loss/index.js';
import { evaluate } from '../eval/evaluate.js';
import type { ThermalFrame } from '../data/types.js';
import type { FrameSource } from './frames.js';
import { inputTensor } from './batch.js';

export interface ValidationMetrics {
  loss: number;
  mAP50: number;
  mAP50to95: number;
  f1: number;
  precision: number;
  recall: number;
  countMAE: number;
  overlapRecall: number;
  fpPerEmptyFrame: number;
}

const EVAL_BATCH = 64;

export function predict(model: Detector, frames: ThermalFrame[], transform: InputTransform): Float32Array {
  model.setTraining(false);
  const g = model.geometry;
  const out = new Float32Array(frames.length * g.totalAnchors * g.valuesPerAnchor);
  for (let s = 0; s < frames.length; s += EVAL_BATCH) {
    const batch = frames.slice(s, s + EVAL_BATCH);
    out.set(model.forward(null, inputTensor(batch, transform)).data, s * g.totalAnchors * g.valuesPerAnchor);
  }
  return out;
}

export function validate(
  model: Detector, source: FrameSource, loss: LossConfig, transform: InputTransform, anchors: AnchorSet,
): ValidationMetrics {
  const frames = Array.from({ length: source.valCount }, (_, i) => source.val(i));
  const output = predict(model, frames, transform);
  model.setTraining(true);
  const boxes = frames.map((f) => f.boxes);
  const lossValue = detectionLoss(output, boxes, anchors, loss).total;
  // a low score threshold keeps the full precision-recall curve for mAP; F1 uses the eval threshold
  const detections: Detection[][] = postprocess(output, anchors, { numClasses: model.config.classes.length, scoreThreshold: 0.05 });
  const m = evaluate(detections, boxes, frames.map((f) => f.tags));
  return {
    loss: lossValue, mAP50: m.mAP50, mAP50to95: m.mAP50to95, f1: m.f1Iou.f1, precision: m.f1Iou.precision,
    recall: m.f1Iou.recall, countMAE: m.countMAE, overlapRecall: m.overlapRecallIou, fpPerEmptyFrame: m.fpPerEmptyFrame,
  };
}
