/**
 * QuantizedGraph <-> JSON (format 'mcusim-int8-graph', version 1), so `mcusim build` can cache the
 * quantised model. Typed arrays become plain integer arrays; reading checks the structure and every
 * value range the C side relies on, and names the first problem as `<where>: <field>: <problem>`.
 */
import { ConfigError, validateDetectorConfig } from '../model/config.js';
import type { QNode, QTensor, QuantizedGraph } from './graph.js';

export function graphToJson(graph: QuantizedGraph): string {
  return JSON.stringify(graph, (_key, value: unknown) => (ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value));
}

type Json = Record<string, unknown>;

class Reader {
  constructor(private readonly where: string) {}

  fail(field: string, problem: string): never {
    throw new ConfigError(`${this.where}: ${field}: ${problem}`);
  }

  object(v: unknown, field: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'must be an object');
    return v as Json;
  }

  int(v: unknown, field: string, lo: number, hi: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) this.fail(field, `must be an integer in [${lo}, ${hi}]`);
    return v;
  }

  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(field, 'must be a non-empty array');
    return v;
  }

  positive(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.fail(field, 'must be a positive number');
    return v;
  }

  ints<T extends Int8Array | Int32Array>(make: new (n: number) => T, v: unknown, field: string, length: number, lo: number, hi: number): T {
    if (!Array.isArray(v) || v.length !== length) this.fail(field, `must be an array of ${length} integers`);
    const out = new make(length);
    v.forEach((x, i) => { out[i] = this.int(x, `${field}[${i}]`, lo, hi); });
    return out;
  }

  floats(v: unknown, field: string, length: number): Float32Array {
    if (!Array.isArray(v) || v.length !== length) this.fail(field, `must be an array of ${length} numbers`);
    return Float32Array.from(v.map((x, i) => this.positive(x, `${field}[${i}]`)));
  }
}

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;
const OPS = ['conv2d', 'depthwiseConv2d', 'maxPool', 'globalPool', 'channelMeanMax', 'sigmoid', 'mul', 'add', 'concat', 'resizeNearest'];

function readTensor(r: Reader, v: unknown, id: number): QTensor {
  const f = `tensors[${id}]`;
  const o = r.object(v, f);
  if (o.id !== id) r.fail(`${f}.id`, `must be ${id}`);
  if (typeof o.name !== 'string') r.fail(`${f}.name`, 'must be a string');
  const s = o.shape;
  if (!Array.isArray(s) || s.length !== 4 || s[0] !== 1) r.fail(`${f}.shape`, 'must be [1, h, w, c]');
  const shape: QTensor['shape'] = [1, r.int(s[1], `${f}.shape[1]`, 1, 65535), r.int(s[2], `${f}.shape[2]`, 1, 65535), r.int(s[3], `${f}.shape[3]`, 1, 65535)];
  return { id, name: o.name, shape, scale: r.positive(o.scale, `${f}.scale`), zeroPoint: r.int(o.zeroPoint, `${f}.zeroPoint`, -128, 127) };
}

