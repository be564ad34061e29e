/**
 * Data-parallel gradient computation: a batch is split into one shard per thread (the main
 * thread computes a shard too, so `threads` = 2 uses one worker on a 2-core machine); shard
 * gradients and BatchNorm statistics are averaged, weighted by shard size. Each shard normalises
 * its loss by its own positives, as data-parallel SSD training does without cross-shard sync.
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { ShardTrainer, type ShardJob, type ShardResult, type ShardSetup } from './shard.js';
import type { WorkerApi } from './worker.js';

export interface StepResult {
  gradients: Float32Array;
  buffers: Float32Array;
  samples: number;
  /** Sample-weighted mean loss and terms over the shards. */
  loss: number;
  terms: Record<string, number>;
  positives: number;
}

export class ShardPool {
  private constructor(
    readonly local: ShardTrainer,
    private readonly workers: Worker[],
    private readonly remotes: Array<Comlink.Remote<WorkerApi>>,
  ) {}

  /** Starts threads - 1 workers and sets each up with the same shard setup. */
  static async create(setup: ShardSetup, threads: number): Promise<ShardPool> {
    const local = new ShardTrainer(setup);
    const workers: Worker[] = [];
    const remotes: Array<Comlink.Remote<WorkerApi>> = [];
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { execArgv: [] });
      worker.unref();
      workers.push(worker);
      remotes.push(Comlink.wrap<WorkerApi>(nodeEndpoint(worker)));
    }
    await Promise.all(remotes.map((r) => r.setup(setup)));
    return new ShardPool(local, workers, remotes);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Gradients of the batch `indices`, computed in parallel shards. */
  async step(parameters: Float32Array, buffers: Float32Array, indices: number[], seed: number): Promise<StepResult> {
    const shards = splitEvenly(indices, this.threads);
    const job = (k: number): ShardJob => ({ parameters, buffers, indices: shards[k]!, augmentSeed: (seed * 31 + k) >>> 0 });
    const pending = this.remotes.map((r, k) => (shards[k + 1]!.length > 0 ? r.run(job(k + 1)) : null));
    const results: ShardResult[] = [];
    if (shards[0]!.length > 0) results.push(this.local.run(job(0)));
    for (const p of pending) if (p) results.push(await p);
    return combine(results);
  }

  async close(): Promise<void> {
    for (const r of this.remotes) r[Comlink.releaseProxy]();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function splitEvenly<T>(items: T[], parts: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let k = 0; k < parts; k++) {
    const size = Math.floor(items.length / parts) + (k < items.length % parts ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}

function combine(results: ShardResult[]): StepResult {
  const samples = results.reduce((s, r) => s + r.samples, 0);
  const gradients = new Float32Array(results[0]!.gradients.length);
  const buffers = new Float32Array(results[0]!.buffers.length);
  const terms: Record<string, number> = {};
  let loss = 0, positives = 0;
  for (const r of results) {
    const w = r.samples / samples;
    for (let i = 0; i < gradients.length; i++) gradients[i] += w * r.gradients[i]!;
    for (let i = 0; i < buffers.length; i++) buffers[i] += w * r.buffers[i]!;
    loss += w * r.loss;
    positives += r.positives;
    for (const [k, v] of Object.entries(r.terms)) terms[k] = (terms[k] ?? 0) + w * v;
  }
  return { gradients, buffers, samples, loss, terms, positives };
}
