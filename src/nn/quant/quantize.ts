/**
 * Post-training int8 quantisation of the detector: BatchNorm folded, activation ranges calibrated
 * on training frames (calibrate.ts), tensors that must share parameters grouped (concat inputs
 * and the pass-through ops: max-pool, resize, global pool, channel mean/max), weights per output
 * channel symmetric, bias int32, requantisation multipliers (fixed-point.ts). The result is the
 * QuantizedGraph of graph.ts; its arithmetic is firmware/nn/README.md's "int8 arithmetic".
 */
import { Detector, foldBatchNorm } from '../model/detector.js';
import { DEFAULT_INPUT_TRANSFORM, fromWeightsFile, readWeightsFile, type InputTransform } from '../model/serialize.js';
import { inputTensor } from '../train/batch.js';
import { generateFrame, resolveGeneratorConfig } from '../data/generate.js';
import type { ThermalFrame } from '../data/types.js';
import type { Tensor } from '../tensor.js';
import { buildFloatGraph, type FloatConvNode, type FloatGraph, type FloatNode } from './float-graph.js';
import { chooseRange, collectStats, type CalibrationMethod, type Range } from './calibrate.js';
import { quantizeMultiplier } from './fixed-point.js';
import {
  SIGMOID_OUTPUT, type InputQuantization, type QNode, type QTensor, type QuantizedGraph, type Requant,
} from './graph.js';
import { inputScale } from './normalise.js';

export interface QuantizeOptions {
  /** Calibration method; the default was chosen by measurement (test/bench/quant-accuracy.ts, see index.ts). */
  method?: CalibrationMethod;
  /** Number of synthetic training frames to calibrate on (generated from `seed`, indices 0..n-1). */
  calibrationFrames?: number;
  /** Seed of the synthetic training stream (the shipped model trained on seed 1). */
  seed?: number;
  /** Explicit calibration frames instead of synthetic ones. */
  frames?: ThermalFrame[];
  /** Input transform of the model (read from the weights file when a path is given). */
  inputTransform?: InputTransform;
}

/**
 * Measured on 512 held-out frames (test/bench/quant-accuracy.ts): percentile keeps mAP@0.5 closest to
 * the float model (+0.0007 vs +0.0055 minmax, -0.0013 mse) with the smallest head-output error
 * (RMS logit error 0.058 vs 0.077 minmax, 0.071 mse).
 */
export const DEFAULT_CALIBRATION_METHOD: CalibrationMethod = 'percentile';
export const DEFAULT_CALIBRATION_FRAMES = 256;
export const DEFAULT_CALIBRATION_SEED = 1;
const CALIBRATION_BATCH = 64;
/** TFLite's left shift for int8 ADD (keeps 20 fractional bits before rescaling each input). */
const ADD_LEFT_SHIFT = 20;

/** Union-find over tensor ids: tensors that must share one scale and zero point. */
class TensorGroups {
  private readonly parent: number[];

  constructor(count: number) {
    this.parent = Array.from({ length: count }, (_, i) => i);
  }

  find(t: number): number {
    while (this.parent[t] !== t) t = this.parent[t] = this.parent[this.parent[t]!]!;
    return t;
  }

  join(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

/** Ops whose output holds input values unchanged (or their mean), so parameters pass through. */
const PASS_THROUGH = new Set<FloatNode['op']>(['maxPool', 'globalPool', 'channelMeanMax', 'resizeNearest', 'concat']);

function paramsForRange(r: Range): { scale: number; zeroPoint: number } {
  const span = r.hi - r.lo;
  // A constant tensor (a pruned model's dead channel: all zeros on every calibration frame) carries
  // nothing: any scale holds it; a tiny one would overflow the int32 bias of the conv reading it.
  const scale = span > 1e-9 ? span / 255 : 1 / 255;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - r.lo / scale)));
  return { scale, zeroPoint };
}

function activationClamp(act: string, zeroPoint: number, scale: number, where: string): { actMin: number; actMax: number } {
  switch (act) {
    case 'linear': return { actMin: -128, actMax: 127 };
    case 'relu': return { actMin: Math.max(-128, zeroPoint), actMax: 127 };
    case 'relu6': return { actMin: Math.max(-128, zeroPoint), actMax: Math.min(127, zeroPoint + Math.round(6 / scale)) };
    default: throw new Error(`${where}: activation '${act}' has no int8 form (use relu, relu6 or linear)`);
  }
}

function requantFor(scales: ArrayLike<number>): Requant {
  const multiplier = new Int32Array(scales.length), shift = new Int32Array(scales.length);
  for (let i = 0; i < scales.length; i++) {
    const m = quantizeMultiplier(scales[i]!);
    multiplier[i] = m.multiplier;
    shift[i] = m.shift;
  }
  return { multiplier, shift };
}

