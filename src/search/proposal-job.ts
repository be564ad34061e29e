/**
 * One proposal's evaluation as plain data, so a worker thread can run it: the pruned weights in,
 * a short fine-tune and the held-out score, the fine-tuned weights out. The same function runs
 * in-process when the search has one worker.
 */
import { threadId } from 'node:worker_threads';
import { fromWeightsFile, toWeightsFile, type WeightsFile } from '../nn/model/serialize.js';
import { fineTune, heldOutAccuracy, type FineTuneRecipe, type FineTuneSetup } from './fine-tune.js';
import type { Accuracy } from './state.js';

export interface ProposalJob {
  weights: WeightsFile;
  setup: FineTuneSetup;
  fineTuneFrames: number;
  /** Part of the job (and so of its queue id): results of another recipe are not reused. */
  recipe: FineTuneRecipe;
  seed: number;
  evalFrames: number;
}

export interface ProposalResult {
  weights: WeightsFile;
  accuracy: Accuracy;
  /** The thread that ran it (worker_threads threadId; 0 is the main thread). */
  threadId: number;
}

export async function runProposalJob(job: ProposalJob): Promise<ProposalResult> {
  const { model } = fromWeightsFile(job.weights, 'proposal');
  const tuned = await fineTune(model, job.setup, job.fineTuneFrames, job.seed, job.recipe);
  const accuracy = heldOutAccuracy(tuned, job.setup, job.evalFrames);
  return { weights: toWeightsFile(tuned, job.setup.inputTransform, false), accuracy, threadId };
}
