/**
 * The same detector in TensorFlow.js (pure-JS CPU backend), for the throughput comparison: every
 * layer of a built Detector is mirrored with tf ops on tf.variables initialised from our weights
 * (HWIO conv weights are tf's layout; depthwise [kh, kw, 1, c] becomes [kh, kw, c, 1]). BatchNorm
 * runs in training mode (batch moments), like ours. A test checks both give the same output.
 */
import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, ConvBlock } from '../../src/nn/layers/basic.js';
import { Cbam, ChannelAttention, DepthwiseSeparable, SpatialAttention, Sppf } from '../../src/nn/layers/blocks.js';
import { Detector, DownStage, Head } from '../../src/nn/model/detector.js';
import type { ActivationKind } from '../../src/nn/kernels/elementwise.js';

type T4 = tf.Tensor4D;

export class TfDetector {
  readonly variables: tf.Variable[] = [];
  private readonly vars = new Map<object, tf.Variable>();

  constructor(readonly model: Detector) {
    for (const p of model.parameters()) {
      const t = p.tensor;
      const v = tf.variable(tf.tensor(Array.from(t.data), t.shape.slice()), true, p.name.replace(/[^A-Za-z0-9_.\-/]/g, '_'));
      this.vars.set(t, v);
      this.variables.push(v);
    }
  }

  private v(t: object): tf.Variable {
    const v = this.vars.get(t);
    if (!v) throw new Error('tfjs mirror: unknown parameter');
    return v;
  }

  private conv(layer: Conv2d, x: T4): T4 {
    const s = layer.spec;
    const stride = s.stride ?? 1;
    const pad = s.pad === 'same' ? (s.kh - 1) >> 1 : s.pad ?? 0;
    const padding: [[0, 0], [number, number], [number, number], [0, 0]] = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
    const groups = s.groups ?? 1;
    let y: T4;
    if (groups === 1) {
      y = tf.conv2d(x, this.v(layer.weight) as tf.Tensor4D, stride, pad === 0 ? 'valid' : padding);
    } else if (groups === layer.cin && groups === s.cout) {
      const w = tf.reshape(this.v(layer.weight), [s.kh, s.kw, s.cout, 1]) as tf.Tensor4D;
      y = tf.depthwiseConv2d(x, w, stride, pad === 0 ? 'valid' : padding);
    } else {
      throw new Error('tfjs mirror: grouped conv other than depthwise is not used by the detector');
    }
    return layer.bias ? tf.add(y, this.v(layer.bias)) : y;
  }

