// Training steps whose activations and gradients come from a BufferPool (reused step after step)
// give the very bits of steps with fresh buffers: a reused buffer that kept values from the previous
// step, or a pooled buffer still in use when recycled, would change outputs or gradients.
import { describe, expect, it } from 'vitest';
import { BufferPool, Tape, Tensor } from '../../../src/nn/tensor.js';
import { Detector } from '../../../src/nn/model/detector.js';
import { loadDetectorConfig } from '../../../src/nn/model/config.js';
import { Adam } from '../../../src/nn/optim/adam.js';
import { Rng } from '../../../src/nn/layers/rng.js';

/** Three Adam steps of the default detector at batch 3; every output and gradient, as bytes. */
function steps(pool: BufferPool | null): Buffer[] {
  const model = new Detector(loadDetectorConfig('models/detector-default.json'), 3);
  const rng = new Rng(11);
  const x = new Tensor([3, 24, 32, 1]);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();
  const g = model.geometry;
  const seed = Float32Array.from({ length: 3 * g.totalAnchors * g.valuesPerAnchor }, () => rng.normal());
  const adam = new Adam(model.parameters(), { lr: 1e-2 });
  const seen: Buffer[] = [];
  const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  for (let s = 0; s < 3; s++) {
    adam.zeroGrad();
    const tape = new Tape(pool);
    const out = model.forward(tape, x);
    tape.backward(out, seed);
    seen.push(bytes(out.data), ...model.parameters().map((p) => bytes(p.tensor.grad!)));
    adam.update();
    pool?.recycle();
  }
  return seen;
}

describe('BufferPool', () => {
  it('pooled training steps are bit-identical to steps with fresh buffers', () => {
    const fresh = steps(null), pooled = steps(new BufferPool());
    expect(pooled.length).toBe(fresh.length);
    for (let i = 0; i < fresh.length; i++) expect(pooled[i]!.equals(fresh[i]!)).toBe(true);
  });

  it('hands a recycled buffer out again, zeroed', () => {
    const pool = new BufferPool();
    const a = pool.take(16);
    a.fill(7);
    pool.recycle();
    const b = pool.take(16);
    expect(b).toBe(a);
    expect(Array.from(b).every((v) => v === 0)).toBe(true);
    expect(pool.take(16)).not.toBe(a); // in use until the next recycle
  });
});
