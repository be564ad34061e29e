/**
 * Basic layers: convolution (any kernel, stride, padding, groups), BatchNorm, and the
 * conv -> BatchNorm -> activation block every stage of the detector is made of. BatchNorm folds
 * into the conv for export (foldBatchNorm), after which the block is a conv with bias.
 */
import { Tensor, nhwc } from '../tensor.js';
import type { ConvSpec } from '../kernels/conv-geometry.js';
import { batchNormEvalForward, batchNormTrainBackward, batchNormTrainForward } from '../kernels/batchnorm.js';
import type { ActivationKind } from '../kernels/elementwise.js';
import { activation, conv2d, result, savedScratch, scratch, type Ctx } from './ops.js';
import { Layer, heNormal, parameterTensor, type Buffer, type Parameter } from './layer.js';
import type { Rng } from './rng.js';

export class Conv2d extends Layer {
  readonly weight: Tensor;
  bias: Tensor | null;

  constructor(readonly cin: number, readonly spec: ConvSpec, withBias: boolean, rng: Rng, gain = Math.SQRT2) {
    super();
    const groups = spec.groups ?? 1;
    const cinPerGroup = cin / groups;
    if (!Number.isInteger(cinPerGroup)) throw new Error(`conv: ${cin} input channels do not split into ${groups} groups`);
    this.weight = parameterTensor([spec.kh, spec.kw, cinPerGroup, spec.cout]);
    heNormal(this.weight, spec.kh * spec.kw * cinPerGroup, rng, gain);
    this.bias = withBias ? parameterTensor([spec.cout]) : null;
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    return conv2d(ctx, x, this.weight, this.bias, this.spec);
  }

  override ownParameters(): Parameter[] {
    const ps: Parameter[] = [{ name: 'weight', tensor: this.weight, decay: true }];
    if (this.bias) ps.push({ name: 'bias', tensor: this.bias, decay: false });
    return ps;
  }

  /** Adds a bias parameter (zero) if the conv has none; used when BatchNorm folds into it. */
  ensureBias(): Tensor {
    if (!this.bias) this.bias = parameterTensor([this.spec.cout]);
    return this.bias;
  }

  macsPerPixel(): number {
    return this.weight.size;
  }
}

export class BatchNorm extends Layer {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly runningMean: Float32Array;
  readonly runningVar: Float32Array;

  constructor(readonly channels: number, readonly momentum = 0.1, readonly eps = 1e-5) {
    super();
    this.gamma = parameterTensor([channels]);
    this.gamma.data.fill(1);
    this.beta = parameterTensor([channels]);
    this.runningMean = new Float32Array(channels);
    this.runningVar = new Float32Array(channels).fill(1);
  }

  /** `relu`: apply a ReLU in the same pass (training mode only; ConvBlock asks for it). */
  forward(ctx: Ctx, x: Tensor, relu = false): Tensor {
    const c = this.channels;
    const rows = x.size / c;
    const out = result(ctx, x.shape, x, this.gamma);
    if (!this.training) {
      if (relu) throw new Error('BatchNorm: the fused ReLU is for training mode');
      const { scale, shift } = this.evalAffine();
      batchNormEvalForward(x.data, rows, c, scale, shift, out.data);
      if (ctx && out.requiresGrad) ctx.record(() => this.evalBackward(x, out, scale));
      return out;
    }
    const xhat = savedScratch(ctx, x.size);
    const stats = batchNormTrainForward(x.data, rows, c, this.gamma.data, this.beta.data, this.eps, out.data, xhat, relu);
    const m = this.momentum;
    for (let ch = 0; ch < c; ch++) {
      this.runningMean[ch] = (1 - m) * this.runningMean[ch]! + m * stats.mean[ch]!;
      this.runningVar[ch] = (1 - m) * this.runningVar[ch]! + m * stats.varUnbiased[ch]!;
    }
    if (ctx && out.requiresGrad) {
      ctx.record(() => {
        if (!out.grad) return;
        batchNormTrainBackward(
          out.grad, xhat, rows, c, this.gamma.data, stats.invStd,
          x.requiresGrad ? x.gradBuffer() : scratch(ctx, x.size), this.gamma.gradBuffer(), this.beta.gradBuffer(),
          relu ? out.data : null,
        );
      });
    }
    return out;
  }