  private batchNorm(bn: BatchNorm, x: T4): T4 {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, bn.eps))), this.v(bn.gamma)), this.v(bn.beta));
  }

  private act(kind: ActivationKind, x: T4, alpha = 0.1): T4 {
    switch (kind) {
      case 'relu': return tf.relu(x);
      case 'relu6': return tf.relu6(x);
      case 'leaky': return tf.leakyRelu(x, alpha);
      case 'sigmoid': return tf.sigmoid(x);
      case 'linear': return x;
    }
  }

  private block(b: ConvBlock, x: T4): T4 {
    let y = this.conv(b.conv, x);
    if (b.bn) y = this.batchNorm(b.bn, y);
    return this.act(b.act, y, b.alpha);
  }

  private channelAttention(a: ChannelAttention, x: T4): T4 {
    const mlp = (v: T4): T4 => this.conv(a.expand, tf.relu(this.conv(a.squeeze, v)));
    const logits = tf.add(mlp(tf.mean(x, [1, 2], true)), mlp(tf.max(x, [1, 2], true)));
    return tf.mul(x, tf.sigmoid(logits));
  }

  private spatialAttention(a: SpatialAttention, x: T4): T4 {
    const pooled = tf.concat([tf.mean(x, 3, true), tf.max(x, 3, true)], 3) as T4;
    return tf.mul(x, tf.sigmoid(this.conv(a.conv, pooled)));
  }

  private cbam(c: Cbam, x: T4): T4 {
    return this.spatialAttention(c.spatial, this.channelAttention(c.channel, x));
  }

  private sppf(s: Sppf, x: T4): T4 {
    const y0 = this.block(s.reduce, x);
    const pool = (t: T4): T4 => tf.maxPool(t, s.poolKernel, 1, 'same');
    const y1 = pool(y0), y2 = pool(y1), y3 = pool(y2);
    return this.block(s.fuse, tf.concat([y0, y1, y2, y3], 3) as T4);
  }

  private separable(d: DepthwiseSeparable, x: T4): T4 {
    return this.block(d.pointwise, this.block(d.depthwise, x));
  }

  private downStage(d: DownStage, x: T4): T4 {
    const y = tf.maxPool(this.block(d.conv, x), 2, 2, 'valid');
    return this.spatialAttention(d.attention, this.block(d.depthwise, y));
  }

  private head(h: Head, x: T4): T4 {
    return this.separable(h.predict, this.separable(h.spread, x));
  }

  /**
   * Nearest resize by an integer factor, as ours (upsample repeats, downsample strides). Built
   * from stack, reshape and slice because tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad
   * returns NaN gradients on this network (measured with the check in train-throughput.ts).
   */
  private resize(x: T4, h: number, w: number): T4 {
    const [n, ih, iw, c] = x.shape;
    if (ih === h && iw === w) return x;
    if (h === ih * 2 && w === iw * 2) {
      const columns = tf.reshape(tf.stack([x, x], 3), [n, ih, w, c]);
      return tf.reshape(tf.stack([columns, columns], 2), [n, h, w, c]) as T4;
    }
    if (h * 2 === ih && w * 2 === iw) {
      // top-left pixel of every 2x2 cell (StridedSlice has no gradient in tfjs; slice does)
      const cells = tf.reshape(x, [n, h, 2, w, 2, c]);
      return tf.reshape(tf.slice(cells, [0, 0, 0, 0, 0, 0], [n, h, 1, w, 1, c]), [n, h, w, c]) as T4;
    }
    throw new Error(`tfjs mirror: resize ${ih}x${iw} -> ${h}x${w} is not a factor of 2`);
  }

  /** x [N, H, W, C] -> [N, totalAnchors, 4 + classes], as Detector.forward. */
  forward(x: T4): tf.Tensor3D {
    const m = this.model;
    const s1 = this.cbam(m.stage1Cbam, tf.maxPool(this.block(m.stage1Conv, x), 2, 2, 'valid'));
    const p1 = this.sppf(m.stage2Sppf, this.block(m.stage2Conv, s1));
    const s3 = this.downStage(m.stage3, p1);
    const p2 = this.sppf(m.stage3Sppf, tf.concat([s3, this.resize(p1, s3.shape[1], s3.shape[2])], 3) as T4);
    const s4 = this.downStage(m.stage4, p2);
    const p3 = tf.concat([s4, this.resize(p2, s4.shape[1], s4.shape[2])], 3) as T4;
    const l1 = this.block(m.lateral1, p1), l2 = this.block(m.lateral2, p2), l3 = this.block(m.lateral3, p3);
    const down = (t: T4): T4 => this.resize(t, Math.ceil(t.shape[1] / 2), Math.ceil(t.shape[2] / 2));
    const fused = tf.concat([down(l1), l2, this.resize(l3, l3.shape[1] * 2, l3.shape[2] * 2)], 3) as T4;
    const p2Out = this.block(m.fpnP2, fused);
    const p3Out = this.block(m.fpnP3, tf.concat([down(fused), l3], 3) as T4);
    const n = x.shape[0];
    const heads = [this.head(m.headP2, p2Out), this.head(m.headP3, p3Out)].map((h) => tf.reshape(h, [n, -1]));
    const g = m.geometry;
    return tf.reshape(tf.concat(heads, 1), [n, g.totalAnchors, g.valuesPerAnchor]) as tf.Tensor3D;
  }
}
