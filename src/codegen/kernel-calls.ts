/**
 * One layer -> its constants (a typedef and a const symbol in flash, named after the layer) and the
 * call of its kernel from firmware/nn/kernels/nn_kernels.h with every shape, stride and zero point
 * written as a literal, so gcc specialises the always-inlined conv kernels per call site.
 */
import type { QNode, QuantizedGraph } from '../nn/quant/graph.js';
import { CHANNEL_RECORD_WORDS, packConv2d, packDepthwise, type PackedLayer } from './kernel-packing.js';
import { cArray } from './c-source.js';

export interface KernelContext {
  graph: QuantizedGraph;
  arena: string;
  /** Arena byte offset of a tensor's first element. */
  offsetOf: (tensor: number) => number;
  /** Bytes between two pixels of a tensor (its channels, or the concat's when written in place). */
  strideOf: (tensor: number) => number;
  /** Whether a tensor already lives in its slice of a concat output (no copy needed). */
  inPlace: (tensor: number) => boolean;
  /** Arena byte offset of a layer's scratch (conv and depthwise: widened weights and inputs). */
  scratchOffsetOf: (layer: number) => number;
}

export interface LayerConstants {
  /** C type name and its definition (for model_weights.h). */
  typeName: string;
  typedef: string;
  /** The const object's initialiser (for weights.c). */
  initialiser: string;
}

/** Which ops read (input position 0) / write a tensor with a pixel stride wider than its channels. */
export const STRIDED_INPUT: ReadonlySet<QNode['op']> = new Set(['conv2d', 'depthwiseConv2d', 'maxPool', 'globalPool', 'channelMeanMax', 'mul', 'resizeNearest', 'concat']);
export const STRIDED_OUTPUT: ReadonlySet<QNode['op']> = new Set(['conv2d', 'depthwiseConv2d', 'maxPool', 'mul', 'resizeNearest', 'concat']);

/** The packed weights of a conv or depthwise node (cached: packing is called for size and for text). */
const packedCache = new WeakMap<QNode, PackedLayer>();
export function packedLayer(graph: QuantizedGraph, node: QNode): PackedLayer | null {
  if (node.op !== 'conv2d' && node.op !== 'depthwiseConv2d') return null;
  let p = packedCache.get(node);
  if (!p) {
    const input = graph.tensors[node.inputs[0]!]!;
    p = node.op === 'conv2d'
      ? packConv2d(node, input.shape[3], input.zeroPoint, node.name)
      : packDepthwise(node, input.shape[1], input.shape[2], node.name);
    packedCache.set(node, p);
  }
  return p;
}

export function scratchBytes(graph: QuantizedGraph, node: QNode): number {
  return packedLayer(graph, node)?.scratchBytes ?? 0;
}

/** nn_chan_t initialisers {bias, mult, round, shifts}, four per line (shifts is a uint32_t bit field). */
function channelRecords(words: Int32Array): string {
  const records: string[] = [];
  for (let i = 0; i < words.length; i += CHANNEL_RECORD_WORDS) {
    records.push(`{${words[i]}, ${words[i + 1]}, ${words[i + 2]}, 0x${(words[i + 3]! >>> 0).toString(16)}u}`);
  }
  const lines: string[] = [];
  for (let i = 0; i < records.length; i += 4) lines.push(`    ${records.slice(i, i + 4).join(', ')},`);
  return lines.join('\n');
}

export function layerConstants(node: QNode, ctx: KernelContext, symbol: string): LayerConstants | null {
  const typeName = `${symbol}_t`;
  const packed = packedLayer(ctx.graph, node);
  if (packed) {
    return {
      typeName,
      typedef: `typedef struct {\n  nn_chan_t chan[${packed.paddedChannels}];\n  int8_t weights[${packed.weights.length}];\n} ${typeName};`,
      initialiser: `{\n  {\n${channelRecords(packed.channels)}\n  },\n  {\n${cArray(packed.weights, '    ', 24)}\n  },\n}`,
    };
  }
  if (node.op === 'sigmoid') {
    return {
      typeName,
      typedef: `typedef struct {\n  int8_t lut[256];\n} ${typeName};`,
      initialiser: `{\n  {\n${cArray(node.lut, '    ', 16)}\n  },\n}`,
    };
  }
  if (node.op === 'add') {
    const t = (id: number) => ctx.graph.tensors[id]!;
    const values = [
      t(node.inputs[0]!).zeroPoint, t(node.inputs[1]!).zeroPoint, t(node.outputs[0]).zeroPoint, node.leftShift,
      node.input1Multiplier, node.input1Shift, node.input2Multiplier, node.input2Shift, node.outputMultiplier, node.outputShift,
      node.actMin, node.actMax,
    ];
    return { typeName: 'nn_add_params_t', typedef: '', initialiser: `{${values.join(', ')}}` };
  }
  return null;
}

