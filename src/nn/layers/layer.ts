/**
 * The layer contract: a layer owns its parameters, runs forward on the tape (ops save what
 * backward needs) and lists its parameters for the optimiser (micrograd's `parameters()`).
 */
import { Tensor } from '../tensor.js';
import type { Ctx } from './ops.js';
import type { Rng } from './rng.js';

export interface Parameter {
  /** Dotted path, e.g. `backbone.stage1.conv.weight`; the key in saved weights. */
  name: string;
  tensor: Tensor;
  /** Whether weight decay applies (conv/linear weights yes; biases and BN affine no). */
  decay: boolean;
}

/** Buffers that are state but not trained (BatchNorm running statistics). */
export interface Buffer {
  name: string;
  data: Float32Array;
}

export abstract class Layer {
  training = true;

  abstract forward(ctx: Ctx, x: Tensor): Tensor;

  /** Direct sub-layers with their names; parameters() and buffers() recurse through them. */
  children(): Array<[string, Layer]> {
    return [];
  }

  ownParameters(): Parameter[] {
    return [];
  }

  ownBuffers(): Buffer[] {
    return [];
  }

  parameters(prefix = ''): Parameter[] {
    const own = this.ownParameters().map((p) => ({ ...p, name: prefix + p.name }));
    return own.concat(...this.children().map(([name, child]) => child.parameters(`${prefix}${name}.`)));
  }

  buffers(prefix = ''): Buffer[] {
    const own = this.ownBuffers().map((b) => ({ ...b, name: prefix + b.name }));
    return own.concat(...this.children().map(([name, child]) => child.buffers(`${prefix}${name}.`)));
  }

  setTraining(training: boolean): void {
    this.training = training;
    for (const [, child] of this.children()) child.setTraining(training);
  }
}

export function parameterTensor(shape: number[]): Tensor {
  const t = new Tensor(shape);
  t.requiresGrad = true;
  return t;
}

/** He-normal initialisation for weights feeding a ReLU-family activation. */
export function heNormal(t: Tensor, fanIn: number, rng: Rng, gain = Math.SQRT2): void {
  const std = gain / Math.sqrt(fanIn);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * std;
}
