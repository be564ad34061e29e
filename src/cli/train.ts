/**
 * `mcusim train`: trains the detector of a models/*.json config on synthetic frames (generated
 * from a seed, so any thread can make them) or a dataset folder, with a progress bar on stderr,
 * per-epoch metrics JSON, checkpoints with resume, and the trained weights written to models/.
 */
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { LOSS_CONFIG_FIELDS } from '../nn/loss/config.js';

export interface TrainArgs {
  config: string;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupEpochs: number;
  threads?: number;
  data?: string;
  trainFrames: number;
  valFrames: number;
  seed: number;
  flip: boolean;
  out: string;
  json?: string;
  checkpoint?: string;
  resume?: string;
  ablation?: boolean;
  outTable?: string;
  variants?: string;
  merge?: string;
  [lossFlag: string]: unknown;
}

function addLossOptions(y: Argv): Argv {
  for (const f of LOSS_CONFIG_FIELDS) {
    const type = f.kind === 'boolean' ? 'boolean' : f.kind === 'variant' ? 'string' : 'number';
    y = y.option(f.flag, { type, describe: `loss: ${f.describe}`, group: 'Loss and CutMix (default: PAPER.md settings):' });
  }
  return y;
}

export const trainCommand: Command<TrainArgs> = {
  command: 'train',
  describe: 'Train the thermal person detector (synthetic frames or a dataset folder)',
  builder: (y: Argv) =>
    addLossOptions(
      y
        .option('config', { type: 'string', default: 'models/detector-default.json', describe: 'architecture config' })
        .option('epochs', { type: 'number', default: 20, describe: 'epochs' })
        .option('batch-size', { type: 'number', default: 32, describe: 'samples per step (split over the threads)' })
        .option('lr', { type: 'number', default: 1e-2, describe: 'peak learning rate (AdamW)' })
        .option('weight-decay', { type: 'number', default: 1e-4, describe: 'decoupled weight decay' })
        .option('warmup-epochs', { type: 'number', default: 1, describe: 'linear warm-up before the cosine decay' })
        .option('threads', { type: 'number', describe: `gradient threads incl. main (default: cores = ${availableParallelism()})` })
        .option('data', { type: 'string', describe: 'dataset folder (mcusim dataset generate); default: synthetic frames' })
        .option('train-frames', { type: 'number', default: 4096, describe: 'synthetic: distinct training frames' })
        .option('val-frames', { type: 'number', default: 256, describe: 'synthetic: validation frames' })
        .option('seed', { type: 'number', default: 1, describe: 'seed for weights, frames and shuffling' })
        .option('flip', { type: 'boolean', default: true, describe: 'random horizontal flips' })
        .option('out', { alias: 'o', type: 'string', default: 'models/detector-default.weights.json', describe: 'trained weights file' })
        .option('json', { type: 'string', describe: 'write per-epoch metrics JSON here (with --ablation: the ablation results)' })
        .option('ablation', { type: 'boolean', default: false, describe: 'train every loss ablation variant with the same seed/frames/schedule and tabulate held-out metrics' })
        .option('out-table', { type: 'string', describe: 'with --ablation: write the Markdown table here (rewritten after every variant)' })
        .option('variants', { type: 'string', describe: 'with --ablation: only these variants, comma-separated (all, no-focal, no-fbeta, no-conf, no-hard-neg, no-hard-pos, no-cutmix, geometric, baseline)' })
        .option('merge', { type: 'string', describe: 'with --ablation: join the JSON results of runs split with --variants (comma-separated files) instead of training' })
        .option('checkpoint', { type: 'string', describe: 'write a checkpoint here after every epoch' })
        .option('resume', { type: 'string', describe: 'resume from a checkpoint (same config, batch size, seed, frames)' })
        .example('$0 train --epochs 2 --train-frames 512 -o /tmp/quick.weights.json', 'a quick smoke run')
        .example('$0 train --no-cutmix --no-hard-pos --json m.json', 'one ablated component')
        .example('$0 train --ablation --epochs 2 --train-frames 512 --out-table reports/ablation.md --json reports/ablation.json', 'the ablation table')
        .example('$0 train --ablation --merge a.json,b.json --out-table reports/ablation.md', 'join an ablation split with --variants'),
    ) as unknown as Argv<TrainArgs>,
  handler: async (args) => (args.ablation
    ? (await import('../nn/train/ablation.js')).runAblationCli(args)
    : (await import('../nn/train/cli-run.js')).runTrain(args)),
};

export function positiveInteger(value: unknown, flag: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new UserError(`--${flag}: must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function positiveNumber(value: unknown, flag: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UserError(`--${flag}: must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`);
  }
  return value;
}
