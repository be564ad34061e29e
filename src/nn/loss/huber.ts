/**
 * Huber (smooth-L1 family) loss with threshold delta (PAPER.md "Box"):
 *   h(d) = d^2 / 2 if |d| <= delta, else delta (|d| - delta / 2);  h'(d) = d, else delta sign(d).
 */

/** Returns sum_i w_i h(pred_i - target_i); grad[i] = w_i h'(pred_i - target_i) (w.r.t. pred). */
export function huberLoss(
  pred: ArrayLike<number>, target: ArrayLike<number>, weights: ArrayLike<number>,
  delta: number, grad?: Float64Array,
): number {
  let sum = 0;
  for (let i = 0; i < pred.length; i++) {
    const w = weights[i];
    if (w === 0) { if (grad) grad[i] = 0; continue; }
    const d = pred[i] - target[i];
    const ad = Math.abs(d);
    if (ad <= delta) {
      sum += w * 0.5 * d * d;
      if (grad) grad[i] = w * d;
    } else {
      sum += w * delta * (ad - 0.5 * delta);
      if (grad) grad[i] = w * delta * Math.sign(d);
    }
  }
  return sum;
}
