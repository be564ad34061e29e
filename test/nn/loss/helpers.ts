/** Shared helpers of the loss tests: a seeded generator and central finite differences in float64. */

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Central difference of f at x for every index, or only at `indices` (other entries stay 0);
 * x is restored afterwards.
 */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5, indices?: ArrayLike<number>): Float64Array {
  const g = new Float64Array(x.length);
  const n = indices ? indices.length : x.length;
  for (let t = 0; t < n; t++) {
    const i = indices ? indices[t] : t;
    const v = x[i];
    x[i] = v + h;
    const up = f(x);
    x[i] = v - h;
    const down = f(x);
    x[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Largest |a - b| / (atol + rtol |b|) over the arrays; <= 1 means within tolerance. */
export function worstError(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return worst;
}
