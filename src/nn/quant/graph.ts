/**
 * The quantised detector as data: tensors with their int8 quantisation parameters and a list of
 * nodes in execution order. This is the contract between the quantiser (quantize.ts), the host int8
 * reference (reference.ts, int8-ops.ts) and the C side (src/codegen + firmware/nn/kernels), which
 * must compute exactly what int8-ops.ts computes. The arithmetic of every op is specified in
 * firmware/nn/README.md, section "int8 arithmetic".
 *
 * Fixed conventions:
 * - batch 1, activations NHWC ([1, h, w, c], channel fastest), per-tensor asymmetric int8:
 *   real = scale * (q - zeroPoint);
 * - conv weights OHWI ([cout][kh][kw][cin]), depthwise weights [kh][kw][c] (depth multiplier 1),
 *   per-output-channel symmetric int8 (zero point 0);
 * - bias int32 in units of inputScale * weightScale[c];
 * - requantisation = arm_nn_requantize (multiplier Q31 in [2^30, 2^31), shift in [-31, 30]) per
 *   output channel, then + output zero point, then clamp to [actMin, actMax] (ReLU lives there).
 */
import type { DetectorConfig } from '../model/config.js';

/** Activation tensor: [1, h, w, c] int8, real = scale * (q - zeroPoint). */
export interface QTensor {
  id: number;
  /** The float model's name of the value (the producing node's name, or 'input'). */
  name: string;
  /** NHWC, batch 1. */
  shape: [1, number, number, number];
  scale: number;
  zeroPoint: number;
}

/** Per-output-channel requantisation of an int32 accumulator (arm_nn_requantize). */
export interface Requant {
  multiplier: Int32Array;
  shift: Int32Array;
}

interface NodeBase {
  /** Layer name, unique, e.g. `backbone.stage1.conv` (the float model's layer path). */
  name: string;
  /** Tensor ids (indices into QuantizedGraph.tensors). */
  inputs: number[];
  outputs: [number];
}

/** The fields every convolution node has. */
export interface ConvFields {
  kh: number;
  kw: number;
  stride: number;
  /** Zero-point padding (padded positions contribute 0 to the accumulator) on top/bottom and left/right. */
  padH: number;
  padW: number;
  /** conv2d: OHWI int8 [cout][kh][kw][cin]; depthwiseConv2d: [kh][kw][c]. */
  weights: Int8Array;
  /** Per output channel, real = weightScale[c] * q. */
  weightScale: Float32Array;
  /** int32 per output channel, units inputScale * weightScale[c]. */
  bias: Int32Array;
  requant: Requant;
  actMin: number;
  actMax: number;
}

/** Dense convolution k x k (also the 1-channel first conv and every 1x1 conv). */
export interface Conv2dNode extends NodeBase, ConvFields {
  op: 'conv2d';
}

/** Depthwise convolution k x k, depth multiplier 1 (also the head's 1x1 depthwise with bias). */
export interface DepthwiseConv2dNode extends NodeBase, ConvFields {
  op: 'depthwiseConv2d';
}

/** Windowed max; padded positions never win (they are skipped). Output params = input params. */
export interface MaxPoolNode extends NodeBase {
  op: 'maxPool';
  k: number;
  stride: number;
  pad: number;
}

/** [1,h,w,c] -> [1,1,1,c]: mean (rounded, half away from zero) or max over h*w. Output params = input params. */
export interface GlobalPoolNode extends NodeBase {
  op: 'globalPool';
  kind: 'avg' | 'max';
}

/** [1,h,w,c] -> [1,h,w,2]: channel 0 = mean over c (rounded half away from zero), channel 1 = max. Output params = input params. */
export interface ChannelMeanMaxNode extends NodeBase {
  op: 'channelMeanMax';
}

/** out = lut[q + 128]; the output is fixed at scale 1/255, zero point -128 (sigmoid 0..1 -> -128..127). */
export interface SigmoidNode extends NodeBase {
  op: 'sigmoid';
  lut: Int8Array;
}

