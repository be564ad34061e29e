/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019). With `decoupled` (AdamW) the
 * weight decay shrinks the weights directly (w -= lr * wd * w); otherwise it is added to the
 * gradient as L2 regularisation (classic Adam). Decay only touches parameters marked `decay`.
 */
import type { Parameter } from '../layers/layer.js';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** true: AdamW (decoupled decay); false: L2 added to the gradient. */
  decoupled?: boolean;
  /** Clip the global gradient norm to this value (0 = off). */
  clipNorm?: number;
}

export interface AdamState {
  step: number;
  /** First and second moments, per parameter name. */
  m: Record<string, number[]>;
  v: Record<string, number[]>;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly clipNorm: number;
  lr: number;
  step = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(readonly params: Parameter[], options: AdamOptions) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.decoupled = options.decoupled ?? true;
    this.clipNorm = options.clipNorm ?? 0;
    this.m = params.map((p) => new Float32Array(p.tensor.size));
    this.v = params.map((p) => new Float32Array(p.tensor.size));
  }

  zeroGrad(): void {
    for (const p of this.params) p.tensor.zeroGrad();
  }

  /** Global L2 norm of all gradients. */
  gradNorm(): number {
    let s = 0;
    for (const p of this.params) {
      const g = p.tensor.grad;
      if (g) for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
    }
    return Math.sqrt(s);
  }

  /** One update with the current gradients; returns the gradient norm before clipping. */
  update(): number {
    this.step++;
    const norm = this.gradNorm();
    const clip = this.clipNorm > 0 && norm > this.clipNorm ? this.clipNorm / norm : 1;
    const c1 = 1 - Math.pow(this.beta1, this.step), c2 = 1 - Math.pow(this.beta2, this.step);
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      const g = p.tensor.grad;
      if (!g) continue;
      adamStep(
        p.tensor.data, g, this.m[k]!, this.v[k]!, clip, p.decay ? this.weightDecay : 0,
        this.beta1, this.beta2, this.eps, this.lr, c1, c2, this.decoupled,
      );
    }
    return norm;
  }

  getState(): AdamState {
    const state: AdamState = { step: this.step, m: {}, v: {} };
    this.params.forEach((p, k) => {
      state.m[p.name] = Array.from(this.m[k]!);
      state.v[p.name] = Array.from(this.v[k]!);
    });
    return state;
  }

  setState(state: AdamState): void {
    this.step = state.step;
    this.params.forEach((p, k) => {
      const m = state.m[p.name], v = state.v[p.name];
      if (!m || !v || m.length !== p.tensor.size || v.length !== p.tensor.size) {
        throw new Error(`optimiser state does not match parameter ${p.name}`);
      }
      this.m[k]!.set(m);
      this.v[k]!.set(v);
    });
  }
}

/**
 * One parameter's update. A plain function with every constant in a local: as a closure reading
 * them from `this` per element it took 0.85 ms a step for the detector's 24,889 weights, serial
 * work while the data-parallel workers wait. Same expressions, same order, same bits.
 */
function adamStep(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, clip: number, decay: number,
  b1: number, b2: number, eps: number, lr: number, c1: number, c2: number, decoupled: boolean,
): void {
  for (let i = 0; i < w.length; i++) {
    let gi = g[i]! * clip;
    if (!decoupled) gi += decay * w[i]!;
    m[i] = b1 * m[i]! + (1 - b1) * gi;
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
    const update = (m[i]! / c1) / (Math.sqrt(v[i]! / c2) + eps);
    w[i] = w[i]! - lr * update - (decoupled ? lr * decay * w[i]! : 0);
  }
}
