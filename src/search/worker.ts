/** A search worker thread: evaluates proposals sent over comlink (src/search/worker-pool.ts). */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { runProposalJob } from './proposal-job.js';

export const searchWorkerApi = { run: runProposalJob };
export type SearchWorkerApi = typeof searchWorkerApi;

if (!parentPort) throw new Error('src/search/worker.ts must run in a worker thread');
Comlink.expose(searchWorkerApi, nodeEndpoint(parentPort));
