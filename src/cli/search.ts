/**
 * `mcusim search --board B [--latency-ms MS] [--max-sram B] [--max-flash B] [--model M] [--out DIR]
 * [--save-model PATH] [--time-budget MIN] [--workers N] [--queue redis://HOST:PORT] [--resume]`:
 * prunes the trained detector until its firmware fits the budget on the board, measured by building
 * and simulating it (src/search/search.ts). Progress on stderr; stdout gets the Pareto table;
 * <out>/search-results.{json,html} the same as JSON and as a page with the accuracy-latency
 * scatter; <out>/chosen.* the model, its ELF and its report; the chosen model also as a model of
 * its own, models/search-<board>-<budget>.{json,weights.json} (--save-model). Exit 0 fits (also
 * when --time-budget cut the search short: the best fitting model so far, with a warning); 1 the
 * budget cannot be met (one line naming the smallest reachable latency/SRAM/flash); 2 usage or input error.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { EXIT, exitCodesEpilogue } from '../common/exit-codes.js';
import { writeFileAtomic } from '../common/write-atomic.js';
import { DEFAULT_BOARD, loadBoard } from '../mcu/boards/load.js';
import { parseBytes } from '../report/format.js';
import { positiveInteger, positiveNumber } from './flags.js';
import { CompileError, DEFAULT_MODEL, ToolchainMissingError } from '../codegen/firmware-build.js';
import { SAMPLE_FRAMES } from './build.js';

/** Proposals per step (one per prunable stage): more workers would idle. */
const STAGE_COUNT = 6;

export const SEARCH_EXIT = { fits: 0, unreachable: EXIT.overBudget, usage: EXIT.usage } as const;

interface SearchArgs {
  board: string;
  latencyMs?: number;
  maxSram?: string;
  maxFlash?: string;
  model?: string;
  out?: string;
  saveModel?: string;
  timeBudget?: number;
  workers?: number;
  queue?: string;
  resume: boolean;
  stepFraction: number;
  fineTuneFrames: number;
  finalFineTuneFrames: number;
  evalFrames: number;
  seed: number;
}

/** The budget as a file-name part: 16.8ms, sram64K, flash128K joined by '-'. */
function budgetTag(b: { latencyMs?: number; maxSramBytes?: number; maxFlashBytes?: number }): string {
  const kib = (n: number): string => (n % 1024 === 0 ? `${n / 1024}K` : `${n}B`);
  return [
    ...(b.latencyMs !== undefined ? [`${b.latencyMs}ms`] : []),
    ...(b.maxSramBytes !== undefined ? [`sram${kib(b.maxSramBytes)}`] : []),
    ...(b.maxFlashBytes !== undefined ? [`flash${kib(b.maxFlashBytes)}`] : []),
  ].join('-');
}

/**
 * The chosen weights as a model of their own (`mcusim build --model <path>.weights.json`, `mcusim eval
 * --model ...`): the weights renamed after the file, and the architecture config beside them, as
 * models/detector-default.json is beside its weights.
 */
function saveChosenModel(chosenWeights: string, path: string): { weights: string; config: string } {
  const base = path.replace(/(\.weights)?\.json$/, '');
  const name = basename(base);
  const file = JSON.parse(readFileSync(chosenWeights, 'utf8')) as { config: Record<string, unknown> };
  file.config = { ...file.config, name };
  mkdirSync(dirname(base), { recursive: true });
  const weights = `${base}.weights.json`, config = `${base}.json`;
  writeFileAtomic(weights, JSON.stringify(file) + '\n');
  writeFileAtomic(config, JSON.stringify(file.config, null, 2) + '\n');
  return { weights, config };
}

function bytesFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = parseBytes(value);
  if (n === null || n <= 0) throw new UserError(`--${flag}: must be a size in bytes (4096, 96K, 1M), got ${value}`);
  return n;
}

