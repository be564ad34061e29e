/**
 * Tensors of the training engine and the tape that records how to backpropagate through them.
 *
 * Layout: NHWC for feature maps (like the int8 C runtime), HWIO for conv weights. A tensor is a
 * Float32Array plus its shape; its gradient buffer is allocated on first accumulation. The tape
 * is a list of backward closures pushed by the ops in src/nn/layers/ops.ts (the op saves what
 * its backward needs when it runs forward, as tinygrad's Function does) and replayed in reverse.
 */

export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  /** Gradient of the loss with respect to `data`, same length; null until something flows in. */
  grad: Float32Array | null = null;
  /** Whether gradients should flow into this tensor (parameters, and anything computed from one). */
  requiresGrad = false;

  constructor(shape: readonly number[], data?: Float32Array) {
    const size = shapeSize(shape);
    if (data && data.length !== size) {
      throw new Error(`tensor data has ${data.length} values, shape [${shape.join(', ')}] needs ${size}`);
    }
    this.shape = shape.slice();
    this.data = data ?? new Float32Array(size);
  }

  get size(): number {
    return this.data.length;
  }

  /** The gradient buffer, allocated zeroed on first use. */
  gradBuffer(): Float32Array {
    if (!this.grad) this.grad = new Float32Array(this.data.length);
    return this.grad;
  }

  zeroGrad(): void {
    if (this.grad) this.grad.fill(0);
  }
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** NHWC dimensions of a 4-D feature map. */
export interface Nhwc {
  n: number;
  h: number;
  w: number;
  c: number;
}

export function nhwc(t: Tensor): Nhwc {
  if (t.shape.length !== 4) throw new Error(`expected an NHWC tensor, got shape [${t.shape.join(', ')}]`);
  const [n, h, w, c] = t.shape as [number, number, number, number];
  return { n, h, w, c };
}

/**
 * Records backward closures while a forward pass runs. `null` in place of a tape means inference:
 * ops then skip saving state. `backward(loss, seed)` seeds the output gradient and replays.
 */
export class Tape {
  private readonly steps: Array<() => void> = [];

  record(step: () => void): void {
    this.steps.push(step);
  }

  get length(): number {
    return this.steps.length;
  }

  /** Seeds `output.grad` with `seed` (same length) and runs every recorded step in reverse. */
  backward(output: Tensor, seed: Float32Array): void {
    if (seed.length !== output.size) throw new Error(`seed has ${seed.length} values, output has ${output.size}`);
    output.gradBuffer().set(seed);
    for (let i = this.steps.length - 1; i >= 0; i--) this.steps[i]!();
    this.steps.length = 0;
  }
}
