/**
 * The detector (BatchNorm folded) as a flat list of float nodes, node for node the structure of the
 * int8 graph (graph.ts): the quantiser runs it to calibrate every tensor's range, then converts
 * each node. `runFloatGraph` computes with the model's own ops (src/nn/layers/ops.ts), and the
 * tests require its head outputs to equal Detector.forward, so this mirror of Detector.forward
 * cannot drift silently.
 */
import { Tensor, nhwc } from '../tensor.js';
import { convGeometry } from '../kernels/conv-geometry.js';
import type { ActivationKind } from '../kernels/elementwise.js';
import type { ConvBlock, Conv2d } from '../layers/basic.js';
import type { ChannelAttention, SpatialAttention, Sppf, DepthwiseSeparable } from '../layers/blocks.js';
import {
  activation, add, channelPool, concatChannels, conv2d, globalPool, maxPool, resizeNearest, scale,
} from '../layers/ops.js';
import type { Detector, DownStage, Head } from '../model/detector.js';
import type { HeadOutput, QOp } from './graph.js';

export interface FloatTensor {
  name: string;
  /** [h, w, c] per frame. */
  shape: [number, number, number];
}

interface FloatNodeBase {
  name: string;
  op: QOp;
  inputs: number[];
  outputs: [number];
}

export interface FloatConvNode extends FloatNodeBase {
  op: 'conv2d' | 'depthwiseConv2d';
  conv: Conv2d;
  act: ActivationKind;
}

export interface FloatPoolNode extends FloatNodeBase {
  op: 'maxPool';
  k: number;
  stride: number;
  pad: number;
}

export interface FloatGlobalPoolNode extends FloatNodeBase {
  op: 'globalPool';
  kind: 'avg' | 'max';
}

export interface FloatMulNode extends FloatNodeBase {
  op: 'mul';
  broadcast: 'channel' | 'pixel';
}

export interface FloatPlainNode extends FloatNodeBase {
  op: 'channelMeanMax' | 'sigmoid' | 'add' | 'concat' | 'resizeNearest';
}

export type FloatNode = FloatConvNode | FloatPoolNode | FloatGlobalPoolNode | FloatMulNode | FloatPlainNode;

export interface FloatGraph {
  tensors: FloatTensor[];
  nodes: FloatNode[];
  input: number;
  outputs: HeadOutput[];
}

class GraphBuilder {
  readonly tensors: FloatTensor[] = [];
  readonly nodes: FloatNode[] = [];

  tensor(name: string, shape: [number, number, number]): number {
    this.tensors.push({ name, shape });
    return this.tensors.length - 1;
  }

  shape(t: number): [number, number, number] {
    return this.tensors[t]!.shape;
  }

  private emit<N extends FloatNode>(node: Omit<N, 'outputs'>, shape: [number, number, number]): number {
    const out = this.tensor(node.name, shape);
    this.nodes.push({ ...node, outputs: [out] } as unknown as FloatNode);
    return out;
  }

  conv(name: string, conv: Conv2d, act: ActivationKind, x: number): number {
    const [h, w, c] = this.shape(x);
    const g = convGeometry(1, h, w, c, conv.spec);
    const op = g.groups === 1 ? 'conv2d' : 'depthwiseConv2d';
    if (g.groups !== 1 && (g.groups !== c || g.cout !== c)) throw new Error(`${name}: grouped conv other than depthwise is not supported in int8`);
    return this.emit<FloatConvNode>({ name, op, inputs: [x], conv, act }, [g.oh, g.ow, g.cout]);
  }

  block(name: string, block: ConvBlock, x: number): number {
    if (block.bn) throw new Error(`${name}: BatchNorm is not folded (call foldBatchNorm first)`);
    return this.conv(name, block.conv, block.act, x);
  }

  maxPool(name: string, x: number, k: number, stride: number, pad: number): number {
    const [h, w, c] = this.shape(x);
    const g = convGeometry(1, h, w, c, { cout: c, kh: k, kw: k, stride, pad });
    return this.emit<FloatPoolNode>({ name, op: 'maxPool', inputs: [x], k, stride, pad }, [g.oh, g.ow, c]);
  }

  globalPool(name: string, x: number, kind: 'avg' | 'max'): number {
    return this.emit<FloatGlobalPoolNode>({ name, op: 'globalPool', inputs: [x], kind }, [1, 1, this.shape(x)[2]]);
  }

