/**
 * The thermal person detector of PAPER.md, built from a DetectorConfig.
 *
 * Backbone: stage1 conv -> maxpool -> CBAM; stage2 conv -> SPPF = p1 (H/2);
 * stage3 conv -> maxpool -> depthwise -> spatial attention, concat resized p1 -> SPPF = p2 (H/4);
 * stage4 conv -> maxpool -> depthwise -> spatial attention, concat resized p2 = p3 (H/8).
 * FPN: 1x1 laterals; fused = concat(down(p1'), p2', up(p3')) -> depthwise 3x3 = p2_out;
 * concat(down(fused), p3') -> depthwise 3x3 = p3_out.
 * Heads (independent weights): depthwise-separable 3x3 to head width, depthwise-separable 1x1 to
 * anchors * (4 + classes). Output [N, totalAnchors, 4 + classes], p2_out anchors first, each scale
 * row-major over (y, x, anchor) — the contract with src/nn/detect and src/nn/loss.
 */
import { Tensor, nhwc } from '../tensor.js';
import { ConvBlock } from '../layers/basic.js';
import { Cbam, DepthwiseSeparable, SpatialAttention, Sppf } from '../layers/blocks.js';
import { Layer } from '../layers/layer.js';
import { concatChannels, downsampleStrided, flattenConcat, maxPool, reshape, resizeNearest, upsampleNearest, type Ctx } from '../layers/ops.js';
import { Rng } from '../layers/rng.js';
import type { AnchorSpec } from '../detect/types.js';
import { scaledWidth, type DetectorConfig } from './config.js';

export interface DetectorGeometry {
  p2: { width: number; height: number };
  p3: { width: number; height: number };
  /** 4 box offsets + one logit per class. */
  valuesPerAnchor: number;
  totalAnchors: number;
}

export function detectorGeometry(config: DetectorConfig): DetectorGeometry {
  const { width, height } = config.input;
  const p2 = { width: width / 4, height: height / 4 };
  const p3 = { width: width / 8, height: height / 8 };
  const a = config.anchors.perLocation;
  return {
    p2, p3, valuesPerAnchor: 4 + config.classes.length,
    totalAnchors: (p2.width * p2.height + p3.width * p3.height) * a,
  };
}

/** The anchor layout matching the head output, for src/nn/detect's buildAnchors. */
export function detectorAnchorSpec(config: DetectorConfig): AnchorSpec {
  const g = detectorGeometry(config);
  return {
    inputWidth: config.input.width,
    inputHeight: config.input.height,
    scales: [
      { name: 'p2_out', featureWidth: g.p2.width, featureHeight: g.p2.height, sizes: config.anchors.p2_out },
      { name: 'p3_out', featureWidth: g.p3.width, featureHeight: g.p3.height, sizes: config.anchors.p3_out },
    ],
  };
}

const POOL2 = { k: 2, stride: 2, pad: 0 };

/** conv -> maxpool -> depthwise -> spatial attention (stages 3 and 4 before the concat). */
export class DownStage extends Layer {
  readonly conv: ConvBlock;
  readonly depthwise: ConvBlock;
  readonly attention: SpatialAttention;

  constructor(cin: number, cout: number, config: DetectorConfig, rng: Rng) {
    super();
    const act = config.activation;
    this.conv = new ConvBlock(cin, { cout, kh: 3, kw: 3, pad: 'same' }, act, rng);
    this.depthwise = new ConvBlock(cout, { cout, kh: 3, kw: 3, pad: 'same', groups: cout }, act, rng);
    this.attention = new SpatialAttention(config.attention.spatialKernel, rng);
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    const y = maxPool(ctx, this.conv.forward(ctx, x), POOL2);
    return this.attention.forward(ctx, this.depthwise.forward(ctx, y));
  }

  override children(): Array<[string, Layer]> {
    return [['conv', this.conv], ['depthwise', this.depthwise], ['attention', this.attention]];
  }
}

export class Head extends Layer {
  readonly spread: DepthwiseSeparable;
  readonly predict: DepthwiseSeparable;

  constructor(cin: number, width: number, outputs: number, config: DetectorConfig, rng: Rng) {
    super();
    this.spread = new DepthwiseSeparable(cin, width, 3, config.activation, rng);
    this.predict = new DepthwiseSeparable(width, outputs, 1, config.activation, rng, true);
  }

  forward(ctx: Ctx, x: Tensor): Tensor {
    return this.predict.forward(ctx, this.spread.forward(ctx, x));
  }

  override children(): Array<[string, Layer]> {
    return [['spread', this.spread], ['predict', this.predict]];
  }
}

export class Detector extends Layer {
  readonly geometry: DetectorGeometry;
  readonly stage1Conv: ConvBlock;
  readonly stage1Cbam: Cbam;
  readonly stage2Conv: ConvBlock;
  readonly stage2Sppf: Sppf;
  readonly stage3: DownStage;
  readonly stage3Sppf: Sppf;
  readonly stage4: DownStage;
  readonly lateral1: ConvBlock;
  readonly lateral2: ConvBlock;
  readonly lateral3: ConvBlock;
  readonly fpnP2: ConvBlock;
  readonly fpnP3: ConvBlock;
  readonly headP2: Head;
  readonly headP3: Head;