export const searchCommand: Command<SearchArgs> = {
  command: 'search',
  describe: 'Prune the detector until its firmware fits a latency/SRAM/flash budget (measured by simulation)',
  builder: (y) =>
    y
      .option('board', { type: 'string', default: DEFAULT_BOARD, describe: 'board profile (see `mcusim boards`)' })
      .option('latency-ms', { type: 'number', describe: 'inference latency budget per frame, ms at the board clock' })
      .option('max-sram', { type: 'string', describe: 'SRAM peak budget (bytes; 96K, 1M)' })
      .option('max-flash', { type: 'string', describe: 'flash budget (bytes; 256K, 1M)' })
      .option('model', { type: 'string', describe: 'trained weights to start from (default the shipped model)' })
      .option('out', { type: 'string', describe: 'output folder (default reports/generated/search-<board>)' })
      .option('save-model', { type: 'string', describe: 'where the chosen model goes: <path>.weights.json and its config <path>.json (default models/search-<board>-<budget>)' })
      .option('time-budget', { type: 'number', describe: 'minutes the whole run may take (search, final fine-tune, verification, baseline); it ends with the best fitting model so far' })
      .option('workers', { type: 'number', describe: 'threads fine-tuning and scoring a step\'s proposals (default: the cores, at most 6)' })
      .option('queue', { type: 'string', describe: 'evaluate proposals on `mcusim worker`s fed from this Redis (redis://HOST:PORT) instead of local threads' })
      .option('resume', { type: 'boolean', default: false, describe: 'continue the search whose state is in --out' })
      .option('step-fraction', { type: 'number', default: 0.12, describe: 'latency cut each step aims for (share of the current latency)' })
      .option('fine-tune-frames', { type: 'number', default: 512, describe: 'training frames of the short fine-tune of each proposal' })
      .option('final-fine-tune-frames', { type: 'number', default: 16384, describe: 'training frames of the final fine-tune' })
      .option('eval-frames', { type: 'number', default: 128, describe: 'held-out frames each candidate is scored on' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the fine-tune frames' })
      .epilogue(
        'Every candidate is written to <out>/search-state.json as it finishes; --resume continues from it. ' +
          `${exitCodesEpilogue('search', `${SEARCH_EXIT.fits} a model fits`)} ${SEARCH_EXIT.unreachable}: the budget cannot be reached ` +
          `(the line names the smallest reachable latency, SRAM and flash) or --time-budget ran out; ` +
          `${EXIT.compileFailed}: the start or narrowest model's firmware did not compile; ${EXIT.queueUnreachable}: the --queue Redis cannot be reached.`,
      ) as never,
  handler: async (args) => {
    const board = loadBoard(args.board);
    const budget = {
      ...(args.latencyMs !== undefined ? { latencyMs: positiveNumber(args.latencyMs, 'latency-ms') } : {}),
      ...(args.maxSram !== undefined ? { maxSramBytes: bytesFlag(args.maxSram, 'max-sram') } : {}),
      ...(args.maxFlash !== undefined ? { maxFlashBytes: bytesFlag(args.maxFlash, 'max-flash') } : {}),
    };
    if (Object.keys(budget).length === 0) throw new UserError('name a budget: --latency-ms, --max-sram or --max-flash');
    const workers = args.workers === undefined ? Math.min(STAGE_COUNT, availableParallelism()) : positiveInteger(args.workers, 'workers');
    const stepFraction = positiveNumber(args.stepFraction, 'step-fraction');
    if (stepFraction >= 1) throw new UserError(`--step-fraction: must be below 1, got ${stepFraction}`);
    if (args.timeBudget !== undefined) positiveNumber(args.timeBudget, 'time-budget');
    const settings = {
      board: board.name, budget, model: resolve(args.model ?? DEFAULT_MODEL), stepFraction,
      fineTuneFrames: positiveInteger(args.fineTuneFrames, 'fine-tune-frames'),
      finalFineTuneFrames: positiveInteger(args.finalFineTuneFrames, 'final-fine-tune-frames'),
      evalFrames: positiveInteger(args.evalFrames, 'eval-frames'),
      seed: positiveInteger(args.seed, 'seed'),
    };
    if (args.queue !== undefined) (await import('../search/queue.js')).parseQueueUrl(args.queue);
    const outDir = resolve(args.out ?? `reports/generated/search-${board.name}`);
    const { runSearch } = await import('../search/search.js');
    const { searchResults, renderResults } = await import('../search/results.js');
    const { StateFileError } = await import('../search/state.js');
    const { ConfigError } = await import('../nn/model/config.js');
    let outcome;
    try {
      outcome = await runSearch({
        settings, board, outDir, sampleFrames: SAMPLE_FRAMES, resume: args.resume, timeBudgetMinutes: args.timeBudget, workers,
        ...(args.queue !== undefined ? { queue: args.queue } : {}),
        progress: (line) => process.stderr.write(`mcusim search: ${line}\n`),
      });
    } catch (e) {
      if (e instanceof StateFileError || e instanceof ConfigError) throw new UserError(e.message, SEARCH_EXIT.usage);
      if (e instanceof ToolchainMissingError) throw new UserError(e.message, EXIT.toolchainMissing);
      if (e instanceof CompileError) {
        const log = resolve(outDir, 'compile-error.log');
        writeFileAtomic(log, e.log + '\n');
        throw new UserError(`a candidate's firmware did not compile (log: ${log})`, EXIT.compileFailed);
      }
      throw e;
    }
    const results = searchResults(outcome.state, outcome.chosen, outcome.uniform);
    writeFileAtomic(resolve(outDir, 'search-results.json'), JSON.stringify(results, null, 1) + '\n');
    writeFileAtomic(resolve(outDir, 'search-results.html'), (await import('../search/results-html.js')).renderResultsHtml(results));
    process.stdout.write(renderResults(results) + '\n');
    if (outcome.failure) {
      process.stderr.write(`mcusim: ${outcome.failure}\n`);
      return SEARCH_EXIT.unreachable;
    }
    if (outcome.warning) process.stderr.write(`mcusim search: warning: ${outcome.warning}\n`);
    const saved = saveChosenModel(resolve(outDir, 'chosen.weights.json'), resolve(args.saveModel ?? join('models', `search-${board.name}-${budgetTag(budget)}`)));
    process.stdout.write(`chosen: ${saved.weights} (config ${saved.config}; firmware ${resolve(outDir, 'chosen.elf')}, report ${resolve(outDir, 'chosen.report.json')})\n`);
    return SEARCH_EXIT.fits;
  },
};
