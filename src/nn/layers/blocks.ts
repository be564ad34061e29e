/**
 * Composite blocks of the detector: CBAM channel and spatial attention (Woo et al. 2018), SPPF
 * (YOLOv5's fast spatial pyramid pooling: chained max pools, concatenated, 1x1 conv) and the
 * depthwise-separable conv (depthwise k x k then pointwise 1x1).
 */
import { Tensor, nhwc } from '../tensor.js';
import type { ActivationKind } from '../kernels/elementwise.js';
import {
  activation, add, channelPool, concatChannels, globalPool, maxPool, scale, type Ctx,
} from './ops.js';
import { Conv2d, ConvBlock } from './basic.js';
import { Layer } from './layer.js';
import type { Rng } from './rng.js';

/** x * sigmoid(MLP(avgpool(x)) + MLP(maxpool(x))), the MLP shared between both pools. */
export class ChannelAttention extends Layer {
  readonly squeeze: Conv2d;
  readonly expand: Conv2d;

  constructor(readonly channels: number, reduction: number, rng: Rng) {
    super();
    const hidden = Math.max(1, Math.round(channels / reduction));
    this.squeeze = new Conv2d(channels, { cout: hidden, kh: 1, kw: 1 }, true, rng);
    this.expand = new Conv2d(hidden, { cout: channels, kh: 1, kw: 1 }, true, rng, 1);
  }

  private mlp(ctx: Ctx, v: Tensor): Tensor {
    return this.expand.forward(ctx, activation(ctx, this.squeeze.forward(ctx, v), 'relu'));
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    const logits = add(ctx, this.mlp(ctx, globalPool(ctx, x, 'avg')), this.mlp(ctx, globalPool(ctx, x, 'max')));
    return scale(ctx, x, activation(ctx, logits, 'sigmoid'));
  }

  override children(): Array<[string, Layer]> {
    return [['squeeze', this.squeeze], ['expand', this.expand]];
  }
}

/** x * sigmoid(conv_kxk([mean_c(x), max_c(x)])). */
export class SpatialAttention extends Layer {
  readonly conv: Conv2d;

  constructor(readonly kernel: number, rng: Rng) {
    super();
    this.conv = new Conv2d(2, { cout: 1, kh: kernel, kw: kernel, pad: 'same' }, true, rng, 1);
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    const pooled = concatChannels(ctx, [channelPool(ctx, x, 'avg'), channelPool(ctx, x, 'max')]);
    return scale(ctx, x, activation(ctx, this.conv.forward(ctx, pooled), 'sigmoid'));
  }

  override children(): Array<[string, Layer]> {
    return [['conv', this.conv]];
  }
}

/** Channel attention, then spatial attention. */
export class Cbam extends Layer {
  readonly channel: ChannelAttention;
  readonly spatial: SpatialAttention;

  constructor(channels: number, reduction: number, spatialKernel: number, rng: Rng) {
    super();
    this.channel = new ChannelAttention(channels, reduction, rng);
    this.spatial = new SpatialAttention(spatialKernel, rng);
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    return this.spatial.forward(ctx, this.channel.forward(ctx, x));
  }

  override children(): Array<[string, Layer]> {
    return [['channel', this.channel], ['spatial', this.spatial]];
  }
}

/** 1x1 to half width, three chained k x k stride-1 max pools, concat of all four, 1x1 to cout. */
export class Sppf extends Layer {
  readonly reduce: ConvBlock;
  readonly fuse: ConvBlock;

  constructor(cin: number, cout: number, readonly poolKernel: number, act: ActivationKind, rng: Rng) {
    super();
    const hidden = Math.max(1, cin >> 1);
    this.reduce = new ConvBlock(cin, { cout: hidden, kh: 1, kw: 1 }, act, rng);
    this.fuse = new ConvBlock(hidden * 4, { cout, kh: 1, kw: 1 }, act, rng);
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    const pool = { k: this.poolKernel, stride: 1, pad: this.poolKernel >> 1 };
    const y0 = this.reduce.forward(ctx, x);
    const y1 = maxPool(ctx, y0, pool);
    const y2 = maxPool(ctx, y1, pool);
    const y3 = maxPool(ctx, y2, pool);
    return this.fuse.forward(ctx, concatChannels(ctx, [y0, y1, y2, y3]));
  }

  override children(): Array<[string, Layer]> {
    return [['reduce', this.reduce], ['fuse', this.fuse]];
  }
}

/**
 * Depthwise k x k (BatchNorm, activation) then pointwise 1x1 to cout. The last block of a head is
 * `linearOut`: its pointwise conv has a bias and no BatchNorm or activation (raw box/class logits).
 */
export class DepthwiseSeparable extends Layer {
  readonly depthwise: ConvBlock;
  readonly pointwise: ConvBlock;

  constructor(cin: number, cout: number, kernel: number, act: ActivationKind, rng: Rng, linearOut = false) {
    super();
    // BatchNorm after a 1x1 depthwise conv would cancel its scale (BN(w x) = sign(w) BN(x)) and
    // turn the weight into a step function; the 1x1 form therefore takes a bias instead.
    const depthwiseSpec = { cout: cin, kh: kernel, kw: kernel, pad: 'same' as const, groups: cin };
    this.depthwise = new ConvBlock(cin, depthwiseSpec, act, rng, kernel > 1);
    this.pointwise = new ConvBlock(cin, { cout, kh: 1, kw: 1 }, linearOut ? 'linear' : act, rng, !linearOut);
    if (linearOut) {
      // small initial logits keep the first steps of the loss well-conditioned
      const w = this.pointwise.conv.weight.data;
      for (let i = 0; i < w.length; i++) w[i] *= 0.1;
    }
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    nhwc(x);
    return this.pointwise.forward(ctx, this.depthwise.forward(ctx, x));
  }

  override children(): Array<[string, Layer]> {
    return [['depthwise', this.depthwise], ['pointwise', this.pointwise]];
  }
}
