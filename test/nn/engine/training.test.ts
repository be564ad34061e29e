// Training machinery: the full default detector's composite loss decreases on a fixed batch;
// the worker-thread pool computes what the in-process shards compute; resume from a checkpoint
// reproduces an uninterrupted run exactly; weights files round-trip.
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDetectorConfig } from '../../../src/nn/model/config.js';
import { Detector } from '../../../src/nn/model/detector.js';
import {
  DEFAULT_INPUT_TRANSFORM, flattenBuffers, flattenParameters, fromWeightsFile, toWeightsFile,
} from '../../../src/nn/model/serialize.js';
import { makeLossConfig } from '../../../src/nn/loss/config.js';
import { Adam } from '../../../src/nn/optim/adam.js';
import { ShardTrainer, type ShardSetup } from '../../../src/nn/train/shard.js';
import { ShardPool, splitEvenly } from '../../../src/nn/train/pool.js';
import { train, type TrainOptions } from '../../../src/nn/train/loop.js';
import { Rng } from '../../../src/nn/layers/rng.js';
import { randomTensor } from './gradcheck.js';
import { tinyConfig, tinyFrames } from './tiny-config.js';
import type { FrameSourceSpec } from '../../../src/nn/train/frames.js';

const loss = makeLossConfig();

function setupFor(config = loadDetectorConfig('models/detector-default.json'), frames: FrameSourceSpec = { kind: 'synthetic', seed: 3, trainFrames: 16, valFrames: 0 }): ShardSetup {
  return { config, loss, augment: { flip: false, cutmix: null }, inputTransform: DEFAULT_INPUT_TRANSFORM, frames };
}

describe('training', () => {
  it('the full default detector lowers its composite loss on a fixed batch', () => {
    const trainer = new ShardTrainer(setupFor());
    const model = new Detector(trainer.setup.config, 2);
    const adam = new Adam(model.parameters(), { lr: 3e-3 });
    const job = { parameters: flattenParameters(model), buffers: flattenBuffers(model), indices: [0, 1, 2, 3, 4, 5, 6, 7], augmentSeed: 1 };
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      job.parameters = flattenParameters(model);
      job.buffers = flattenBuffers(model);
      const r = trainer.run(job);
      expect(r.positives).toBeGreaterThan(0);
      let o = 0;
      for (const p of model.parameters()) {
        p.tensor.gradBuffer().set(r.gradients.subarray(o, o + p.tensor.size));
        o += p.tensor.size;
      }
      adam.update();
      losses.push(r.loss);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    const first = losses.slice(0, 3).reduce((a, b) => a + b) / 3, last = losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(last).toBeLessThan(0.6 * first);
  });

  it('a worker thread computes the same shard result as the main thread', async () => {
    const setup = setupFor(tinyConfig('relu'), { kind: 'list', train: tinyFrames(8, 1), val: [] });
    const local = new ShardTrainer(setup);
    const model = new Detector(setup.config, 4);
    const parameters = flattenParameters(model), buffers = flattenBuffers(model);
    const indices = [0, 1, 2, 3, 4, 5, 6];
    const pool = await ShardPool.create(setup, 2);
    try {
      const combined = await pool.step(parameters, buffers, indices, 9);
      // the pool's shard k uses augmentSeed (seed * 31 + k): recompute both shards in-process
      const [a, b] = splitEvenly(indices, 2).map((shard, k) => local.run({ parameters, buffers, indices: shard, augmentSeed: 9 * 31 + k }));
      const wa = a!.samples / 7, wb = b!.samples / 7;
      for (let i = 0; i < combined.gradients.length; i++) {
        expect(combined.gradients[i]).toBeCloseTo(wa * a!.gradients[i]! + wb * b!.gradients[i]!, 6);
      }
      expect(combined.loss).toBeCloseTo(wa * a!.loss + wb * b!.loss, 6);
      expect(combined.samples).toBe(7);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('resuming from a checkpoint reproduces the uninterrupted run bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-train-'));
    const base: TrainOptions = {
      config: tinyConfig('relu'), epochs: 2, batchSize: 4, lr: 3e-3, weightDecay: 1e-4, warmupEpochs: 0.5,
      threads: 1, seed: 5, frames: { kind: 'list', train: tinyFrames(8, 2), val: tinyFrames(4, 3) }, loss,
      augment: { flip: true, cutmix: { M: 4, tau: 0.3 } }, inputTransform: DEFAULT_INPUT_TRANSFORM,
    };
    const straight = await train(base);
    const checkpointPath = join(dir, 'ckpt.json'), afterFirst = join(dir, 'after-epoch-1.json');
    const interrupted = await train({ ...base, checkpointPath }, {
      onEpoch: (m) => m.epoch === 1 && copyFileSync(checkpointPath, afterFirst),
    });
    const resumed = await train({ ...base, resumeFrom: afterFirst });
    expect(resumed.history).toHaveLength(2);
    expect(resumed.history[0]!.trainLoss).toBe(interrupted.history[0]!.trainLoss); // restored from the checkpoint
    expect(Array.from(flattenParameters(interrupted.model))).toEqual(Array.from(flattenParameters(straight.model)));
    expect(Array.from(flattenParameters(resumed.model))).toEqual(Array.from(flattenParameters(straight.model)));
    expect(Array.from(flattenBuffers(resumed.model))).toEqual(Array.from(flattenBuffers(straight.model)));
  }, 60_000);

  it('weights files round-trip (parameters and BatchNorm statistics)', () => {
    const model = new Detector(tinyConfig('relu'), 8);
    for (let i = 0; i < 2; i++) model.forward(null, randomTensor([4, 8, 16, 1], new Rng(i), 1, false));
    const file = JSON.parse(JSON.stringify(toWeightsFile(model, DEFAULT_INPUT_TRANSFORM, false)));
    const { model: copy } = fromWeightsFile(file, 'mem.json');
    expect(Array.from(flattenParameters(copy))).toEqual(Array.from(flattenParameters(model)));
    expect(Array.from(flattenBuffers(copy))).toEqual(Array.from(flattenBuffers(model)));
  });
});
