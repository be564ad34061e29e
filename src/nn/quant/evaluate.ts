/**
 * Detection metrics of the int8 reference and of the float model on the same held-out frames, with
 * the trainer's evaluation path (post-processing at score 0.05 for the full precision-recall curve,
 * then src/nn/eval's metric set at its operating threshold).
 */
import { generateFrame, resolveGeneratorConfig } from '../data/generate.js';
import type { ThermalFrame } from '../data/types.js';
import { buildAnchors } from '../detect/anchors.js';
import { postprocess } from '../detect/postprocess.js';
import type { Detection } from '../detect/types.js';
import { evaluate, type DetectionMetrics } from '../eval/evaluate.js';
import { detectorAnchorSpec, type Detector } from '../model/detector.js';
import type { InputTransform } from '../model/serialize.js';
import { predict } from '../train/validate.js';
import type { QuantizedGraph } from './graph.js';
import { graphAnchors, int8Detections, runInt8OnCelsius } from './reference.js';

/**
 * Held-out synthetic frames: a seed stream used neither by the shipped model's training (seed 1)
 * nor by its validation (seed 1 + 1000003), nor by calibration (the training stream).
 */
export const HELD_OUT_SEED = 4242;
/** Post-processing threshold for mAP (keeps the whole precision-recall curve), as in training validation. */
const MAP_SCORE_THRESHOLD = 0.05;

export function heldOutFrames(count: number, seed = HELD_OUT_SEED, start = 0): ThermalFrame[] {
  const config = resolveGeneratorConfig({});
  return Array.from({ length: count }, (_, i) => generateFrame(config, seed, start + i));
}

function metricsOf(detections: Detection[][], frames: ThermalFrame[]): DetectionMetrics {
  return evaluate(detections, frames.map((f) => f.boxes), frames.map((f) => f.tags));
}

export function evaluateFloat(model: Detector, transform: InputTransform, frames: ThermalFrame[]): DetectionMetrics {
  const output = predict(model, frames, transform);
  const anchors = buildAnchors(detectorAnchorSpec(model.config));
  return metricsOf(postprocess(output, anchors, { numClasses: model.config.classes.length, scoreThreshold: MAP_SCORE_THRESHOLD }), frames);
}

export function evaluateInt8(graph: QuantizedGraph, frames: ThermalFrame[]): DetectionMetrics {
  const anchors = graphAnchors(graph);
  const detections = frames.map((f) => int8Detections(graph, runInt8OnCelsius(graph, f.celsius), { scoreThreshold: MAP_SCORE_THRESHOLD }, anchors));
  return metricsOf(detections, frames);
}

/** The headline numbers of the acceptance: mAP@0.5, F1 (IoU matching), FP per empty frame. */
export interface HeadlineMetrics {
  mAP50: number;
  f1: number;
  fpPerEmptyFrame: number;
}

export function headline(m: DetectionMetrics): HeadlineMetrics {
  return { mAP50: m.mAP50, f1: m.f1Iou.f1, fpPerEmptyFrame: m.fpPerEmptyFrame };
}
