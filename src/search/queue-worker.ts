/**
 * The worker side of the proposal queue (src/search/queue.ts): a BullMQ Worker taking up to
 * `concurrency` jobs at once, each run by runProposalJob in its own comlink worker thread (the
 * search's worker thread, src/search/worker.ts). Jobs run off the main thread so that it keeps
 * renewing the jobs' locks: a fine-tune blocking it would make BullMQ think this worker died.
 */
import { Worker as Thread } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'bullmq';
import { probeRedis, PROPOSAL_QUEUE, redisClient } from './queue.js';
import type { ProposalJob, ProposalResult } from './proposal-job.js';
import type { SearchWorkerApi } from './worker.js';

export interface QueueWorkerOptions {
  url: string;
  concurrency: number;
  /** How long a job stays claimed after its worker stops renewing the lock (BullMQ lockDuration). */
  lockMs: number;
  log: (line: string) => void;
}

export interface RunningQueueWorker {
  /** Finishes the jobs in hand, then stops. */
  close(): Promise<void>;
  /** Settles when the worker stops (close, or a fatal error). */
  closed: Promise<void>;
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<RunningQueueWorker> {
  await probeRedis(o.url);
  const threads = Array.from({ length: o.concurrency }, () => new Thread(new URL('./worker-entry.mjs', import.meta.url), { execArgv: [] }));
  const idle = threads.map((t) => Comlink.wrap<SearchWorkerApi>(nodeEndpoint(t)));
  const client = redisClient(o.url);
  const worker = new Worker<ProposalJob, ProposalResult>(
    PROPOSAL_QUEUE,
    async (job) => {
      const remote = idle.pop()!; // BullMQ never runs more than `concurrency` jobs at once
      const started = Date.now();
      o.log(`started ${job.id}`);
      try {
        const result = await remote.run(job.data);
        o.log(`finished ${job.id} in ${((Date.now() - started) / 1000).toFixed(1)} s (mAP@0.5 ${result.accuracy.mAP50.toFixed(3)})`);
        return result;
      } finally {
        idle.push(remote);
      }
    },
    {
      connection: client, concurrency: o.concurrency,
      // The stalled check runs at half the lock time so a dead worker's job is back within ~1.5 locks;
      // a job may stall a few times (several workers dying) before BullMQ fails it.
      lockDuration: o.lockMs, stalledInterval: Math.max(500, Math.round(o.lockMs / 2)), maxStalledCount: 5,
    },
  );
  worker.on('failed', (job, e) => o.log(`failed ${job?.id ?? '?'}: ${e.message}`));
  worker.on('error', (e) => o.log(`queue error: ${e.message}`));
  await worker.waitUntilReady();
  o.log(`waiting for jobs on ${PROPOSAL_QUEUE} (concurrency ${o.concurrency})`);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await worker.close();
      await Promise.all(threads.map((t) => t.terminate()));
      client.disconnect();
      resolveClosed();
    })());
  return { close, closed };
}
