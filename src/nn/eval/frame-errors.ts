/**
 * Per-frame outcome at the operating point (IoU matching, every box counted): which frames a model
 * gets most wrong, for the contact sheet's "worst first" order and the report's worst-frame list.
 */
import type { Box } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { DEFAULT_EVAL, type EvalConfig } from './evaluate.js';
import { matchFrame } from './matching.js';

export interface FrameErrors {
  /** Index of the frame in the evaluated list. */
  frame: number;
  people: number;
  detections: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function frameErrors(predictions: ReadonlyArray<ReadonlyArray<Detection>>, groundTruth: ReadonlyArray<ReadonlyArray<Box>>,
  cfg: Partial<EvalConfig> = {}): FrameErrors[] {
  const c = { ...DEFAULT_EVAL, ...cfg };
  return groundTruth.map((boxes, frame) => {
    const kept = predictions[frame].filter((d) => d.score >= c.scoreThreshold);
    const tp = matchFrame(kept, boxes, { kind: 'iou', threshold: c.iouThreshold }).detectionMatched.filter(Boolean).length;
    return { frame, people: boxes.length, detections: kept.length, truePositives: tp, falsePositives: kept.length - tp, falseNegatives: boxes.length - tp };
  });
}

/** Most errors (misses + false positives) first; ties keep frame order. */
export function worstFirst(errors: ReadonlyArray<FrameErrors>): FrameErrors[] {
  return [...errors].sort((a, b) => b.falsePositives + b.falseNegatives - (a.falsePositives + a.falseNegatives) || a.frame - b.frame);
}
