/**
 * Types shared by anchors, matching, the box codec, NMS, post-processing, the losses and evaluation.
 *
 * Head output contract (agreed with the engine): a Float32Array laid out [N, totalAnchors, 4 + C].
 * Anchors are ordered scale by scale (p2_out, then p3_out), each scale row-major over
 * (y, x, anchor). Per anchor the row holds:
 *   [0..3] box offsets (dx, dy, dw, dh), SSD-style, encoded with `variances` (see codec.ts);
 *   [4..4+C) one logit per class. sigmoid(logit_c) is the probability that the anchor holds an
 *   object of class c. There is no background channel: background = every class probability low.
 *   For C = 1 ('person') the single logit is at once the class score and the confidence; the focal,
 *   F-beta and confidence losses all act on it, and post-processing thresholds sigmoid(logit).
 */

/** A detection in input pixels, (x, y) the top-left corner; score = sigmoid of the class logit. */
export interface Detection {
  x: number;
  y: number;
  w: number;
  h: number;
  cls: number;
  score: number;
}

/** One output scale: feature-map size and the anchor shapes (input pixels) placed at every cell. */
export interface AnchorScale {
  name: string;
  featureWidth: number;
  featureHeight: number;
  /** Anchor (width, height) pairs in input pixels; their count is the anchors per location. */
  sizes: ReadonlyArray<readonly [number, number]>;
}

export interface AnchorSpec {
  inputWidth: number;
  inputHeight: number;
  scales: AnchorScale[];
}

/**
 * All anchors as parallel typed arrays (centre x/y, width, height in input pixels), in head order.
 * `scaleStart[s]` is the index of the first anchor of scale s; `scaleStart[scales]` = count.
 */
export interface AnchorSet {
  count: number;
  cx: Float32Array;
  cy: Float32Array;
  w: Float32Array;
  h: Float32Array;
  scaleStart: Int32Array;
  /** Grid spacing along x of each scale in input pixels (inputWidth / featureWidth). */
  scaleStride: Float64Array;
  inputWidth: number;
  inputHeight: number;
}

/** SSD variances: centre offsets are divided by v[0] (in anchor units), log-size ratios by v[1]. */
export type Variances = readonly [number, number];
export const DEFAULT_VARIANCES: Variances = [0.1, 0.2];
