/**
 * Quality focal loss (Li et al. 2020, "Generalized Focal Loss", §3.1), written as a generalisation of
 * PAPER.md's focal loss so the two share alpha and gamma:
 *   QFL = -alpha_t |y - p|^gamma [ y ln p + (1 - y) ln(1 - p) ],   p = sigmoid(x),
 * with a soft target y in [0, 1] (the IoU of a positive anchor's predicted box with its ground truth,
 * 0 for negatives) and alpha_t = alpha where y > 0, 1 - alpha where y = 0. For y in {0, 1} it is
 * exactly focal.ts's FL (|1 - p| = 1 - p_t), so switching it on changes only what positives aim at:
 * the class score itself is trained to rank detections by placement instead of being pushed to 1 by
 * the classification term while the IoU-aware confidence term pulls it to the IoU.
 * Derivative, with d = p - y and B the cross-entropy (dB/dx = d, dp/dx = p (1 - p)):
 *   dQFL/dx = alpha_t [ gamma |d|^(gamma - 1) sign(d) p (1 - p) B + |d|^gamma d ].
 */
import { logSigmoid, sigmoid } from './sigmoid.js';
import { sumElementLosses } from './element-sum.js';

/**
 * Returns sum_i w_i QFL_i. When given, grad[i] is set to w_i dQFL_i/dx_i and perElement[i] to QFL_i
 * (unweighted, for mining). Elements with weight 0 contribute nothing.
 */
export function qualityFocalLoss(
  logits: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>,
  alpha: number, gamma: number, grad?: Float64Array, perElement?: Float64Array,
): number {
  return sumElementLosses(logits, targets, weights, (x, y, w, wantGrad, out) => {
    const p = sigmoid(x);
    const d = p - y, ad = Math.abs(d);
    const bce = -y * logSigmoid(x) - (1 - y) * logSigmoid(-x);
    const alphaT = y > 0 ? alpha : 1 - alpha;
    const mod = gamma === 0 ? 1 : Math.pow(ad, gamma);
    out.loss = alphaT * mod * bce;
    if (wantGrad) {
      // gamma |d|^(gamma-1) sign(d) = gamma |d|^gamma / d; at d = 0 the term is 0 for gamma > 1
      const dMod = gamma === 0 || ad === 0 ? 0 : gamma * Math.pow(ad, gamma - 1) * Math.sign(d);
      out.grad = w * alphaT * (dMod * p * (1 - p) * bce + mod * d);
    }
  }, grad, perElement);
}
