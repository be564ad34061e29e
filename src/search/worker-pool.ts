/**
 * Proposals evaluated in parallel: `workers` - 1 worker threads (comlink over worker_threads) plus
 * the main thread, each taking the next job as it finishes one. With one worker everything runs in
 * this thread. Results come back in job order; `onDone` sees each as it finishes (the search
 * writes its state there, so an interruption loses only unfinished proposals).
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { runProposalJob, type ProposalJob, type ProposalResult } from './proposal-job.js';
import type { SearchWorkerApi } from './worker.js';

export class ProposalPool {
  private readonly workers: Worker[] = [];
  private readonly remotes: Array<Comlink.Remote<SearchWorkerApi>> = [];

  constructor(workers: number) {
    for (let i = 1; i < workers; i++) {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { execArgv: [] });
      this.workers.push(worker);
      this.remotes.push(Comlink.wrap<SearchWorkerApi>(nodeEndpoint(worker)));
    }
  }

  async runAll(jobs: ProposalJob[], onDone: (index: number, result: ProposalResult) => void): Promise<ProposalResult[]> {
    const results: ProposalResult[] = new Array(jobs.length);
    let next = 0;
    const runner = async (run: (job: ProposalJob) => Promise<ProposalResult>): Promise<void> => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await run(jobs[i]!);
        onDone(i, results[i]!);
      }
    };
    await Promise.all([runner(runProposalJob), ...this.remotes.map((r) => runner((job) => r.run(job)))]);
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