  plain(name: string, op: FloatPlainNode['op'], inputs: number[], shape: [number, number, number]): number {
    return this.emit<FloatPlainNode>({ name, op, inputs }, shape);
  }

  mul(name: string, x: number, gate: number, broadcast: 'channel' | 'pixel'): number {
    return this.emit<FloatMulNode>({ name, op: 'mul', inputs: [x, gate], broadcast }, this.shape(x));
  }

  concat(name: string, xs: number[]): number {
    const [h, w] = this.shape(xs[0]!);
    return this.plain(name, 'concat', xs, [h, w, xs.reduce((s, t) => s + this.shape(t)[2], 0)]);
  }

  resize(name: string, x: number, oh: number, ow: number): number {
    const [h, w, c] = this.shape(x);
    return oh === h && ow === w ? x : this.plain(name, 'resizeNearest', [x], [oh, ow, c]);
  }
}

const POOL2 = { k: 2, stride: 2, pad: 0 };

function channelAttention(b: GraphBuilder, name: string, ca: ChannelAttention, x: number): number {
  const c = b.shape(x)[2];
  const branch = (kind: 'avg' | 'max'): number => {
    const pooled = b.globalPool(`${name}.g${kind}`, x, kind);
    const hidden = b.conv(`${name}.squeeze.${kind}`, ca.squeeze, 'relu', pooled);
    return b.conv(`${name}.expand.${kind}`, ca.expand, 'linear', hidden);
  };
  const logits = b.plain(`${name}.add`, 'add', [branch('avg'), branch('max')], [1, 1, c]);
  const gate = b.plain(`${name}.sigmoid`, 'sigmoid', [logits], [1, 1, c]);
  return b.mul(`${name}.scale`, x, gate, 'channel');
}

function spatialAttention(b: GraphBuilder, name: string, sa: SpatialAttention, x: number): number {
  const [h, w] = b.shape(x);
  const pooled = b.plain(`${name}.meanmax`, 'channelMeanMax', [x], [h, w, 2]);
  const logits = b.conv(`${name}.conv`, sa.conv, 'linear', pooled);
  const gate = b.plain(`${name}.sigmoid`, 'sigmoid', [logits], [h, w, 1]);
  return b.mul(`${name}.scale`, x, gate, 'pixel');
}

function sppf(b: GraphBuilder, name: string, s: Sppf, x: number): number {
  const pad = s.poolKernel >> 1;
  const y0 = b.block(`${name}.reduce`, s.reduce, x);
  const y1 = b.maxPool(`${name}.pool1`, y0, s.poolKernel, 1, pad);
  const y2 = b.maxPool(`${name}.pool2`, y1, s.poolKernel, 1, pad);
  const y3 = b.maxPool(`${name}.pool3`, y2, s.poolKernel, 1, pad);
  return b.block(`${name}.fuse`, s.fuse, b.concat(`${name}.concat`, [y0, y1, y2, y3]));
}

function downStage(b: GraphBuilder, name: string, s: DownStage, x: number): number {
  const pooled = b.maxPool(`${name}.pool`, b.block(`${name}.conv`, s.conv, x), POOL2.k, POOL2.stride, POOL2.pad);
  return spatialAttention(b, `${name}.sa`, s.attention, b.block(`${name}.depthwise`, s.depthwise, pooled));
}

function separable(b: GraphBuilder, name: string, s: DepthwiseSeparable, x: number): number {
  return b.block(`${name}.pw`, s.pointwise, b.block(`${name}.dw`, s.depthwise, x));
}

function head(b: GraphBuilder, name: string, hd: Head, x: number): number {
  return separable(b, `${name}.predict`, hd.predict, separable(b, `${name}.spread`, hd.spread, x));
}

/**
 * The folded detector as a float graph, in the order of Detector.forward. Node names are short
 * (at most 31 characters, the firmware layer table's name field) and follow the layer paths.
 */