export function kernelCall(node: QNode, ctx: KernelContext, symbol: string, layerIndex: number): string {
  const { graph } = ctx;
  const A = ctx.arena;
  const ptr = (id: number): string => `${A} + ${ctx.offsetOf(id)}`;
  const input = node.inputs[0]!, output = node.outputs[0];
  const [, ih, iw, ic] = graph.tensors[input]!.shape;
  const [, oh, ow, oc] = graph.tensors[output]!.shape;
  const zin = graph.tensors[input]!.zeroPoint, zout = graph.tensors[output]!.zeroPoint;
  const inS = ctx.strideOf(input), outS = ctx.strideOf(output);
  switch (node.op) {
    case 'conv2d':
      return `nn_conv2d_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${symbol}.weights, ${symbol}.chan, ${oc}, ${node.kh}, ${node.kw}, ` +
        `${node.stride}, ${node.padH}, ${node.padW}, ${ptr(output)}, ${oh}, ${ow}, ${outS}, ${zin}, ${zout}, ${node.actMin}, ${node.actMax}, ` +
        `${A} + ${ctx.scratchOffsetOf(layerIndex)});`;
    case 'depthwiseConv2d':
      return `nn_dwconv_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${symbol}.weights, ${symbol}.chan, ${node.kh}, ${node.kw}, ` +
        `${node.stride}, ${node.padH}, ${node.padW}, ${ptr(output)}, ${oh}, ${ow}, ${outS}, ${zin}, ${zout}, ${node.actMin}, ${node.actMax}, ` +
        `${A} + ${ctx.scratchOffsetOf(layerIndex)});`;
    case 'maxPool':
      return `nn_maxpool_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${node.k}, ${node.stride}, ${node.pad}, ${ptr(output)}, ${oh}, ${ow}, ${outS});`;
    case 'globalPool':
      return `nn_global_pool_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${node.kind === 'max' ? 1 : 0}, ${ptr(output)});`;
    case 'channelMeanMax':
      return `nn_channel_mean_max_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${ptr(output)});`;
    case 'sigmoid':
      return `nn_lut_s8(${ptr(input)}, ${ih * iw * ic}, ${symbol}.lut, ${ptr(output)});`;
    case 'mul': {
      const gate = graph.tensors[node.inputs[1]!]!;
      return `nn_mul_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${ptr(node.inputs[1]!)}, ${node.broadcast === 'pixel' ? 1 : 0}, ` +
        `${zin}, ${gate.zeroPoint}, ${zout}, ${node.multiplier}, ${node.shift}, ${node.actMin}, ${node.actMax}, ${ptr(output)}, ${outS});`;
    }
    case 'add':
      return `nn_add_s8(${ptr(input)}, ${ptr(node.inputs[1]!)}, ${oh * ow * oc}, &${symbol}, ${ptr(output)});`;
    case 'resizeNearest':
      return `nn_resize_nearest_s8(${ptr(input)}, ${ih}, ${iw}, ${ic}, ${inS}, ${ptr(output)}, ${oh}, ${ow}, ${outS});`;
    case 'concat': {
      // Inputs written in place need nothing; the others are copied into their channel slice.
      const copies: string[] = [];
      let channel = 0;
      for (const t of node.inputs) {
        const c = graph.tensors[t]!.shape[3];
        if (!ctx.inPlace(t)) {
          copies.push(`nn_copy_channels_s8(${ptr(t)}, ${oh * ow}, ${c}, ${ctx.strideOf(t)}, ${A} + ${ctx.offsetOf(output) + channel}, ${outS});`);
        }
        channel += c;
      }
      return copies.length ? copies.join('\n  ') : '/* every input was written in place into its channel slice */';
    }
  }
}
