/**
 * What `mcusim eval` runs: a trained model (float, or its int8 host reference) over frames, and the
 * full report: the metric set with difficult boxes ignored and with every box counted, breakdowns,
 * and the worst frames. Detections keep every score >= 0.05 so mAP sees the whole precision-recall
 * curve; F1, counting and false positives use the operating threshold (EvalConfig.scoreThreshold).
 */
import type { ThermalFrame } from '../data/types.js';
import { buildAnchors } from '../detect/anchors.js';
import { postprocess } from '../detect/postprocess.js';
import type { Detection } from '../detect/types.js';
import { detectorAnchorSpec } from '../model/detector.js';
import { fromWeightsFile, readWeightsFile } from '../model/serialize.js';
import { quantizeDetector } from '../quant/quantize.js';
import { graphAnchors, int8Detections, runInt8OnCelsius } from '../quant/reference.js';
import { predict } from '../train/validate.js';
import { UserError } from '../../common/errors.js';
import { breakdown, type BreakdownKind, type BreakdownRow } from './breakdown.js';
import { evaluate, IGNORE_DIFFICULT, type DetectionMetrics, type EvalConfig } from './evaluate.js';
import { frameErrors, worstFirst, type FrameErrors } from './frame-errors.js';
import { errorKinds, type ErrorKinds } from './error-kinds.js';
import { bestF1Threshold, type OperatingPoint } from './operating-point.js';

/** Post-processing threshold that keeps the precision-recall curve (as training validation does). */
export const CURVE_SCORE_THRESHOLD = 0.05;
const CHUNK = 64;

export interface EvalModel {
  path: string;
  int8: boolean;
  inputWidth: number;
  inputHeight: number;
  /** Detections per frame (scores >= CURVE_SCORE_THRESHOLD); `onProgress(done)` after each chunk. */
  detect(frames: ThermalFrame[], onProgress?: (done: number) => void): Detection[][];
}

/** Loads a weights file; any problem with it is one UserError line naming the file. */
export function loadEvalModel(path: string, options: { int8?: boolean } = {}): EvalModel {
  let loaded: ReturnType<typeof fromWeightsFile>;
  try {
    loaded = fromWeightsFile(readWeightsFile(path), path);
  } catch (e) {
    const msg = (e as Error).message;
    throw new UserError(msg.startsWith(path) ? msg : `${path}: not a usable detector weights file (${msg})`);
  }
  const { model, inputTransform } = loaded;
  const { width: inputWidth, height: inputHeight } = model.config.input;
  const numClasses = model.config.classes.length;
  if (options.int8) {
    const graph = quantizeDetector(model, { inputTransform });
    const anchors = graphAnchors(graph);
    return {
      path, int8: true, inputWidth, inputHeight,
      detect: (frames, onProgress) => frames.map((f, i) => {
        const dets = int8Detections(graph, runInt8OnCelsius(graph, f.celsius), { scoreThreshold: CURVE_SCORE_THRESHOLD }, anchors);
        if (onProgress && ((i + 1) % CHUNK === 0 || i + 1 === frames.length)) onProgress(i + 1);
        return dets;
      }),
    };
  }
  const anchors = buildAnchors(detectorAnchorSpec(model.config));
  return {
    path, int8: false, inputWidth, inputHeight,
    detect: (frames, onProgress) => {
      const out: Detection[][] = [];
      for (let s = 0; s < frames.length; s += CHUNK) {
        const chunk = frames.slice(s, s + CHUNK);
        out.push(...postprocess(predict(model, chunk, inputTransform), anchors, { numClasses, scoreThreshold: CURVE_SCORE_THRESHOLD }));
        onProgress?.(out.length);
      }
      return out;
    },
  };
}

/** Frames must have the model's input size (the detector has fixed input geometry). */
export function checkFrameSize(model: EvalModel, frames: ReadonlyArray<ThermalFrame>, source: string): void {
  const bad = frames.findIndex((f) => f.width !== model.inputWidth || f.height !== model.inputHeight);
  if (bad >= 0) {
    throw new UserError(`${source}: frame ${bad} is ${frames[bad].width}x${frames[bad].height}, ` +
      `the model ${model.path} takes ${model.inputWidth}x${model.inputHeight}`);
  }
}

export interface EvalReport {
  frames: number;
  boxes: number;
  difficultBoxes: number;
  config: EvalConfig;
  /** Difficult boxes ignored (PASCAL VOC), and every box counted. */
  counted: DetectionMetrics;
  all: DetectionMetrics;
  breakdowns: Partial<Record<BreakdownKind, BreakdownRow[]>>;
  /** Misses and false positives by cause (error-kinds.ts), every box counted. */
  errorKinds: ErrorKinds;
  /** The score threshold with the best F1 (IoU matching, every box) on these frames: hindsight, not a deployable choice. */
  bestThreshold: OperatingPoint;
  /** Every frame's errors, worst first. */
  worstFrames: FrameErrors[];
}

export function evaluateDetections(frames: ReadonlyArray<ThermalFrame>, detections: Detection[][], by: ReadonlyArray<BreakdownKind>,
  cfg: Partial<EvalConfig> = {}): EvalReport {
  const groundTruth = frames.map((f) => f.boxes);
  const tags = frames.map((f) => f.tags);
  const all = evaluate(detections, groundTruth, tags, cfg);
  const counted = evaluate(detections, groundTruth, tags, cfg, IGNORE_DIFFICULT);
  const breakdowns: EvalReport['breakdowns'] = {};
  for (const kind of by) breakdowns[kind] = breakdown(kind, { predictions: detections, groundTruth, tags, config: cfg });
  return {
    frames: frames.length,
    boxes: all.groundTruthBoxes,
    difficultBoxes: all.groundTruthBoxes - counted.groundTruthBoxes,
    config: all.config,
    counted,
    all,
    breakdowns,
    errorKinds: errorKinds(detections, groundTruth, cfg),
    bestThreshold: bestF1Threshold(detections, groundTruth, { kind: 'iou', threshold: all.config.iouThreshold }),
    worstFrames: worstFirst(frameErrors(detections, groundTruth, cfg)),
  };
}
