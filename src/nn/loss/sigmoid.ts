/** Numerically stable logistic helpers (no overflow for large |x|). */

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** ln(1 + e^x) */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** ln(sigmoid(x)) = -softplus(-x) */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}

/**
 * Initial bias of the class logits so that every anchor starts at probability `prior` (RetinaNet's
 * prior initialisation): -ln((1 - prior) / prior), -4.6 for 0.01. Without it an untrained head scores
 * ~0.5 everywhere, and anchors the loss never selects (ignored, unmined) stay near 0.5 for long.
 */
export function classLogitPriorBias(prior = 0.01): number {
  if (!(prior > 0 && prior < 1)) throw new Error(`class prior must be in (0, 1), got ${prior}`);
  return -Math.log((1 - prior) / prior);
}