export function buildFloatGraph(model: Detector): FloatGraph {
  const b = new GraphBuilder();
  const { width, height, channels } = model.config.input;
  const input = b.tensor('input', [height, width, channels]);
  const s1conv = b.block('stage1.conv', model.stage1Conv, input);
  const s1pool = b.maxPool('stage1.pool', s1conv, POOL2.k, POOL2.stride, POOL2.pad);
  const s1 = spatialAttention(b, 'stage1.cbam.sa', model.stage1Cbam.spatial,
    channelAttention(b, 'stage1.cbam.ca', model.stage1Cbam.channel, s1pool));
  const p1 = sppf(b, 'stage2.sppf', model.stage2Sppf, b.block('stage2.conv', model.stage2Conv, s1));
  const s3 = downStage(b, 'stage3', model.stage3, p1);
  const [h3, w3] = b.shape(s3);
  const p2 = sppf(b, 'stage3.sppf', model.stage3Sppf, b.concat('stage3.concat', [s3, b.resize('stage3.resize_p1', p1, h3, w3)]));
  const s4 = downStage(b, 'stage4', model.stage4, p2);
  const [h4, w4] = b.shape(s4);
  const p3 = b.concat('stage4.concat', [s4, b.resize('stage4.resize_p2', p2, h4, w4)]);

  const l1 = b.block('fpn.lateral1', model.lateral1, p1);
  const l2 = b.block('fpn.lateral2', model.lateral2, p2);
  const l3 = b.block('fpn.lateral3', model.lateral3, p3);
  const down = (name: string, t: number): number => {
    const [h, w] = b.shape(t);
    return b.resize(name, t, Math.ceil(h / 2), Math.ceil(w / 2));
  };
  const up = (name: string, t: number): number => b.resize(name, t, b.shape(t)[0] * 2, b.shape(t)[1] * 2);
  const fused = b.concat('fpn.concat_p2', [down('fpn.down_l1', l1), l2, up('fpn.up_l3', l3)]);
  const p2Out = b.block('fpn.p2', model.fpnP2, fused);
  const p3Out = b.block('fpn.p3', model.fpnP3, b.concat('fpn.concat_p3', [down('fpn.down_fused', fused), l3]));
  const headP2 = head(b, 'head.p2', model.headP2, p2Out);
  const headP3 = head(b, 'head.p3', model.headP3, p3Out);
  return {
    tensors: b.tensors, nodes: b.nodes, input,
    outputs: [{ tensor: headP2, scale: 'p2_out' }, { tensor: headP3, scale: 'p3_out' }],
  };
}

function runNode(node: FloatNode, xs: Tensor[], outShape: [number, number, number]): Tensor {
  const x = xs[0]!;
  switch (node.op) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return activation(null, conv2d(null, x, node.conv.weight, node.conv.bias, node.conv.spec), node.act);
    case 'maxPool': return maxPool(null, x, node);
    case 'globalPool': return globalPool(null, x, node.kind);
    case 'channelMeanMax': return concatChannels(null, [channelPool(null, x, 'avg'), channelPool(null, x, 'max')]);
    case 'sigmoid': return activation(null, x, 'sigmoid');
    case 'mul': return scale(null, x, xs[1]!);
    case 'add': return add(null, x, xs[1]!);
    case 'concat': return concatChannels(null, xs);
    case 'resizeNearest': return resizeNearest(null, x, outShape[0], outShape[1]);
  }
}

/** Runs the graph on a batch [N, h, w, c]; returns every tensor by id. */
export function runFloatGraph(graph: FloatGraph, x: Tensor): Tensor[] {
  nhwc(x);
  const values: Tensor[] = new Array(graph.tensors.length);
  values[graph.input] = x;
  for (const node of graph.nodes) {
    values[node.outputs[0]] = runNode(node, node.inputs.map((t) => values[t]!), graph.tensors[node.outputs[0]]!.shape);
  }
  return values;
}

/** Head outputs of a batch in the float model's layout [N, totalAnchors * valuesPerAnchor]. */
export function floatHeadOutputs(graph: FloatGraph, values: Tensor[]): Float32Array {
  const n = values[graph.input]!.shape[0]!;
  const per = graph.outputs.map((o) => values[o.tensor]!.size / n);
  const total = per.reduce((a, b) => a + b, 0);
  const out = new Float32Array(n * total);
  for (let b = 0; b < n; b++) {
    let offset = b * total;
    graph.outputs.forEach((o, k) => {
      out.set(values[o.tensor]!.data.subarray(b * per[k]!, (b + 1) * per[k]!), offset);
      offset += per[k]!;
    });
  }
  return out;
}
