/**
 * The host int8 reference: runs a QuantizedGraph on one frame with exactly the firmware's integer
 * arithmetic (int8-ops.ts), keeping every layer's int8 output, and turns the raw int8 head outputs
 * into the float post-processing's input and detections (src/nn/detect).
 */
import { buildAnchors } from '../detect/anchors.js';
import { postprocess, type PostprocessConfig } from '../detect/postprocess.js';
import type { AnchorSet, Detection } from '../detect/types.js';
import { detectorAnchorSpec } from '../model/detector.js';
import type { QNode, QuantizedGraph } from './graph.js';
import {
  addInt8, channelMeanMaxInt8, concatInt8, conv2dInt8, depthwiseConv2dInt8, globalPoolInt8, lookupInt8, maxPoolInt8,
  mulInt8, resizeNearestInt8, type MapShape,
} from './int8-ops.js';
import { celsiusToCenti, normaliseFrameToInt8 } from './normalise.js';

export interface Int8Run {
  /** Every tensor's int8 values by tensor id (the input included). */
  tensors: Int8Array[];
  /** The raw int8 head outputs, in graph.outputs order (p2 first). */
  heads: Int8Array[];
}

function mapShape(graph: QuantizedGraph, id: number): MapShape {
  const [, h, w, c] = graph.tensors[id]!.shape;
  return { h, w, c };
}

function runNode(graph: QuantizedGraph, node: QNode, values: Int8Array[]): Int8Array {
  const id = node.inputs[0]!;
  const x = values[id]!, s = mapShape(graph, id);
  const tin = graph.tensors[id]!, tout = graph.tensors[node.outputs[0]]!;
  switch (node.op) {
    case 'conv2d':
    case 'depthwiseConv2d': {
      const p = {
        kh: node.kh, kw: node.kw, stride: node.stride, padH: node.padH, padW: node.padW, cout: tout.shape[3],
        weights: node.weights, bias: node.bias, multiplier: node.requant.multiplier, shift: node.requant.shift,
        inputZeroPoint: tin.zeroPoint, outputZeroPoint: tout.zeroPoint, actMin: node.actMin, actMax: node.actMax,
      };
      return (node.op === 'conv2d' ? conv2dInt8 : depthwiseConv2dInt8)(x, s, p).data;
    }
    case 'maxPool': return maxPoolInt8(x, s, node.k, node.stride, node.pad).data;
    case 'globalPool': return globalPoolInt8(x, s, node.kind).data;
    case 'channelMeanMax': return channelMeanMaxInt8(x, s).data;
    case 'sigmoid': return lookupInt8(x, node.lut);
    case 'mul': {
      const gate = graph.tensors[node.inputs[1]!]!;
      return mulInt8(x, s, values[gate.id]!, {
        broadcast: node.broadcast, xZeroPoint: tin.zeroPoint, gateZeroPoint: gate.zeroPoint, outputZeroPoint: tout.zeroPoint,
        multiplier: node.multiplier, shift: node.shift, actMin: node.actMin, actMax: node.actMax,
      });
    }
    case 'add': {
      const b = graph.tensors[node.inputs[1]!]!;
      return addInt8(x, values[b.id]!, { ...node, aZeroPoint: tin.zeroPoint, bZeroPoint: b.zeroPoint, outputZeroPoint: tout.zeroPoint });
    }
    case 'concat':
      for (const i of node.inputs) {
        const t = graph.tensors[i]!;
        if (t.scale !== tout.scale || t.zeroPoint !== tout.zeroPoint) throw new Error(`${node.name}: input ${t.name} does not share the output's scale and zero point`);
      }
      return concatInt8(node.inputs.map((i) => ({ data: values[i]!, shape: mapShape(graph, i) }))).data;
    case 'resizeNearest': return resizeNearestInt8(x, s, tout.shape[1], tout.shape[2]);
  }
}

/** Runs the graph on an already normalised int8 input ([h, w, c] NHWC). */
export function runInt8(graph: QuantizedGraph, input: Int8Array): Int8Run {
  const values: Int8Array[] = new Array(graph.tensors.length);
  const [, h, w, c] = graph.tensors[graph.input]!.shape;
  if (input.length !== h * w * c) throw new Error(`int8 input has ${input.length} values, the graph needs ${h}x${w}x${c}`);
  values[graph.input] = input;
  for (const node of graph.nodes) values[node.outputs[0]] = runNode(graph, node, values);
  return { tensors: values, heads: graph.outputs.map((o) => values[o.tensor]!) };
}

/** One TFRM frame (int16 centi-degrees, row-major) through normalisation and the graph. */
export function runInt8OnCenti(graph: QuantizedGraph, centi: ArrayLike<number>): Int8Run {
  return runInt8(graph, normaliseFrameToInt8(centi, graph.inputQuantization));
}

/** A frame in °C, rounded to centi-degrees as the TFRM file stores it. */
export function runInt8OnCelsius(graph: QuantizedGraph, celsius: ArrayLike<number>): Int8Run {
  return runInt8OnCenti(graph, celsiusToCenti(celsius));
}

/** Dequantised head outputs in the float model's layout [totalAnchors * (4 + classes)] (p2 then p3). */
export function dequantizeHeads(graph: QuantizedGraph, heads: Int8Array[]): Float32Array {
  const out = new Float32Array(heads.reduce((s, h) => s + h.length, 0));
  let offset = 0;
  graph.outputs.forEach((o, k) => {
    const t = graph.tensors[o.tensor]!, q = heads[k]!;
    for (let i = 0; i < q.length; i++) out[offset + i] = t.scale * (q[i]! - t.zeroPoint);
    offset += q.length;
  });
  return out;
}

export function graphAnchors(graph: QuantizedGraph): AnchorSet {
  return buildAnchors(detectorAnchorSpec(graph.config));
}

/** Detections of one frame from its int8 run (float post-processing of the dequantised heads). */
export function int8Detections(graph: QuantizedGraph, run: Int8Run, cfg: Partial<PostprocessConfig> = {}, anchors = graphAnchors(graph)): Detection[] {
  return postprocess(dequantizeHeads(graph, run.heads), anchors, { numClasses: graph.config.classes.length, ...cfg })[0]!;
}
