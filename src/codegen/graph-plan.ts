/**
 * The arena plan of a QuantizedGraph (memory-plan.ts does the placing). Step i is node i; the input
 * tensor is written at step 0 by the frame normalisation just before node 0 runs; head outputs stay
 * alive one step past the last node (post-processing reads them). A conv's scratch (widened weights
 * and im2col rows, kernel-packing.ts) is a buffer alive during its own step only. The app's frame buffer
 * (int16 centi-degrees, read into before normalisation) lives at step 0 and its post-processing
 * candidates at the step after the last node: both share the arena instead of taking their own SRAM.
 *
 * Concat without copies: NHWC channel concatenation interleaves its inputs per pixel, so an input
 * can live in its slice of the concat output only if its producer writes, and every other reader
 * reads, with the concat's pixel stride. The kernels take a pixel stride (nn_kernels.h), except
 * the dense-only ones (sigmoid LUT, add, global pool and channel mean/max outputs): an input meeting
 * one of those, the graph input and an input of two concats are copied instead.
 */
import type { QuantizedGraph } from '../nn/quant/graph.js';
import { planArena, type ArenaPlan, type PlanTensor, type PlanView } from './memory-plan.js';
import { STRIDED_INPUT, STRIDED_OUTPUT, scratchBytes } from './kernel-calls.js';

export function tensorBytes(graph: QuantizedGraph, id: number): number {
  const [, h, w, c] = graph.tensors[id]!.shape;
  return h * w * c;
}

/** Arena name of a tensor: unique and stable (tensor names can repeat across ops). */
export const tensorKey = (id: number): string => `t${id}`;
const scratchKey = (layer: number): string => `scratch${layer}`;

/** The app's buffers in the arena (main.c): bytes of each. */
export interface AppBuffers {
  frame: number;
  candidates: number;
}

export function graphLifetimes(graph: QuantizedGraph, app: AppBuffers = { frame: 0, candidates: 0 }): PlanTensor[] {
  const first = new Map<number, number>([[graph.input, 0]]);
  const last = new Map<number, number>([[graph.input, 0]]);
  graph.nodes.forEach((node, step) => {
    for (const t of node.inputs) last.set(t, Math.max(last.get(t) ?? step, step));
    const out = node.outputs[0];
    first.set(out, step);
    last.set(out, Math.max(last.get(out) ?? step, step));
  });
  for (const o of graph.outputs) last.set(o.tensor, graph.nodes.length);
  const tensors = [...first.keys()].map((id) => ({
    name: tensorKey(id), bytes: tensorBytes(graph, id), firstStep: first.get(id)!, lastStep: last.get(id)!,
  }));
  graph.nodes.forEach((node, step) => {
    const bytes = scratchBytes(graph, node);
    if (bytes > 0) tensors.push({ name: scratchKey(step), bytes, firstStep: step, lastStep: step });
  });
  const after = graph.nodes.length;
  if (app.frame > 0) tensors.push({ name: 'frame', bytes: app.frame, firstStep: 0, lastStep: 0 });
  if (app.candidates > 0) tensors.push({ name: 'candidates', bytes: app.candidates, firstStep: after, lastStep: after });
  return tensors;
}

/** Concat inputs that can be written straight into their channel slice (see the file comment). */
export function concatViews(graph: QuantizedGraph): PlanView[] {
  const producer = new Map<number, number>();
  const readers = new Map<number, Array<{ node: number; position: number }>>();
  graph.nodes.forEach((n, i) => {
    producer.set(n.outputs[0], i);
    n.inputs.forEach((t, position) => readers.set(t, [...(readers.get(t) ?? []), { node: i, position }]));
  });
  const heads = new Set(graph.outputs.map((o) => o.tensor));
  const views: PlanView[] = [];
  for (const n of graph.nodes) {
    if (n.op !== 'concat') continue;
    let channel = 0;
    for (const t of n.inputs) {
      const p = producer.get(t);
      const rs = readers.get(t) ?? [];
      const concatReads = rs.filter((r) => graph.nodes[r.node]!.op === 'concat').length;
      const ok = t !== graph.input && !heads.has(t) && p !== undefined && STRIDED_OUTPUT.has(graph.nodes[p]!.op) &&
        concatReads === 1 && rs.every((r) => r.node === graph.nodes.indexOf(n) || (r.position === 0 && STRIDED_INPUT.has(graph.nodes[r.node]!.op)));
      if (ok) views.push({ name: tensorKey(t), container: tensorKey(n.outputs[0]), offset: channel });
      channel += graph.tensors[t]!.shape[3];
    }
  }
  return views;
}

export interface GraphArena {
  plan: ArenaPlan;
  /** The lower bound if every concat were a copy (what in-place concat saves). */
  copyLowerBoundBytes: number;
  offsetOf: (tensor: number) => number;
  strideOf: (tensor: number) => number;
  inPlace: (tensor: number) => boolean;
  scratchOffsetOf: (layer: number) => number;
  appOffsetOf: (buffer: keyof AppBuffers) => number;
}

export function planGraphArena(graph: QuantizedGraph, inPlaceConcat = true, app?: AppBuffers): GraphArena {
  const tensors = graphLifetimes(graph, app);
  const views = inPlaceConcat ? concatViews(graph) : [];
  const plan = planArena(tensors, views);
  const container = new Map(views.map((v) => [v.name, v.container]));
  const rootChannels = (t: number): number => {
    let key = tensorKey(t);
    while (container.has(key)) key = container.get(key)!;
    return graph.tensors[Number(key.slice(1))]!.shape[3];
  };
  const offset = (key: string): number => {
    const o = plan.offsets.get(key);
    if (o === undefined) throw new Error(`arena plan: nothing planned for ${key}`);
    return o;
  };
  return {
    plan,
    copyLowerBoundBytes: inPlaceConcat ? planArena(tensors).lowerBoundBytes : plan.lowerBoundBytes,
    offsetOf: (t) => offset(tensorKey(t)),
    strideOf: rootChannels,
    inPlace: (t) => container.has(tensorKey(t)),
    scratchOffsetOf: (layer) => offset(scratchKey(layer)),
    appOffsetOf: (buffer) => offset(buffer),
  };
}
