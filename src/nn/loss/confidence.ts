/**
 * Weighted confidence BCE (PAPER.md "Confidence"):
 *   L = -a y ln(sigmoid(x)) - b (1 - y) ln(1 - sigmoid(x)),   dL/dx = a y (p - 1) + b (1 - y) p.
 * a = b = 1 is plain binary cross-entropy.
 */
import { logSigmoid, sigmoid } from './sigmoid.js';
import { sumElementLosses } from './element-sum.js';

/** Returns sum_i w_i L_i; grad[i] = w_i dL_i/dx_i and perElement[i] = L_i when given. */
export function confidenceLoss(
  logits: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>,
  a: number, b: number, grad?: Float64Array, perElement?: Float64Array,
): number {
  return sumElementLosses(logits, targets, weights, (x, y, w, wantGrad, out) => {
    // ln(1 - sigmoid(x)) = ln(sigmoid(-x))
    out.loss = -a * y * logSigmoid(x) - b * (1 - y) * logSigmoid(-x);
    if (wantGrad) {
      const p = sigmoid(x);
      out.grad = w * (a * y * (p - 1) + b * (1 - y) * p);
    }
  }, grad, perElement);
}
