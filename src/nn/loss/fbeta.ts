/**
 * Soft F-beta loss (PAPER.md "F-beta"). With probabilities p_i = sigmoid(x_i), targets y_i and weights
 * w_i: TP = sum w p y, FP = sum w p (1 - y), FN = sum w (1 - p) y, P = TP / (TP + FP), R = TP / (TP + FN),
 *   F = (1 + b^2) P R / (b^2 P + R) = (1 + b^2) TP / (b^2 (TP + FN) + TP + FP) = (1 + b^2) N / D,
 * where N = sum w p y and D = b^2 sum w y + sum w p (+ eps so an empty selection gives F = 0).
 * Loss = 1 - F;  dF/dx_i = (1 + b^2) w_i p_i (1 - p_i) (y_i D - N) / D^2.
 */
import { sigmoid } from './sigmoid.js';

/** Returns 1 - F_beta over the weighted elements; grad[i] = d(1 - F)/dx_i when given. */
export function softFbetaLoss(
  logits: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>,
  beta: number, eps: number, grad?: Float64Array,
): number {
  const b2 = beta * beta;
  let num = 0, sumY = 0, sumP = 0;
  for (let i = 0; i < logits.length; i++) {
    const w = weights[i];
    if (w === 0) continue;
    const p = sigmoid(logits[i]);
    num += w * p * targets[i];
    sumY += w * targets[i];
    sumP += w * p;
  }
  const den = b2 * sumY + sumP + eps;
  const f = ((1 + b2) * num) / den;
  if (grad) {
    const scale = (1 + b2) / (den * den);
    for (let i = 0; i < logits.length; i++) {
      const w = weights[i];
      if (w === 0) { grad[i] = 0; continue; }
      const p = sigmoid(logits[i]);
      grad[i] = -scale * w * p * (1 - p) * (targets[i] * den - num);
    }
  }
  return 1 - f;
}
