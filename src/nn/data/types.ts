/**
 * Shared data types of the trainer. Contract between the data generator/loader (src/nn/data),
 * the detector and losses (src/nn/detect, src/nn/loss), evaluation (src/nn/eval) and codegen.
 */

/** One labelled object. Pixel units of the frame it belongs to; (x, y) is the top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Class index, 0-based; 0 = person. */
  cls: number;
  /** True when this person overlaps (or is occluded by) another labelled person. */
  overlapping?: boolean;
  /** Visible silhouette area in sensor pixels² (generator; absent for imported labels). */
  visibleArea?: number;
  /** Visible share of the in-frame silhouette, 0..1: 1 - occlusion by nearer objects (generator). */
  visibleFraction?: number;
  /** PASCAL VOC-style `difficult`: evaluation may ignore it (rule: src/nn/data/difficult.ts). */
  difficult?: boolean;
}

/** One thermal frame: row-major temperatures in degrees Celsius, height x width. */
export interface ThermalFrame {
  width: number;
  height: number;
  celsius: Float32Array;
  boxes: Box[];
  /** Free-form tags from the generator (e.g. 'empty', 'distractor', 'overhead'). */
  tags?: string[];
}
