/**
 * Weighted confidence BCE (PAPER.md "Confidence"):
 *   L = -a y ln(sigmoid(x)) - b (1 - y) ln(1 - sigmoid(x)),   dL/dx = a y (p - 1) + b (1 - y) p.
 * a = b = 1 is plain binary cross-entropy.
 */
import { logSigmoid, sigmoid } from './sigmoid.js';

/** Returns sum_i w_i L_i; grad[i] = w_i dL_i/dx_i and perElement[i] = L_i when given. */
export function confidenceLoss(
  logits: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>,
  a: number, b: number, grad?: Float64Array, perElement?: Float64Array,
): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const w = weights[i];
    if (w === 0 && !perElement) { if (grad) grad[i] = 0; continue; }
    const x = logits[i], y = targets[i];
    // ln(1 - sigmoid(x)) = ln(sigmoid(-x))
    const loss = -a * y * logSigmoid(x) - b * (1 - y) * logSigmoid(-x);
    if (perElement) perElement[i] = loss;
    sum += w * loss;
    if (grad) {
      const p = sigmoid(x);
      grad[i] = w * (a * y * (p - 1) + b * (1 - y) * p);
    }
  }
  return sum;
}
