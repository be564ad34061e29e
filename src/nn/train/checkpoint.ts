/**
 * Training checkpoints: model (unfolded weights + BatchNorm statistics), Adam moments and step,
 * the epoch reached, the trainer's RNG state and the metrics so far. Written atomically (temp
 * file + rename), so a crash mid-write leaves the previous checkpoint intact.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../common/write-atomic.js';
import type { Detector } from '../model/detector.js';
import type { Adam } from '../optim/adam.js';
import { ConfigError } from '../model/config.js';
import { decodeFloat32, encodeFloat32, toWeightsFile, type InputTransform, type WeightsFile } from '../model/serialize.js';
import type { Rng } from '../layers/rng.js';

export interface Checkpoint {
  format: 'mcusim-train-checkpoint';
  version: 1;
  /** Epochs fully completed; training resumes at this epoch index. */
  epoch: number;
  weights: WeightsFile;
  optimizer: { step: number; m: Record<string, string>; v: Record<string, string> };
  rng: number[];
  /** Options that must match on resume (the rest may change, e.g. the epoch count). */
  identity: Record<string, unknown>;
  history: unknown[];
}

export function saveCheckpoint(
  path: string, model: Detector, inputTransform: InputTransform, optimizer: Adam, rng: Rng, epoch: number,
  identity: Record<string, unknown>, history: unknown[],
): void {
  const state = optimizer.getState();
  const encode = (r: Record<string, number[]>): Record<string, string> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, encodeFloat32(Float32Array.from(v))]));
  const checkpoint: Checkpoint = {
    format: 'mcusim-train-checkpoint', version: 1, epoch,
    weights: toWeightsFile(model, inputTransform, false),
    optimizer: { step: state.step, m: encode(state.m), v: encode(state.v) },
    rng: rng.getState(), identity, history,
  };
  writeFileAtomic(path, JSON.stringify(checkpoint));
}

export function readCheckpoint(path: string): Checkpoint {
  let raw: Checkpoint;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  } catch (e) {
    throw new ConfigError(`${path}: cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (raw.format !== 'mcusim-train-checkpoint' || raw.version !== 1) throw new ConfigError(`${path}: format: not an mcusim training checkpoint`);
  return raw;
}

/** Restores Adam moments and step; the model weights are loaded separately (loadState). */
export function restoreOptimizer(optimizer: Adam, checkpoint: Checkpoint): void {
  const decode = (r: Record<string, string>): Record<string, number[]> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(decodeFloat32(v))]));
  optimizer.setState({ step: checkpoint.optimizer.step, m: decode(checkpoint.optimizer.m), v: decode(checkpoint.optimizer.v) });
}
