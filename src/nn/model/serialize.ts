/**
 * Trained-model files (`models/*.weights.json`): the architecture config, the input transform,
 * and every parameter and BatchNorm buffer as little-endian float32 in base64, keyed by the
 * layer path (`backbone.stage1.conv.conv.weight`). Also the flat-vector views the data-parallel
 * trainer ships between threads.
 */
import { readFileSync } from 'node:fs';
import { Detector } from './detector.js';
import { validateDetectorConfig, ConfigError, type DetectorConfig } from './config.js';

/** How a frame in degrees Celsius becomes the network input: (celsius - frame mean) * scale. */
export interface InputTransform {
  subtractFrameMean: boolean;
  scale: number;
}

export const DEFAULT_INPUT_TRANSFORM: InputTransform = { subtractFrameMean: true, scale: 0.25 };

export interface WeightsFile {
  format: 'mcusim-detector-weights';
  version: 1;
  config: DetectorConfig;
  inputTransform: InputTransform;
  /** BatchNorm folded into the convs (export form) or kept (training form). */
  batchNormFolded: boolean;
  tensors: Record<string, { shape: number[]; float32: string }>;
  buffers: Record<string, { float32: string }>;
  /** Free-form training summary (epochs, metrics) for the reader. */
  training?: Record<string, unknown>;
}

export function encodeFloat32(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

export function decodeFloat32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function toWeightsFile(
  model: Detector, inputTransform: InputTransform, batchNormFolded: boolean, training?: Record<string, unknown>,
): WeightsFile {
  const tensors: WeightsFile['tensors'] = {};
  for (const p of model.parameters()) tensors[p.name] = { shape: p.tensor.shape.slice(), float32: encodeFloat32(p.tensor.data) };
  const buffers: WeightsFile['buffers'] = {};
  for (const b of model.buffers()) buffers[b.name] = { float32: encodeFloat32(b.data) };
  return { format: 'mcusim-detector-weights', version: 1, config: model.config, inputTransform, batchNormFolded, tensors, buffers, training };
}

/** Rebuilds a model from a weights file (unfolded form); names and shapes must all match. */
export function fromWeightsFile(file: WeightsFile, where: string): { model: Detector; inputTransform: InputTransform } {
  if (file.format !== 'mcusim-detector-weights' || file.version !== 1) {
    throw new ConfigError(`${where}: format: not an mcusim detector weights file (version 1)`);
  }
  if (file.batchNormFolded) throw new ConfigError(`${where}: batchNormFolded: folded weights cannot be trained or re-folded`);
  const config = validateDetectorConfig(file.config, `${where} (config)`);
  const model = new Detector(config);
  loadState(model, file, where);
  return { model, inputTransform: file.inputTransform ?? DEFAULT_INPUT_TRANSFORM };
}

export function loadState(model: Detector, file: Pick<WeightsFile, 'tensors' | 'buffers'>, where: string): void {
  for (const p of model.parameters()) {
    const t = file.tensors[p.name];
    if (!t) throw new ConfigError(`${where}: tensors.${p.name}: missing`);
    const data = decodeFloat32(t.float32);
    if (data.length !== p.tensor.size) throw new ConfigError(`${where}: tensors.${p.name}: ${data.length} values, model needs ${p.tensor.size}`);
    p.tensor.data.set(data);
  }
  for (const b of model.buffers()) {
    const t = file.buffers[b.name];
    if (!t) throw new ConfigError(`${where}: buffers.${b.name}: missing`);
    const data = decodeFloat32(t.float32);
    if (data.length !== b.data.length) throw new ConfigError(`${where}: buffers.${b.name}: ${data.length} values, model needs ${b.data.length}`);
    b.data.set(data);
  }
}

export function readWeightsFile(path: string): WeightsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as WeightsFile;
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

// ---- flat vectors for shipping parameters, gradients and buffers between threads ----

export function parameterLength(model: Detector): number {
  return model.parameters().reduce((s, p) => s + p.tensor.size, 0);
}

export function bufferLength(model: Detector): number {
  return model.buffers().reduce((s, b) => s + b.data.length, 0);
}

export function flattenParameters(model: Detector, out = new Float32Array(parameterLength(model))): Float32Array {
  let o = 0;
  for (const p of model.parameters()) {
    out.set(p.tensor.data, o);
    o += p.tensor.size;
  }
  return out;
}

export function unflattenParameters(model: Detector, flat: Float32Array): void {
  let o = 0;
  for (const p of model.parameters()) {
    p.tensor.data.set(flat.subarray(o, o + p.tensor.size));
    o += p.tensor.size;
  }
}

/** Gradients in parameter order; a parameter that received none contributes zeros. */
export function flattenGradients(model: Detector, out = new Float32Array(parameterLength(model))): Float32Array {
  let o = 0;
  for (const p of model.parameters()) {
    if (p.tensor.grad) out.set(p.tensor.grad, o);
    else out.fill(0, o, o + p.tensor.size);
    o += p.tensor.size;
  }
  return out;
}

export function flattenBuffers(model: Detector, out = new Float32Array(bufferLength(model))): Float32Array {
  let o = 0;
  for (const b of model.buffers()) {
    out.set(b.data, o);
    o += b.data.length;
  }
  return out;
}

export function unflattenBuffers(model: Detector, flat: Float32Array): void {
  let o = 0;
  for (const b of model.buffers()) {
    b.data.set(flat.subarray(o, o + b.data.length));
    o += b.data.length;
  }
}