function readNode(r: Reader, v: unknown, k: number, tensors: QTensor[]): QNode {
  const f = `nodes[${k}]`;
  const o = r.object(v, f);
  if (typeof o.name !== 'string' || o.name.length === 0) r.fail(`${f}.name`, 'must be a non-empty string');
  if (typeof o.op !== 'string' || !OPS.includes(o.op)) r.fail(`${f}.op`, `must be one of ${OPS.join(', ')}`);
  const ids = (v2: unknown, field: string): number[] => {
    if (!Array.isArray(v2) || v2.length === 0) r.fail(field, 'must be a non-empty array of tensor ids');
    return v2.map((x, i) => r.int(x, `${field}[${i}]`, 0, tensors.length - 1));
  };
  const inputs = ids(o.inputs, `${f}.inputs`);
  const outputs = ids(o.outputs, `${f}.outputs`);
  if (outputs.length !== 1) r.fail(`${f}.outputs`, 'must hold exactly one tensor id');
  const out = tensors[outputs[0]!]!;
  const node = { ...o, inputs, outputs } as unknown as QNode;
  const clamp = (): void => {
    const lo = r.int(o.actMin, `${f}.actMin`, -128, 127);
    if (r.int(o.actMax, `${f}.actMax`, -128, 127) < lo) r.fail(`${f}.actMax`, 'must be >= actMin');
  };
  const multiplier = (field: string, value: unknown): void => { r.int(value, `${f}.${field}`, 2 ** 30, INT32_MAX); };
  const shift = (field: string, value: unknown): void => { r.int(value, `${f}.${field}`, -31, 30); };
  if (node.op === 'conv2d' || node.op === 'depthwiseConv2d') {
    const cout = out.shape[3], cin = node.op === 'conv2d' ? tensors[inputs[0]!]!.shape[3] : 1;
    r.int(o.kh, `${f}.kh`, 1, 15); r.int(o.kw, `${f}.kw`, 1, 15); r.int(o.stride, `${f}.stride`, 1, 15);
    r.int(o.padH, `${f}.padH`, 0, 15); r.int(o.padW, `${f}.padW`, 0, 15);
    clamp();
    node.weights = r.ints(Int8Array, o.weights, `${f}.weights`, cout * node.kh * node.kw * cin, -127, 127);
    node.weightScale = r.floats(o.weightScale, `${f}.weightScale`, cout);
    node.bias = r.ints(Int32Array, o.bias, `${f}.bias`, cout, INT32_MIN, INT32_MAX);
    const rq = r.object(o.requant, `${f}.requant`);
    node.requant = {
      multiplier: r.ints(Int32Array, rq.multiplier, `${f}.requant.multiplier`, cout, 2 ** 30, INT32_MAX),
      shift: r.ints(Int32Array, rq.shift, `${f}.requant.shift`, cout, -31, 30),
    };
  } else if (node.op === 'sigmoid') {
    node.lut = r.ints(Int8Array, o.lut, `${f}.lut`, 256, -128, 127);
  } else if (node.op === 'mul') {
    if (o.broadcast !== 'channel' && o.broadcast !== 'pixel') r.fail(`${f}.broadcast`, 'must be channel or pixel');
    multiplier('multiplier', o.multiplier); shift('shift', o.shift); clamp();
  } else if (node.op === 'add') {
    r.int(o.leftShift, `${f}.leftShift`, 0, 24);
    multiplier('input1Multiplier', o.input1Multiplier); shift('input1Shift', o.input1Shift);
    multiplier('input2Multiplier', o.input2Multiplier); shift('input2Shift', o.input2Shift);
    multiplier('outputMultiplier', o.outputMultiplier); shift('outputShift', o.outputShift); clamp();
  } else if (node.op === 'maxPool') {
    r.int(o.k, `${f}.k`, 1, 15); r.int(o.stride, `${f}.stride`, 1, 15); r.int(o.pad, `${f}.pad`, 0, 7);
  } else if (node.op === 'globalPool' && o.kind !== 'avg' && o.kind !== 'max') {
    r.fail(`${f}.kind`, 'must be avg or max');
  }
  return node;
}

/** Parses and checks a graph written by graphToJson; `where` names the file in errors. */
export function graphFromJson(text: string, where: string): QuantizedGraph {
  const r: Reader = new Reader(where);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const o = r.object(raw, '(top level)');
  if (o.format !== 'mcusim-int8-graph' || o.version !== 1) r.fail('format', 'not an mcusim int8 graph (version 1)');
  const config = validateDetectorConfig(o.config, `${where} (config)`);
  const tensors = r.array(o.tensors, 'tensors').map((t, i) => readTensor(r, t, i));
  const nodes = r.array(o.nodes, 'nodes').map((n, k) => readNode(r, n, k, tensors));
  const input = r.int(o.input, 'input', 0, tensors.length - 1);
  const iq = r.object(o.inputQuantization, 'inputQuantization');
  const subtractFrameMean = iq.subtractFrameMean;
  if (typeof subtractFrameMean !== 'boolean') r.fail('inputQuantization.subtractFrameMean', 'must be true or false');
  const inputQuantization = {
    subtractFrameMean,
    centiPerStep: r.int(iq.centiPerStep, 'inputQuantization.centiPerStep', 1, 65535),
    zeroPoint: r.int(iq.zeroPoint, 'inputQuantization.zeroPoint', -128, 127),
  };
  const outputs = r.array(o.outputs, 'outputs').map((h, i) => {
    const ho = r.object(h, `outputs[${i}]`);
    if (typeof ho.scale !== 'string') r.fail(`outputs[${i}].scale`, 'must be a string');
    return { tensor: r.int(ho.tensor, `outputs[${i}].tensor`, 0, tensors.length - 1), scale: ho.scale };
  });
  const cal = r.object(o.calibration, 'calibration');
  const method = cal.method;
  if (typeof method !== 'string') r.fail('calibration.method', 'must be a string');
  const calibration = { method, frames: r.int(cal.frames, 'calibration.frames', 0, 2 ** 31), seed: r.int(cal.seed, 'calibration.seed', -1, Number.MAX_SAFE_INTEGER) };
  return { format: 'mcusim-int8-graph', version: 1, config, calibration, input, inputQuantization, outputs, tensors, nodes };
}
