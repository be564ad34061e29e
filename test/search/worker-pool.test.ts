/**
 * Proposals in worker threads (src/search/worker-pool.ts): a job run in a worker gives exactly what
 * it gives in the main thread (fine-tune and score are deterministic), results come back in job
 * order, and each is reported once as it finishes.
 */
import { describe, expect, it } from 'vitest';
import { fromWeightsFile, readWeightsFile, toWeightsFile } from '../../src/nn/model/serialize.js';
import { pruneDetector } from '../../src/search/prune.js';
import { PROPOSAL_RECIPE, setupFromWeightsFile } from '../../src/search/fine-tune.js';
import { runProposalJob, type ProposalJob } from '../../src/search/proposal-job.js';
import { ProposalPool } from '../../src/search/worker-pool.js';

describe('ProposalPool', () => {
  it('a worker thread gives the main thread\'s results, in job order', async () => {
    const file = readWeightsFile('models/detector-default.weights.json');
    const setup = setupFromWeightsFile(file);
    const base = fromWeightsFile(file, 'shipped').model;
    const job = (stage4: number, seed: number): ProposalJob => ({
      weights: toWeightsFile(pruneDetector(base, { stage1: 8, stage2: 16, stage3: 24, stage4, fpn: 16, head: 32 }).model, setup.inputTransform, false),
      setup, fineTuneFrames: 8, recipe: { ...PROPOSAL_RECIPE, recalibrationFrames: 16 }, seed, evalFrames: 8,
    });
    const jobs = [job(24, 3), job(16, 4), job(28, 5)];
    const pool = new ProposalPool(2);
    const seen: number[] = [];
    try {
      const results = await pool.runAll(jobs, (i) => seen.push(i));
      expect(seen.sort()).toEqual([0, 1, 2]);
      expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
      const inWorker = results.findIndex((r) => r.threadId !== 0);
      const direct = await runProposalJob(jobs[inWorker]!);
      expect(direct.threadId).toBe(0);
      expect(results[inWorker]!.accuracy).toEqual(direct.accuracy);
      expect(results[inWorker]!.weights.tensors).toEqual(direct.weights.tensors);
      expect(results[1]!.weights.tensors['backbone.stage4.conv.conv.weight']!.shape).toEqual([3, 3, 24, 16]);
      expect(results[1]!.weights.tensors).not.toEqual(jobs[1]!.weights.tensors); // it was fine-tuned
    } finally {
      await pool.close();
    }
  }, 300_000);
});
