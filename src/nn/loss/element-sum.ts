/**
 * The loop the per-element classification losses share (focal.ts, quality-focal.ts, confidence.ts):
 * sum_i w_i L_i over the elements, with grad[i] = w_i dL_i/dx_i and perElement[i] = L_i (unweighted,
 * for mining) when given; an element of weight 0 is skipped unless perElement asks for its loss.
 * Each loss supplies one element's value; it also forms w dL/dx itself, so each keeps its own
 * order of multiplication (and so its exact rounding).
 */

/** One element's result, written by an ElementLoss into an object reused across elements. */
export interface ElementTerm {
  /** L_i, unweighted. */
  loss: number;
  /** w_i dL_i/dx_i; only read when the caller asked for gradients (`wantGrad`). */
  grad: number;
}

export type ElementLoss = (x: number, y: number, w: number, wantGrad: boolean, out: ElementTerm) => void;

export function sumElementLosses(
  logits: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>, term: ElementLoss,
  grad?: Float64Array, perElement?: Float64Array,
): number {
  const out: ElementTerm = { loss: 0, grad: 0 };
  const wantGrad = grad !== undefined;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const w = weights[i];
    if (w === 0 && !perElement) { if (grad) grad[i] = 0; continue; }
    term(logits[i], targets[i], w, wantGrad, out);
    if (perElement) perElement[i] = out.loss;
    sum += w * out.loss;
    if (grad) grad[i] = out.grad;
  }
  return sum;
}
