/** Head output -> detections per image: sigmoid score, threshold, decode, clip to the frame, NMS. */
import type { AnchorSet, Detection, Variances } from './types.js';
import { DEFAULT_VARIANCES } from './types.js';
import { decodeBox } from './codec.js';
import { nms } from './nms.js';

export interface PostprocessConfig {
  numClasses: number;
  /** Minimum sigmoid(class logit) to keep a detection. */
  scoreThreshold: number;
  /** NMS drops a box whose IoU with a better one of its class exceeds this. */
  nmsIou: number;
  maxDetections: number;
  variances: Variances;
  /** Clip decoded boxes to the input frame (boxes entirely outside are dropped). */
  clipToImage: boolean;
}

export const DEFAULT_POSTPROCESS: PostprocessConfig = {
  numClasses: 1,
  scoreThreshold: 0.5,
  nmsIou: 0.45,
  maxDetections: 20,
  variances: DEFAULT_VARIANCES,
  clipToImage: true,
};

/** Images in a head output buffer; throws when its length does not fit the anchors. */
export function batchSizeOf(headOutput: ArrayLike<number>, anchors: AnchorSet, numClasses: number): number {
  const row = anchors.count * (4 + numClasses);
  if (headOutput.length === 0 || headOutput.length % row !== 0) {
    throw new Error(`head output has ${headOutput.length} values, not a multiple of ${anchors.count} anchors x ${4 + numClasses} channels`);
  }
  return headOutput.length / row;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function postprocess(headOutput: ArrayLike<number>, anchors: AnchorSet, cfg: Partial<PostprocessConfig> = {}): Detection[][] {
  const c: PostprocessConfig = { ...DEFAULT_POSTPROCESS, ...cfg };
  const stride = 4 + c.numClasses;
  const n = batchSizeOf(headOutput, anchors, c.numClasses);
  const W = anchors.inputWidth, H = anchors.inputHeight;
  const out: Detection[][] = [];
  for (let img = 0; img < n; img++) {
    const candidates: Detection[] = [];
    for (let a = 0; a < anchors.count; a++) {
      const base = (img * anchors.count + a) * stride;
      for (let k = 0; k < c.numClasses; k++) {
        const score = sigmoid(headOutput[base + 4 + k]);
        if (score < c.scoreThreshold) continue;
        let { x, y, w, h } = decodeBox(anchors, a, headOutput, base, c.variances);
        if (c.clipToImage) {
          const x1 = Math.min(Math.max(x, 0), W), y1 = Math.min(Math.max(y, 0), H);
          const x2 = Math.min(Math.max(x + w, 0), W), y2 = Math.min(Math.max(y + h, 0), H);
          if (x2 <= x1 || y2 <= y1) continue;
          x = x1; y = y1; w = x2 - x1; h = y2 - y1;
        }
        candidates.push({ x, y, w, h, cls: k, score });
      }
    }
    out.push(nms(candidates, c.nmsIou, c.maxDetections));
  }
  return out;
}
