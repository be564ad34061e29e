/**
 * Differentiable ops: each runs a kernel forward and, when a tape is given, records a closure
 * that accumulates the input (and parameter) gradients from the output gradient. Gradients only
 * flow into tensors with `requiresGrad`, so the first conv skips its input gradient.
 */
import { Tensor, Tape, allocate, nhwc, shapeSize } from '../tensor.js';
import { convGeometry, type ConvSpec } from '../kernels/conv-geometry.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../kernels/conv2d.js';
import {
  avgPoolBackward, avgPoolForward, channelAvgPoolBackward, channelPoolForward, globalAvgPoolBackward,
  globalPoolForward, maxPoolBackward, maxPoolForward,
} from '../kernels/pool.js';
import {
  activationBackward, activationForward, concatChannelsBackward, concatChannelsForward, nearestIndex,
  resizeNearestBackward, resizeNearestForward, scaleBackward, scaleForward, type ActivationKind,
} from '../kernels/elementwise.js';

export type Ctx = Tape | null;

/**
 * An op's output tensor, from the tape's buffer pool when it has one. A pooled output is not
 * zeroed (every op writes all of its output; test/nn/engine/buffer-pool.test.ts would see stale values).
 */
export function result(ctx: Ctx, shape: readonly number[], ...inputs: Array<Tensor | null>): Tensor {
  const pool = ctx ? ctx.pool : null;
  const out = new Tensor(shape, pool ? pool.take(shapeSize(shape), false) : undefined, pool);
  out.requiresGrad = inputs.some((t) => t?.requiresGrad);
  return out;
}

/** Zeroed scratch of an op (a dummy gradient to accumulate into), pooled like its output. */
export function scratch(ctx: Ctx, length: number): Float32Array {
  return allocate(length, ctx ? ctx.pool : null);
}

/** Scratch the op writes in full before reading (values saved for its backward): not zeroed when pooled. */
export function savedScratch(ctx: Ctx, length: number): Float32Array {
  return ctx?.pool ? ctx.pool.take(length, false) : new Float32Array(length);
}

function int32Scratch(ctx: Ctx, length: number): Int32Array {
  return ctx?.pool ? ctx.pool.takeInt32(length) : new Int32Array(length);
}

function wantsGrad(t: Tensor | null): t is Tensor {
  return t !== null && t.requiresGrad;
}

export function conv2d(ctx: Ctx, x: Tensor, weight: Tensor, bias: Tensor | null, spec: ConvSpec): Tensor {
  const { n, h, w, c } = nhwc(x);
  const g = convGeometry(n, h, w, c, spec);
  const out = result(ctx, [n, g.oh, g.ow, g.cout], x, weight, bias);
  conv2dForward(x.data, weight.data, bias ? bias.data : null, g, out.data);
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      if (wantsGrad(weight) || wantsGrad(bias)) {
        conv2dBackwardWeight(
          x.data, out.grad, g,
          weight.requiresGrad ? weight.gradBuffer() : scratch(ctx, weight.size),
          wantsGrad(bias) ? bias.gradBuffer() : null,
        );
      }
      if (x.requiresGrad) conv2dBackwardInput(out.grad, weight.data, g, x.gradBuffer());
    });
  }
  return out;
}

export function activation(ctx: Ctx, x: Tensor, kind: ActivationKind, alpha = 0.1): Tensor {
  if (kind === 'linear') return x;
  const out = result(ctx, x.shape, x);
  activationForward(x.data, kind, alpha, out.data);
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (out.grad) activationBackward(x.data, out.data, out.grad, kind, alpha, x.gradBuffer());
    });
  }
  return out;
}

export interface PoolSpec {
  k: number;
  stride: number;
  pad: number;
}

export function maxPool(ctx: Ctx, x: Tensor, p: PoolSpec): Tensor {
  const { n, h, w, c } = nhwc(x);
  const g = convGeometry(n, h, w, c, { cout: c, kh: p.k, kw: p.k, stride: p.stride, pad: p.pad });
  const out = result(ctx, [n, g.oh, g.ow, c], x);
  const argmax = int32Scratch(ctx, out.size);
  maxPoolForward(x.data, g, out.data, argmax);
  if (ctx && out.requiresGrad) ctx.record(() => out.grad && maxPoolBackward(out.grad, argmax, x.gradBuffer()));
  return out;
}

export function avgPool(ctx: Ctx, x: Tensor, p: PoolSpec): Tensor {
  const { n, h, w, c } = nhwc(x);
  const g = convGeometry(n, h, w, c, { cout: c, kh: p.k, kw: p.k, stride: p.stride, pad: p.pad });
  const out = result(ctx, [n, g.oh, g.ow, c], x);
  avgPoolForward(x.data, g, out.data);
  if (ctx && out.requiresGrad) ctx.record(() => out.grad && avgPoolBackward(out.grad, g, x.gradBuffer()));
  return out;
}

/** [n, h, w, c] -> [n, 1, 1, c]. */
export function globalPool(ctx: Ctx, x: Tensor, kind: 'avg' | 'max'): Tensor {
  const { n, h, w, c } = nhwc(x);
  const out = result(ctx, [n, 1, 1, c], x);
  const argmax = kind === 'max' ? int32Scratch(ctx, n * c) : null;
  globalPoolForward(x.data, n, h * w, c, kind, out.data, argmax);
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      if (argmax) maxPoolBackward(out.grad, argmax, x.gradBuffer());
      else globalAvgPoolBackward(out.grad, n, h * w, c, x.gradBuffer());
    });
  }
  return out;
}