/**
 * out = clamp(zOut + requantize((x - zX) * (g - zG), multiplier, shift)), g broadcast per channel
 * ([1,1,1,c], channel attention) or per pixel ([1,h,w,1], spatial attention). inputs = [x, g].
 */
export interface MulNode extends NodeBase {
  op: 'mul';
  broadcast: 'channel' | 'pixel';
  multiplier: number;
  shift: number;
  actMin: number;
  actMax: number;
}

/** The rescaling of TFLite's int8 ADD (multipliers Q31 with their shifts, as in Requant). */
export interface AddRescale {
  leftShift: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
  actMin: number;
  actMax: number;
}

/**
 * TFLite/CMSIS-NN elementwise add (arm_elementwise_add_s8): each input (q - z) << leftShift, rescaled
 * by its own requantize, summed, requantized to the output, + zOut, clamped. inputs = [a, b].
 */
export interface AddNode extends NodeBase, AddRescale {
  op: 'add';
}

/** Channel concatenation; every input has the output's scale and zero point (a pure copy, or none). */
export interface ConcatNode extends NodeBase {
  op: 'concat';
}

/**
 * Nearest-neighbour resize to the output's h x w: output row oy reads input row
 * min(h - 1, floor(oy * h / oh)), likewise columns. Covers the 2x upsample and the strided 2x
 * downsample. Output params = input params.
 */
export interface ResizeNearestNode extends NodeBase {
  op: 'resizeNearest';
}

export type QNode =
  | Conv2dNode | DepthwiseConv2dNode | MaxPoolNode | GlobalPoolNode | ChannelMeanMaxNode
  | SigmoidNode | MulNode | AddNode | ConcatNode | ResizeNearestNode;

export type QOp = QNode['op'];

/**
 * How the firmware turns a TFRM frame (int16 centi-degrees) into the int8 input, bit for bit
 * (normaliseFrameToInt8 in normalise.ts): with n pixels, sum = sum of centi over the frame,
 * q = clamp(zeroPoint + roundHalfAwayDiv(centi * n - sum, n * centiPerStep), -128, 127).
 * The input tensor's scale is centiPerStep / 100 * floatScale (floatScale = the training transform's
 * scale per °C).
 */
export interface InputQuantization {
  subtractFrameMean: boolean;
  /** Centi-degrees per int8 step (a positive integer). */
  centiPerStep: number;
  zeroPoint: number;
}

/** One detection head output: [1, h, w, anchors * (4 + classes)], anchors row-major over (y, x, anchor). */
export interface HeadOutput {
  tensor: number;
  /** Scale name in the anchor spec ('p2_out', 'p3_out'). */
  scale: string;
}

export interface QuantizedGraph {
  format: 'mcusim-int8-graph';
  version: 1;
  /** The detector config the graph was made from (anchors, classes, input size). */
  config: DetectorConfig;
  /** How activation ranges were calibrated, for the record. */
  calibration: { method: string; frames: number; seed: number };
  input: number;
  inputQuantization: InputQuantization;
  /** Head outputs in the order the float model flattens them (p2 first). */
  outputs: HeadOutput[];
  tensors: QTensor[];
  nodes: QNode[];
}

export const INT8_MIN = -128;
export const INT8_MAX = 127;
/** Sigmoid outputs: real = (q + 128) / 255, so 0 -> -128 and 1 -> 127 exactly. */
export const SIGMOID_OUTPUT = { scale: 1 / 255, zeroPoint: -128 } as const;

/** Multiply-accumulates of one node for one frame (0 for ops without a weight product). */
export function nodeMacs(graph: QuantizedGraph, node: QNode): number {
  const out = graph.tensors[node.outputs[0]]!.shape;
  const pixels = out[1] * out[2];
  if (node.op === 'conv2d') {
    const cin = graph.tensors[node.inputs[0]!]!.shape[3];
    return pixels * out[3] * node.kh * node.kw * cin;
  }
  if (node.op === 'depthwiseConv2d') return pixels * out[3] * node.kh * node.kw;
  return 0;
}