function quantizeConv(node: FloatConvNode, input: QTensor, output: QTensor): QNode {
  const { conv } = node;
  const { kh, kw, cout } = conv.spec;
  const depthwise = node.op === 'depthwiseConv2d';
  const cin = depthwise ? 1 : input.shape[3];
  const w = conv.weight.data; // HWIO [kh][kw][cin/groups][cout]
  const taps = kh * kw * cin;
  const weightScale = new Float32Array(cout);
  for (let i = 0; i < w.length; i++) weightScale[i % cout] = Math.max(weightScale[i % cout]!, Math.abs(w[i]!));
  for (let co = 0; co < cout; co++) weightScale[co] = weightScale[co]! > 0 ? weightScale[co]! / 127 : 1 / 127;
  const weights = new Int8Array(w.length);
  for (let t = 0; t < taps; t++) for (let co = 0; co < cout; co++) {
    const q = Math.max(-127, Math.min(127, Math.round(w[t * cout + co]! / weightScale[co]!)));
    // conv: OHWI [cout][kh][kw][cin] (t = (ky*kw + kx)*cin + ci); depthwise: [kh][kw][c], as stored
    weights[depthwise ? t * cout + co : co * taps + t] = q;
  }
  const bias = new Int32Array(cout);
  const requantScales = new Float64Array(cout);
  for (let co = 0; co < cout; co++) {
    const accScale = input.scale * weightScale[co]!;
    const b = conv.bias ? Math.round(conv.bias.data[co]! / accScale) : 0;
    if (Math.abs(b) > 2 ** 31 - 1) throw new Error(`${node.name}: bias of channel ${co} overflows int32 at input scale ${input.scale}`);
    bias[co] = b;
    requantScales[co] = accScale / output.scale;
  }
  const pad = conv.spec.pad === 'same' ? { padH: (kh - 1) >> 1, padW: (kw - 1) >> 1 } : { padH: conv.spec.pad ?? 0, padW: conv.spec.pad ?? 0 };
  return {
    name: node.name, op: node.op, inputs: node.inputs, outputs: node.outputs,
    kh, kw, stride: conv.spec.stride ?? 1, ...pad, weights, weightScale, bias, requant: requantFor(requantScales),
    ...activationClamp(node.act, output.zeroPoint, output.scale, node.name),
  };
}

export function sigmoidLut(input: { scale: number; zeroPoint: number }): Int8Array {
  const lut = new Int8Array(256);
  for (let i = 0; i < 256; i++) {
    const x = input.scale * (i - 128 - input.zeroPoint);
    const y = 1 / (1 + Math.exp(-x));
    lut[i] = Math.max(-128, Math.min(127, Math.round(255 * y) - 128));
  }
  return lut;
}

function quantizeNode(node: FloatNode, t: QTensor[]): QNode {
  const base = { name: node.name, inputs: node.inputs, outputs: node.outputs };
  const out = t[node.outputs[0]]!, a = t[node.inputs[0]!]!;
  switch (node.op) {
    case 'conv2d':
    case 'depthwiseConv2d':
      return quantizeConv(node, a, out);
    case 'maxPool': return { ...base, op: 'maxPool', k: node.k, stride: node.stride, pad: node.pad };
    case 'globalPool': return { ...base, op: 'globalPool', kind: node.kind };
    case 'channelMeanMax': return { ...base, op: 'channelMeanMax' };
    case 'concat': return { ...base, op: 'concat' };
    case 'resizeNearest': return { ...base, op: 'resizeNearest' };
    case 'sigmoid': return { ...base, op: 'sigmoid', lut: sigmoidLut(a) };
    case 'mul': {
      const m = quantizeMultiplier((a.scale * t[node.inputs[1]!]!.scale) / out.scale);
      return { ...base, op: 'mul', broadcast: node.broadcast, multiplier: m.multiplier, shift: m.shift, actMin: -128, actMax: 127 };
    }
    case 'add': {
      const b = t[node.inputs[1]!]!;
      const twiceMax = 2 * Math.max(a.scale, b.scale);
      const m1 = quantizeMultiplier(a.scale / twiceMax), m2 = quantizeMultiplier(b.scale / twiceMax);
      const mo = quantizeMultiplier(twiceMax / (2 ** ADD_LEFT_SHIFT * out.scale));
      return {
        ...base, op: 'add', leftShift: ADD_LEFT_SHIFT,
        input1Multiplier: m1.multiplier, input1Shift: m1.shift, input2Multiplier: m2.multiplier, input2Shift: m2.shift,
        outputMultiplier: mo.multiplier, outputShift: mo.shift, actMin: -128, actMax: 127,
      };
    }
  }
}

/** The integer input normalisation covering a calibrated input range (network units). */
function inputQuantizationFor(r: Range, transform: InputTransform): InputQuantization {
  const unitsPerCenti = transform.scale / 100;
  const centiPerStep = Math.max(1, Math.ceil((r.hi - r.lo) / unitsPerCenti / 255));
  const scale = centiPerStep * unitsPerCenti;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - r.lo / scale)));
  return { subtractFrameMean: transform.subtractFrameMean, centiPerStep, zeroPoint };
}

/**
 * Chooses every tensor's parameters: fixed ones first (graph input from the integer normalisation,
 * sigmoid outputs), then one range per group, the union of its members' calibrated ranges.
 */