  constructor(readonly config: DetectorConfig, seed = 1) {
    super();
    const rng = new Rng(seed);
    const w = (n: number): number => scaledWidth(config, n);
    const act = config.activation;
    const c1 = w(config.backbone.stage1.width), c2 = w(config.backbone.stage2.width);
    const c3 = w(config.backbone.stage3.width), c4 = w(config.backbone.stage4.width);
    const f = w(config.fpn.width), hw = w(config.head.width);
    this.geometry = detectorGeometry(config);
    const outputs = config.anchors.perLocation * this.geometry.valuesPerAnchor;
    const { channelReduction, spatialKernel } = config.attention;
    const pool = config.sppf.poolKernel;

    this.stage1Conv = new ConvBlock(config.input.channels, { cout: c1, kh: 3, kw: 3, pad: 'same' }, act, rng);
    this.stage1Cbam = new Cbam(c1, channelReduction, spatialKernel, rng);
    this.stage2Conv = new ConvBlock(c1, { cout: c2, kh: 3, kw: 3, pad: 'same' }, act, rng);
    this.stage2Sppf = new Sppf(c2, c2, pool, act, rng);
    this.stage3 = new DownStage(c2, c3, config, rng);
    this.stage3Sppf = new Sppf(c3 + c2, c3, pool, act, rng);
    this.stage4 = new DownStage(c3, c4, config, rng);
    const p3Channels = c4 + c3;
    const lateral = (cin: number): ConvBlock => new ConvBlock(cin, { cout: f, kh: 1, kw: 1 }, act, rng);
    this.lateral1 = lateral(c2);
    this.lateral2 = lateral(c3);
    this.lateral3 = lateral(p3Channels);
    const depthwise3 = (c: number): ConvBlock => new ConvBlock(c, { cout: c, kh: 3, kw: 3, pad: 'same', groups: c }, act, rng);
    this.fpnP2 = depthwise3(3 * f);
    this.fpnP3 = depthwise3(4 * f);
    this.headP2 = new Head(3 * f, hw, outputs, config, rng);
    this.headP3 = new Head(4 * f, hw, outputs, config, rng);
  }

  /** x [N, H, W, channels] -> [N, totalAnchors, 4 + classes]. */
  forward(ctx: Ctx, x: Tensor): Tensor {
    const { n, h, w, c } = nhwc(x);
    const input = this.config.input;
    if (h !== input.height || w !== input.width || c !== input.channels) {
      throw new Error(`detector expects [N, ${input.height}, ${input.width}, ${input.channels}] input, got [${x.shape.join(', ')}]`);
    }
    const s1 = this.stage1Cbam.forward(ctx, maxPool(ctx, this.stage1Conv.forward(ctx, x), POOL2));
    const p1 = this.stage2Sppf.forward(ctx, this.stage2Conv.forward(ctx, s1));
    const s3 = this.stage3.forward(ctx, p1);
    const p2 = this.stage3Sppf.forward(ctx, concatChannels(ctx, [s3, resizeNearest(ctx, p1, nhwc(s3).h, nhwc(s3).w)]));
    const s4 = this.stage4.forward(ctx, p2);
    const p3 = concatChannels(ctx, [s4, resizeNearest(ctx, p2, nhwc(s4).h, nhwc(s4).w)]);

    const l1 = this.lateral1.forward(ctx, p1), l2 = this.lateral2.forward(ctx, p2), l3 = this.lateral3.forward(ctx, p3);
    const fused = concatChannels(ctx, [downsampleStrided(ctx, l1, 2), l2, upsampleNearest(ctx, l3, 2)]);
    const p2Out = this.fpnP2.forward(ctx, fused);
    const p3Out = this.fpnP3.forward(ctx, concatChannels(ctx, [downsampleStrided(ctx, fused, 2), l3]));

    const out = flattenConcat(ctx, [this.headP2.forward(ctx, p2Out), this.headP3.forward(ctx, p3Out)]);
    const g = this.geometry;
    return reshape(ctx, out, [n, g.totalAnchors, g.valuesPerAnchor]);
  }

  override children(): Array<[string, Layer]> {
    return [
      ['backbone.stage1.conv', this.stage1Conv], ['backbone.stage1.cbam', this.stage1Cbam],
      ['backbone.stage2.conv', this.stage2Conv], ['backbone.stage2.sppf', this.stage2Sppf],
      ['backbone.stage3', this.stage3], ['backbone.stage3.sppf', this.stage3Sppf],
      ['backbone.stage4', this.stage4],
      ['fpn.lateral1', this.lateral1], ['fpn.lateral2', this.lateral2], ['fpn.lateral3', this.lateral3],
      ['fpn.p2', this.fpnP2], ['fpn.p3', this.fpnP3],
      ['head.p2', this.headP2], ['head.p3', this.headP3],
    ];
  }

  /** Every conv -> BatchNorm -> activation block, for folding BatchNorm at export. */
  convBlocks(): ConvBlock[] {
    const found: ConvBlock[] = [];
    const walk = (layer: Layer): void => {
      if (layer instanceof ConvBlock) found.push(layer);
      for (const [, child] of layer.children()) walk(child);
    };
    walk(this);
    return found;
  }

  parameterCount(): number {
    return this.parameters().reduce((s, p) => s + p.tensor.size, 0);
  }
}

/** Folds every BatchNorm into its conv (inference/export form); the model must be in eval mode. */
export function foldBatchNorm(model: Detector): void {
  model.setTraining(false);
  for (const block of model.convBlocks()) block.foldBatchNorm();
}
