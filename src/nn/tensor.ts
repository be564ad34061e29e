/**
 * Tensors of the training engine and the tape that records how to backpropagate through them.
 *
 * Layout: NHWC for feature maps (like the int8 C runtime), HWIO for conv weights. A tensor is a
 * Float32Array plus its shape; its gradient buffer is allocated on first accumulation. The tape
 * is a list of backward closures pushed by the ops in src/nn/layers/ops.ts (the op saves what
 * its backward needs when it runs forward, as tinygrad's Function does) and replayed in reverse.
 * A training loop may give its tapes a BufferPool: the step's activations, gradients and scratch
 * then come from the previous step's buffers instead of fresh allocations.
 */

export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  /** Gradient of the loss with respect to `data`, same length; null until something flows in. */
  grad: Float32Array | null = null;
  /** Whether gradients should flow into this tensor (parameters, and anything computed from one). */
  requiresGrad = false;

  /** `pool`: where this tensor's data (when not given) and its gradient buffer come from. */
  constructor(shape: readonly number[], data?: Float32Array, readonly pool: BufferPool | null = null) {
    const size = shapeSize(shape);
    if (data && data.length !== size) {
      throw new Error(`tensor data has ${data.length} values, shape [${shape.join(', ')}] needs ${size}`);
    }
    this.shape = shape.slice();
    this.data = data ?? allocate(size, pool);
  }

  get size(): number {
    return this.data.length;
  }

  /** The gradient buffer, allocated zeroed on first use. */
  gradBuffer(): Float32Array {
    if (!this.grad) this.grad = allocate(this.data.length, this.pool);
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

  /** `pool`: buffers for the tensors the ops create while recording (see BufferPool). */
  constructor(readonly pool: BufferPool | null = null) {}

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

/** A zeroed buffer, from `pool` when there is one. */
export function allocate(length: number, pool: BufferPool | null): Float32Array {
  return pool ? pool.take(length) : new Float32Array(length);
}

/**
 * Float buffers recycled from one training step to the next. A step allocates the same sizes in
 * the same order every time (tens of MB at batch 64), and fresh typed arrays cost a calloc each
 * plus the garbage collections their external memory triggers (5 % of a step, measured).
 * `take` hands out zeroed buffers; `recycle()` declares every buffer handed out since the last
 * recycle dead and free for reuse: call it only when nothing of the step (activations, their
 * gradients, the network output) is read any more. Parameters never come from a pool.
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private inUse: Float32Array[] = [];

  /** `zeroed` false: the caller writes every element before reading any (an op's output). */
  take(length: number, zeroed = true): Float32Array {
    const reused = this.free.get(length)?.pop();
    const buffer = reused ? (zeroed ? reused.fill(0) : reused) : new Float32Array(length);
    this.inUse.push(buffer);
    return buffer;
  }

  /** An Int32Array on a pooled buffer, not zeroed (argmax indices, written in full by the op). */
  takeInt32(length: number): Int32Array {
    return new Int32Array(this.take(length, false).buffer, 0, length);
  }

  recycle(): void {
    for (const buffer of this.inUse) {
      let list = this.free.get(buffer.length);
      if (!list) this.free.set(buffer.length, (list = []));
      list.push(buffer);
    }
    this.inUse = [];
  }
}
