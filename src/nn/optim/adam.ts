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
    const { beta1: b1, beta2: b2, eps, lr, weightDecay: wd } = this;
    const c1 = 1 - Math.pow(b1, this.step), c2 = 1 - Math.pow(b2, this.step);
    this.params.forEach((p, k) => {
      const g = p.tensor.grad;
      if (!g) return;
      const w = p.tensor.data, m = this.m[k]!, v = this.v[k]!;
      const decay = p.decay ? wd : 0;
      for (let i = 0; i < w.length; i++) {
        let gi = g[i]! * clip;
        if (!this.decoupled) gi += decay * w[i]!;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
        const update = (m[i]! / c1) / (Math.sqrt(v[i]! / c2) + eps);
        w[i] = w[i]! - lr * update - (this.decoupled ? lr * decay * w[i]! : 0);
      }
    });
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
