/**
 * Data-parallel training worker: holds its own ShardTrainer (model copy, anchors, frame cache)
 * and computes gradients for the shards the main thread sends (comlink over worker_threads).
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { ShardTrainer, type ShardJob, type ShardResult, type ShardSetup } from './shard.js';

let trainer: ShardTrainer | null = null;

export const workerApi = {
  setup(setup: ShardSetup): number {
    trainer = new ShardTrainer(setup);
    return trainer.model.parameterCount();
  },
  run(job: ShardJob): ShardResult {
    if (!trainer) throw new Error('training worker used before setup()');
    const r = trainer.run(job);
    return Comlink.transfer(r, [r.gradients.buffer, r.buffers.buffer]);
  },
};

export type WorkerApi = typeof workerApi;

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
Comlink.expose(workerApi, nodeEndpoint(parentPort));