/** [n, h, w, c] -> [n, h, w, 1]: mean or max over channels. */
export function channelPool(ctx: Ctx, x: Tensor, kind: 'avg' | 'max'): Tensor {
  const { n, h, w, c } = nhwc(x);
  const pixels = n * h * w;
  const out = result(ctx, [n, h, w, 1], x);
  const argmax = kind === 'max' ? int32Scratch(ctx, pixels) : null;
  channelPoolForward(x.data, pixels, c, kind, out.data, argmax);
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      if (argmax) maxPoolBackward(out.grad, argmax, x.gradBuffer());
      else channelAvgPoolBackward(out.grad, pixels, c, x.gradBuffer());
    });
  }
  return out;
}

export function add(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
  if (a.size !== b.size) throw new Error(`add: sizes ${a.size} and ${b.size} differ`);
  const out = result(ctx, a.shape, a, b);
  for (let i = 0; i < a.size; i++) out.data[i] = a.data[i]! + b.data[i]!;
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      for (const t of [a, b]) {
        if (!t.requiresGrad) continue;
        const g = t.gradBuffer();
        for (let i = 0; i < g.length; i++) g[i] += out.grad[i]!;
      }
    });
  }
  return out;
}

/** x [n, h, w, c] times s [n, 1, 1, c] (channel attention) or [n, h, w, 1] (spatial attention). */
export function scale(ctx: Ctx, x: Tensor, s: Tensor): Tensor {
  const { n, h, w, c } = nhwc(x);
  const ss = nhwc(s);
  const perChannel = ss.h === 1 && ss.w === 1 && ss.c === c;
  if (!perChannel && !(ss.h === h && ss.w === w && ss.c === 1) || ss.n !== n) {
    throw new Error(`scale: cannot broadcast [${s.shape.join(', ')}] over [${x.shape.join(', ')}]`);
  }
  const out = result(ctx, x.shape, x, s);
  scaleForward(x.data, s.data, n, h * w, c, perChannel, out.data);
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      scaleBackward(
        x.data, s.data, out.grad, n, h * w, c, perChannel,
        x.requiresGrad ? x.gradBuffer() : null, s.requiresGrad ? s.gradBuffer() : null,
      );
    });
  }
  return out;
}

export function concatChannels(ctx: Ctx, xs: Tensor[]): Tensor {
  const first = nhwc(xs[0]!);
  const widths = xs.map((t) => {
    const d = nhwc(t);
    if (d.n !== first.n || d.h !== first.h || d.w !== first.w) {
      throw new Error(`concat: [${t.shape.join(', ')}] does not match [${xs[0]!.shape.join(', ')}]`);
    }
    return d.c;
  });
  const pixels = first.n * first.h * first.w;
  const out = result(ctx, [first.n, first.h, first.w, widths.reduce((a, b) => a + b, 0)], ...xs);
  concatChannelsForward(xs.map((t) => t.data), widths, pixels, out.data);
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      xs.forEach((t, k) => t.requiresGrad && concatChannelsBackward(out.grad!, widths, k, pixels, t.gradBuffer()));
    });
  }
  return out;
}

/** Nearest-neighbour resize to oh x ow: an integer upsample repeats, an integer downsample strides. */
export function resizeNearest(ctx: Ctx, x: Tensor, oh: number, ow: number): Tensor {
  const { n, h, w, c } = nhwc(x);
  if (oh === h && ow === w) return x;
  const rows = nearestIndex(h, oh), cols = nearestIndex(w, ow);
  const out = result(ctx, [n, oh, ow, c], x);
  resizeNearestForward(x.data, n, h, w, c, rows, cols, out.data);
  if (ctx && out.requiresGrad) {
    ctx.record(() => out.grad && resizeNearestBackward(out.grad, n, h, w, c, rows, cols, x.gradBuffer()));
  }
  return out;
}

export function upsampleNearest(ctx: Ctx, x: Tensor, factor: number): Tensor {
  const { h, w } = nhwc(x);
  return resizeNearest(ctx, x, h * factor, w * factor);
}

/** Keeps every factor-th pixel (top-left of each factor x factor cell). */
export function downsampleStrided(ctx: Ctx, x: Tensor, factor: number): Tensor {
  const { h, w } = nhwc(x);
  return resizeNearest(ctx, x, Math.ceil(h / factor), Math.ceil(w / factor));
}

/** Flattens each [n, ...] input per sample and concatenates along the sample: [n, sum(size / n)]. */
export function flattenConcat(ctx: Ctx, xs: Tensor[]): Tensor {
  const n = xs[0]!.shape[0]!;
  const per = xs.map((t) => t.size / n);
  const total = per.reduce((a, b) => a + b, 0);
  const out = result(ctx, [n, total], ...xs);
  for (let b = 0; b < n; b++) {
    let offset = b * total;
    xs.forEach((t, k) => {
      out.data.set(t.data.subarray(b * per[k]!, (b + 1) * per[k]!), offset);
      offset += per[k]!;
    });
  }
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      let offset = 0;
      xs.forEach((t, k) => {
        if (t.requiresGrad) {
          const g = t.gradBuffer();
          for (let b = 0; b < n; b++) {
            const src = b * total + offset, dst = b * per[k]!;
            for (let i = 0; i < per[k]!; i++) g[dst + i] += out.grad![src + i]!;
          }
        }
        offset += per[k]!;
      });
    });
  }
  return out;
}

/** Same values under a new shape (shares the data; the gradient is copied back). */
export function reshape(ctx: Ctx, x: Tensor, shape: number[]): Tensor {
  const out = new Tensor(shape, x.data, ctx ? ctx.pool : null);
  out.requiresGrad = x.requiresGrad;
  if (ctx && out.requiresGrad) {
    ctx.record(() => {
      if (!out.grad) return;
      const g = x.gradBuffer();
      for (let i = 0; i < g.length; i++) g[i] += out.grad[i]!;
    });
  }
  return out;
}
