/**
 * Focal loss on sigmoid logits (Lin et al.; PAPER.md "Classification"):
 *   FL = -alpha_t (1 - p_t)^gamma ln(p_t),  p_t = p if y = 1 else 1 - p,  alpha_t = alpha if y = 1 else 1 - alpha.
 * With z = s x (s = +1 for y = 1, -1 for y = 0): p_t = sigmoid(z), and
 *   dFL/dx = s alpha_t [ gamma (1 - p_t)^gamma p_t ln(p_t) - (1 - p_t)^(gamma + 1) ],
 * which has no (1 - p_t)^(gamma - 1) factor, so it stays finite for gamma < 1.
 * Targets are 0/1. Elements with weight 0 contribute nothing.
 */
import { logSigmoid, sigmoid } from './sigmoid.js';
import { sumElementLosses } from './element-sum.js';

/**
 * Returns sum_i w_i FL_i. When given, grad[i] is set to w_i dFL_i/dx_i and perElement[i] to FL_i
 * (unweighted, for mining).
 */
export function focalLoss(
  logits: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>,
  alpha: number, gamma: number, grad?: Float64Array, perElement?: Float64Array,
): number {
  return sumElementLosses(logits, targets, weights, (x, y, w, wantGrad, out) => {
    const positive = y >= 0.5;
    const s = positive ? 1 : -1;
    const z = s * x;
    const pt = sigmoid(z), qt = sigmoid(-z); // qt = 1 - p_t without cancellation
    const logPt = logSigmoid(z);
    const alphaT = positive ? alpha : 1 - alpha;
    const mod = gamma === 0 ? 1 : Math.pow(qt, gamma);
    out.loss = -alphaT * mod * logPt;
    if (wantGrad) out.grad = w * s * alphaT * (gamma * mod * pt * logPt - mod * qt);
  }, grad, perElement);
}