  /** Eval mode is a per-channel affine map: dx = dy * scale, dbeta = dy, dgamma = dy * x_normalised. */
  private evalBackward(x: Tensor, out: Tensor, scale: Float32Array): void {
    if (!out.grad) return;
    const c = this.channels, dy = out.grad;
    const dx = x.requiresGrad ? x.gradBuffer() : null;
    const dgamma = this.gamma.gradBuffer(), dbeta = this.beta.gradBuffer();
    for (let o = 0; o < dy.length; o++) {
      const ch = o % c;
      if (dx) dx[o] += dy[o]! * scale[ch]!;
      dbeta[ch] += dy[o]!;
      dgamma[ch] += (dy[o]! * (x.data[o]! - this.runningMean[ch]!)) / Math.sqrt(this.runningVar[ch]! + this.eps);
    }
  }

  /** y = scale * x + shift with the running statistics. */
  evalAffine(): { scale: Float32Array; shift: Float32Array } {
    const scale = new Float32Array(this.channels), shift = new Float32Array(this.channels);
    for (let ch = 0; ch < this.channels; ch++) {
      scale[ch] = this.gamma.data[ch]! / Math.sqrt(this.runningVar[ch]! + this.eps);
      shift[ch] = this.beta.data[ch]! - this.runningMean[ch]! * scale[ch]!;
    }
    return { scale, shift };
  }

  override ownParameters(): Parameter[] {
    return [
      { name: 'gamma', tensor: this.gamma, decay: false },
      { name: 'beta', tensor: this.beta, decay: false },
    ];
  }

  override ownBuffers(): Buffer[] {
    return [
      { name: 'runningMean', data: this.runningMean },
      { name: 'runningVar', data: this.runningVar },
    ];
  }
}

/** conv -> BatchNorm -> activation; after foldBatchNorm(), conv (with bias) -> activation. */
export class ConvBlock extends Layer {
  readonly conv: Conv2d;
  bn: BatchNorm | null;

  constructor(
    cin: number, spec: ConvSpec, readonly act: ActivationKind, rng: Rng, withBatchNorm = true, readonly alpha = 0.1,
  ) {
    super();
    this.conv = new Conv2d(cin, spec, !withBatchNorm, rng, act === 'linear' || act === 'sigmoid' ? 1 : Math.SQRT2);
    this.bn = withBatchNorm ? new BatchNorm(spec.cout) : null;
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    const y = this.conv.forward(ctx, x);
    // training-mode BatchNorm + ReLU in one pass: the same values, one map and one pass fewer
    if (this.bn?.training && this.act === 'relu') return this.bn.forward(ctx, y, true);
    return activation(ctx, this.bn ? this.bn.forward(ctx, y) : y, this.act, this.alpha);
  }

  override children(): Array<[string, Layer]> {
    const c: Array<[string, Layer]> = [['conv', this.conv]];
    if (this.bn) c.push(['bn', this.bn]);
    return c;
  }

  /** Folds the running statistics into the conv: w' = w * s per output channel, b' = b * s + t. */
  foldBatchNorm(): void {
    if (!this.bn) return;
    const { scale, shift } = this.bn.evalAffine();
    const w = this.conv.weight.data;
    const cout = this.conv.spec.cout;
    for (let i = 0; i < w.length; i++) w[i] *= scale[i % cout]!;
    const bias = this.conv.ensureBias().data;
    for (let ch = 0; ch < cout; ch++) bias[ch] = bias[ch]! * scale[ch]! + shift[ch]!;
    this.bn = null;
  }
}
