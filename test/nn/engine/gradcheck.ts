/**
 * Central finite-difference gradient check for the engine's ops and layers.
 *
 * The loss is L = sum(out * R) with a fixed random R, accumulated in float64, so dL/dout = R
 * seeds the tape. The kernels compute in float32: a perturbation eps of one input changes the
 * output by ~eps * grad while float32 rounding adds ~6e-8 * |out| * sqrt(size) of noise, so the
 * numeric derivative carries an absolute error of ~1e-7 * |out| * sqrt(size) / eps. With eps =
 * 1e-2 and outputs of order 1 that is ~1e-4 for our sizes; the truncation error of the central
 * difference is O(eps^2 f''') ~ 1e-4 for the smooth ops. Hence atol 2e-3 and rtol 1e-2 per entry.
 * Kinks (ReLU at 0, max-pool ties) are kept away from the probe points by the inputs each test
 * builds; where that is impossible (whole networks) `relativeError` compares gradient vectors.
 */
import { Tape, Tensor } from '../../../src/nn/tensor.js';
import { Rng } from '../../../src/nn/layers/rng.js';

export function randomTensor(shape: number[], rng: Rng, scale = 1, requiresGrad = true): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  t.requiresGrad = requiresGrad;
  return t;
}

/** Values spaced at least `gap` apart, shuffled: no max-pool ties within eps, no ReLU kink near 0. */
export function spacedTensor(shape: number[], rng: Rng, gap = 0.05): Tensor {
  const t = new Tensor(shape);
  const order = new Int32Array(t.size).map((_, i) => i);
  rng.shuffle(order);
  for (let i = 0; i < t.size; i++) t.data[i] = (order[i]! - t.size / 2 + 0.5) * gap;
  t.requiresGrad = true;
  return t;
}

export interface CheckResult {
  worst: number;
  /** ||analytic - numeric|| / (||analytic|| + ||numeric||) over all probed entries. */
  relativeError: number;
  probes: number;
  failures: string[];
}

/**
 * Probes up to `maxProbes` entries of each tensor in `wrt` and compares the tape gradient with
 * the central difference of `run` (which must rebuild the forward pass from the tensors' data).
 */
export function gradCheck(
  run: (tape: Tape | null) => Tensor, wrt: Array<[string, Tensor]>, rng: Rng,
  { eps = 1e-2, atol = 2e-3, rtol = 1e-2, maxProbes = 24 } = {},
): CheckResult {
  const out0 = run(null);
  const seed = new Float32Array(out0.size);
  for (let i = 0; i < seed.length; i++) seed[i] = rng.normal();
  const loss = (): number => {
    const out = run(null);
    let s = 0;
    for (let i = 0; i < out.size; i++) s += out.data[i]! * seed[i]!;
    return s;
  };
  for (const [, t] of wrt) t.grad = null;
  const tape = new Tape();
  const out = run(tape);
  tape.backward(out, seed);

  const failures: string[] = [];
  let worst = 0, diff2 = 0, an2 = 0, nu2 = 0, probes = 0;
  for (const [name, t] of wrt) {
    const analytic = t.grad ?? new Float32Array(t.size);
    const idx = Array.from({ length: t.size }, (_, i) => i);
    rng.shuffle(idx);
    for (const i of idx.slice(0, maxProbes)) {
      const keep = t.data[i]!;
      t.data[i] = keep + eps;
      const up = loss();
      t.data[i] = keep - eps;
      const down = loss();
      t.data[i] = keep;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[i]!;
      const err = Math.abs(a - numeric);
      const allowed = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
      worst = Math.max(worst, err / allowed);
      if (err > allowed) failures.push(`${name}[${i}]: analytic ${a.toPrecision(6)} vs numeric ${numeric.toPrecision(6)}`);
      diff2 += err * err;
      an2 += a * a;
      nu2 += numeric * numeric;
      probes++;
    }
  }
  return { worst, relativeError: Math.sqrt(diff2) / (Math.sqrt(an2) + Math.sqrt(nu2) + 1e-12), probes, failures };
}
