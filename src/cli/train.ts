/**
 * `mcusim train`: trains the detector of a models/*.json config on synthetic frames (generated
 * from a seed, so any thread can make them) or a dataset folder, with a progress bar on stderr,
 * per-epoch metrics JSON, checkpoints with resume, and the trained weights written to models/.
 */
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import type { Command } from './command.js';
import { lossConfigOptions } from './loss-options.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { UserError } from '../common/errors.js';
import { ablationVariants } from '../nn/loss/config.js';
import { DEFAULT_TRAIN_SENSORS, TRAIN_SCHEDULES } from './train-schedules.js';

function scheduleHelp(): string {
  return `preset epochs x frames: ${Object.entries(TRAIN_SCHEDULES).filter(([k]) => k !== 'default')
    .map(([k, s]) => `${k} = ${s.epochs} x ${s.trainFrames} (${s.note})`).join('; ')}; --epochs/--train-frames override it`;
}

export interface TrainArgs {
  config: string;
  epochs?: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupEpochs: number;
  threads?: number;
  data?: string;
  trainFrames?: number;
  valFrames: number;
  seed: number;
  sensors: string;
  freshFrames: boolean;
  calibrateScore: boolean;
  calibrateFrom?: string;
  schedule?: string;
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

export const trainCommand: Command<TrainArgs> = {
  command: 'train',
  describe: 'Train the thermal person detector (synthetic frames or a dataset folder)',
  builder: (y: Argv) =>
    y
      .options(lossConfigOptions())
      .option('config', { type: 'string', default: 'models/detector-default.json', describe: 'architecture config' })
      .option('schedule', { type: 'string', choices: Object.keys(TRAIN_SCHEDULES), describe: scheduleHelp() })
      .option('epochs', { type: 'number', describe: `epochs (default ${TRAIN_SCHEDULES.default.epochs}, or the schedule's)` })
      .option('batch-size', { type: 'number', default: 32, describe: 'samples per step (split over the threads)' })
      .option('lr', { type: 'number', default: 1e-2, describe: 'peak learning rate (AdamW)' })
      .option('weight-decay', { type: 'number', default: 1e-4, describe: 'decoupled weight decay' })
      .option('warmup-epochs', { type: 'number', default: 1, describe: 'linear warm-up before the cosine decay' })
      .option('threads', { type: 'number', describe: `gradient threads incl. main (default: cores = ${availableParallelism()})` })
      .option('data', { type: 'string', describe: 'dataset folder (mcusim dataset generate); default: synthetic frames' })
      .option('train-frames', { type: 'number', describe: `synthetic: training frames per epoch (default ${TRAIN_SCHEDULES.default.trainFrames}, or the schedule's)` })
      .option('sensors', { type: 'string', default: DEFAULT_TRAIN_SENSORS.join(','), describe: 'synthetic: lenses to mix, comma-separated (frame i uses the (i mod n)-th)' })
      .option('fresh-frames', { type: 'boolean', default: true, describe: 'synthetic: render new frames every epoch (--no-fresh-frames revisits one fixed set)' })
      .option('val-frames', { type: 'number', default: 256, describe: 'synthetic: validation frames' })
      .option('seed', { type: 'number', default: 1, describe: 'seed for weights, frames and shuffling' })
      .option('calibrate-score', { type: 'boolean', default: true, describe: 'after training, shift the class logits so the validation best-F1 threshold is score 0.5 (monotone: mAP unchanged)' })
      .option('calibrate-from', { type: 'string', describe: 'no training: calibrate this weights file (as --calibrate-score does) and write it to --out' })
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
      .example('$0 train --ablation --merge a.json,b.json --out-table reports/ablation.md', 'join an ablation split with --variants')
      .epilogue(exitCodesEpilogue('train', '0 trained')) as unknown as Argv<TrainArgs>,
  // The trainer loads only when a training command runs, not for every `mcusim` start.
  handler: async (args) => {
    if (args.ablation) return ablate(args);
    const options = (await import('./train-options.js')).trainOptionsFromArgs(args);
    if (args.calibrateFrom !== undefined) {
      const { ConfigError } = await import('../nn/model/config.js');
      try {
        (await import('../nn/train/train-with-progress.js')).calibrateWeightsFile(args.calibrateFrom, options.frames, args.out);
      } catch (e) {
        if (e instanceof ConfigError) throw new UserError(e.message);
        throw e;
      }
      return 0;
    }
    await (await import('../nn/train/train-with-progress.js')).trainWithProgress(options, {
      weights: args.out, metricsJson: args.json, configPath: args.config, dataDir: args.data,
    });
    return 0;
  },
};

/** `--ablation`: train every variant, or `--merge` the results of a split ablation; the table goes to stdout. */
async function ablate(args: TrainArgs): Promise<number> {
  const ablation = await import('../nn/train/ablation.js');
  const reports = { table: args.outTable, json: args.json };
  let runs;
  if (args.merge !== undefined) {
    runs = ablation.mergeAblationReports(args.merge.split(',').filter((f) => f.length > 0), reports);
  } else {
    const options = (await import('./train-options.js')).trainOptionsFromArgs(args);
    const variants = ablation.selectVariants(ablationVariants(options.loss), args.variants);
    const schedule = ablation.ablationSchedule(options, args.config, args.data);
    runs = await ablation.runAblationWithProgress(options, variants, schedule, reports);
  }
  process.stdout.write(`${ablation.ablationTable(runs)}\n`);
  return 0;
}
