/** Per-batch training targets from ground-truth boxes: anchor labels, one-hot classes, encoded boxes. */
import type { Box } from '../data/types.js';
import type { AnchorSet } from '../detect/types.js';
import { encodeBox } from '../detect/codec.js';
import { matchAnchors, IGNORED, NEGATIVE, POSITIVE } from '../detect/match.js';
import type { LossConfig } from './config.js';

export interface BatchTargets {
  batch: number;
  /** Per (image, anchor): POSITIVE 1, NEGATIVE 0, IGNORED -1. */
  label: Int8Array;
  /** Per (image, anchor, class): 1 for the matched box's class on positives, else 0. */
  classTarget: Float64Array;
  /** Per (image, anchor, 4): encoded offsets of the matched box (zero for non-positives). */
  boxTarget: Float64Array;
  positives: number;
  negatives: number;
  ignored: number;
}

function checkBox(b: Box, i: number, img: number, numClasses: number): void {
  const where = `box ${i} of image ${img}`;
  if (![b.x, b.y, b.w, b.h].every(Number.isFinite)) throw new Error(`${where} has a non-finite coordinate`);
  if (!(b.w > 0) || !(b.h > 0)) throw new Error(`${where} has non-positive size ${b.w}x${b.h}`);
  if (!Number.isInteger(b.cls) || b.cls < 0 || b.cls >= numClasses) throw new Error(`${where} has class ${b.cls}, expected 0..${numClasses - 1}`);
}

export function buildTargets(anchors: AnchorSet, batchBoxes: ReadonlyArray<ReadonlyArray<Box>>, cfg: LossConfig): BatchTargets {
  const A = anchors.count, C = cfg.numClasses, batch = batchBoxes.length;
  const label = new Int8Array(batch * A);
  const classTarget = new Float64Array(batch * A * C);
  const boxTarget = new Float64Array(batch * A * 4);
  let positives = 0, negatives = 0, ignored = 0;
  const match = { positiveIou: cfg.positiveIou, negativeIou: cfg.negativeIou, strategy: cfg.matching, topK: cfg.atssTopK };
  for (let img = 0; img < batch; img++) {
    const boxes = batchBoxes[img];
    boxes.forEach((b, i) => checkBox(b, i, img, C));
    const m = matchAnchors(anchors, boxes, match);
    for (let a = 0; a < A; a++) {
      const k = img * A + a;
      label[k] = m.labels[a];
      if (m.labels[a] === POSITIVE) {
        const b = boxes[m.matchedBox[a]];
        classTarget[k * C + b.cls] = 1;
        encodeBox(anchors, a, b, boxTarget, k * 4, cfg.variances);
        positives++;
      } else if (m.labels[a] === NEGATIVE) negatives++;
      else if (m.labels[a] === IGNORED) ignored++;
    }
  }
  return { batch, label, classTarget, boxTarget, positives, negatives, ignored };
}