function assignTensorParams(
  graph: FloatGraph, ranges: Range[], transform: InputTransform,
): { tensors: QTensor[]; inputQuantization: InputQuantization } {
  const groups = new TensorGroups(graph.tensors.length);
  for (const node of graph.nodes) if (PASS_THROUGH.has(node.op)) for (const i of node.inputs) groups.join(i, node.outputs[0]);
  const fixed = new Map<number, { scale: number; zeroPoint: number; what: string }>();
  const inputQuantization = inputQuantizationFor(ranges[graph.input]!, transform);
  fixed.set(graph.input, { scale: inputScale(inputQuantization, transform.scale), zeroPoint: inputQuantization.zeroPoint, what: 'the graph input' });
  for (const node of graph.nodes) if (node.op === 'sigmoid') fixed.set(node.outputs[0], { ...SIGMOID_OUTPUT, what: `${node.name}'s output` });

  const groupParams = new Map<number, { scale: number; zeroPoint: number; fixedBy?: string }>();
  const groupRange = new Map<number, Range>();
  graph.tensors.forEach((_, id) => {
    const g = groups.find(id);
    const f = fixed.get(id);
    if (f) {
      const prior = groupParams.get(g);
      if (prior?.fixedBy) throw new Error(`cannot share one scale between ${prior.fixedBy} and ${f.what} (a concat would need requantisation)`);
      groupParams.set(g, { scale: f.scale, zeroPoint: f.zeroPoint, fixedBy: f.what });
      return;
    }
    const r = ranges[id]!, prior = groupRange.get(g);
    groupRange.set(g, prior ? { lo: Math.min(prior.lo, r.lo), hi: Math.max(prior.hi, r.hi) } : r);
  });
  for (const [g, r] of groupRange) if (!groupParams.has(g)) groupParams.set(g, paramsForRange(r));
  const tensors: QTensor[] = graph.tensors.map((t, id) => {
    const p = groupParams.get(groups.find(id))!;
    return { id, name: t.name, shape: [1, ...t.shape], scale: p.scale, zeroPoint: p.zeroPoint };
  });
  return { tensors, inputQuantization };
}

/** Calibration frames: explicit ones, or the first n frames of the synthetic training stream. */
export function calibrationFrames(options: QuantizeOptions): ThermalFrame[] {
  if (options.frames) return options.frames;
  const config = resolveGeneratorConfig({});
  const seed = options.seed ?? DEFAULT_CALIBRATION_SEED;
  return Array.from({ length: options.calibrationFrames ?? DEFAULT_CALIBRATION_FRAMES }, (_, i) => generateFrame(config, seed, i));
}

/** The folded model's float graph plus the per-tensor calibration statistics. */
export function calibrateModel(model: Detector, frames: ThermalFrame[], transform: InputTransform): { graph: FloatGraph; stats: ReturnType<typeof collectStats> } {
  foldBatchNorm(model);
  const graph = buildFloatGraph(model);
  const batches = function* (): Iterable<Tensor> {
    for (let s = 0; s < frames.length; s += CALIBRATION_BATCH) yield inputTensor(frames.slice(s, s + CALIBRATION_BATCH), transform);
  };
  return { graph, stats: collectStats(graph, batches) };
}

/** Converts a calibrated float graph with one method (used to compare methods on one calibration). */
export function quantizeCalibrated(
  model: Detector, calibrated: ReturnType<typeof calibrateModel>, method: CalibrationMethod, transform: InputTransform, frames: number, seed: number,
): QuantizedGraph {
  const { graph, stats } = calibrated;
  const ranges = stats.map((s) => chooseRange(s, method));
  const { tensors, inputQuantization } = assignTensorParams(graph, ranges, transform);
  return {
    format: 'mcusim-int8-graph', version: 1, config: model.config,
    calibration: { method, frames, seed },
    input: graph.input, inputQuantization, outputs: graph.outputs, tensors,
    nodes: graph.nodes.map((n) => quantizeNode(n, tensors)),
  };
}

/**
 * Quantises a detector: a weights file path (models/*.weights.json, unfolded) or a Detector (its
 * BatchNorm is folded in place). Deterministic for the same model and options.
 */
export function quantizeDetector(source: string | Detector, options: QuantizeOptions = {}): QuantizedGraph {
  let model: Detector, transform = options.inputTransform ?? DEFAULT_INPUT_TRANSFORM;
  if (typeof source === 'string') {
    const loaded = fromWeightsFile(readWeightsFile(source), source);
    model = loaded.model;
    transform = options.inputTransform ?? loaded.inputTransform;
  } else {
    model = source;
  }
  model.setTraining(false);
  const frames = calibrationFrames(options);
  const calibrated = calibrateModel(model, frames, transform);
  return quantizeCalibrated(model, calibrated, options.method ?? DEFAULT_CALIBRATION_METHOD, transform, frames.length, options.frames ? -1 : options.seed ?? DEFAULT_CALIBRATION_SEED);
}
