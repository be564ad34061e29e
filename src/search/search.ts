/**
 * Budget-constrained architecture search, NetAdapt-style (Yang et al. 2018) on measured latency:
 * start from the trained model; each step proposes, for each of the six prunable stages, the
 * smallest channel cut whose estimated latency reaches the step's target, prunes it by importance
 * (src/search/prune.ts, weights inherited), fine-tunes it briefly and scores it on held-out frames;
 * the proposal losing the least accuracy per millisecond saved is built and simulated (verified),
 * and becomes the next step's model. When latency, SRAM and flash all fit, the widths found are
 * pruned from the start model again and get the long fine-tune and an operating-point calibration.
 * In the same run: the uniform width-multiplier baseline at the same budget, with the same treatment
 * and as many fine-tune frames. Every candidate is written to the state file as it
 * finishes (src/search/state.ts), so `--resume` repeats no finished work.
 *
 * A step's proposals are fine-tuned and scored in parallel worker threads (src/search/worker-pool.ts);
 * builds and simulations run in the main thread. With `queue` (redis://HOST:PORT) the proposals go
 * to a BullMQ queue instead, run by `mcusim worker` processes on any machine (src/search/queue.ts).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '../mcu/boards/types.js';
import { fromWeightsFile, readWeightsFile, toWeightsFile } from '../nn/model/serialize.js';
import type { Detector } from '../nn/model/detector.js';
import { detectorWidths, pruneDetector, STAGES, type Stage, type StageWidths } from './prune.js';
import { CompileError } from '../codegen/firmware-build.js';
import { firmwareLayers, LatencyTable, latencyFrames, measureFirmware, type Measurement } from './latency.js';
import { calibrateOperatingPoint, FINAL_RECIPE, fineTune, heldOutAccuracy, PROPOSAL_RECIPE, setupFromWeightsFile, type FineTuneSetup } from './fine-tune.js';
import { ProposalPool } from './worker-pool.js';
import { ProposalQueue } from './queue.js';
import { minWidths, narrowerWidths, WIDTH_STEP } from './width-grid.js';
import type { ProposalJob } from './proposal-job.js';
import {
  fits, newState, readState, sameSettings, StateFileError, writeState,
  type CandidateKind, type CandidateRecord, type Measured, type SearchSettings, type SearchState,
} from './state.js';

export interface SearchOptions {
  settings: SearchSettings;
  board: Board;
  outDir: string;
  /** Frame file whose first frame times the firmware (latency does not depend on the frame). */
  sampleFrames: string;
  resume: boolean;
  timeBudgetMinutes?: number;
  /** Threads evaluating a step's proposals (the main thread is one of them); default 1. */
  workers?: number;
  /** redis://HOST:PORT: proposals run by `mcusim worker`s on this queue instead of local threads. */
  queue?: string;
  progress: (line: string) => void;
}

export interface SearchOutcome {
  state: SearchState;
  chosen?: CandidateRecord;
  uniform?: CandidateRecord;
  /** Why the budget was not met (infeasible budget, or the time budget ran out). */
  failure?: string;
  /** The run fits but ended early: the time budget ran out before the search converged. */
  warning?: string;
}

class Search {
  readonly statePath: string;
  readonly table: LatencyTable;
  readonly framesPath: string;
  readonly setup: FineTuneSetup;
  readonly base: Detector;
  readonly pool: ProposalPool | ProposalQueue;
  state!: SearchState;
  private readonly models = new Map<string, Detector>();
  private readonly measurements = new Map<string, Measurement>();
  private readonly started = Date.now();
  /** Fine-tune frames per second of one thread, measured on the proposals (a guess until then). */
  frameRate = 60;
  /** The longest build + simulation so far, ms (a guess until the first). */
  measureMs = 60_000;

  constructor(readonly o: SearchOptions, pool?: ProposalQueue) {
    mkdirSync(join(o.outDir, 'candidates'), { recursive: true });
    this.statePath = join(o.outDir, 'search-state.json');
    this.table = new LatencyTable(join(o.outDir, 'latency-table.json'));
    this.framesPath = latencyFrames(o.sampleFrames, join(o.outDir, 'latency-frame.bin'));
    const file = readWeightsFile(o.settings.model);
    this.setup = setupFromWeightsFile(file);
    this.base = fromWeightsFile(file, o.settings.model).model;
    this.pool = pool ?? new ProposalPool(o.workers ?? 1);
  }

  load(): void {
    const previous = this.o.resume ? readState(this.statePath) : null;
    if (previous && !sameSettings(previous.settings, this.o.settings)) {
      throw new StateFileError(`${this.statePath}: made with other settings (board, budget, model or search options); resume with the same ones or use another --out`);
    }
    this.state = previous ?? newState(this.o.settings);
    if (previous) this.o.progress(`resuming: ${previous.candidates.length} candidates done, step ${previous.accepted.length}`);
  }

  save(): void {
    writeState(this.statePath, this.state);
  }

  find(id: string): CandidateRecord | undefined {
    return this.state.candidates.find((c) => c.id === id);
  }

  model(c: CandidateRecord): Detector {
    let m = this.models.get(c.id);
    if (!m) {
      m = fromWeightsFile(readWeightsFile(join(this.o.outDir, c.weights)), c.weights).model;
      this.models.set(c.id, m);
    }
    return m;
  }

  /** Milliseconds left of --time-budget (Infinity without one). */
  remainingMs(): number {
    return this.o.timeBudgetMinutes === undefined ? Infinity : this.o.timeBudgetMinutes * 60_000 - (Date.now() - this.started);
  }

  /**
   * The time the end of the run needs at least: the chosen model's and the baseline's builds and
   * simulations (three, one for a baseline width that does not compile) and a minimal fine-tune
   * of each; the search stops stepping when less than this plus one more step is left.
   */
  endReserveMs(): number {
    return 3 * this.measureMs + (2 * 1000 * this.o.settings.fineTuneFrames) / this.frameRate;
  }

  /**
   * Frames of the final fine-tune beyond the steps' (`lineageFrames`) that fit in the time left:
   * the chosen model and the uniform baseline are each fine-tuned on lineage + these. At most the
   * asked number.
   */
  finalFramesWithinBudget(lineageFrames: number): number {
    const left = this.remainingMs() - 3 * this.measureMs;
    const affordable = Math.floor(((left / 1000) * this.frameRate) / 2 - lineageFrames);
    return Math.max(0, Math.min(this.o.settings.finalFineTuneFrames, affordable));
  }

  ms(cycles: number, m: Measurement): number {
    return (cycles / m.coreHz) * 1000;
  }

  /** Stores weights and the record, then the state: the candidate is finished once this returns. */
  addCandidate(id: string, kind: CandidateKind, step: number, model: Detector, fields: Partial<CandidateRecord>): CandidateRecord {
    const weights = `candidates/${id}.weights.json`;
    writeFileSync(join(this.o.outDir, weights), JSON.stringify(toWeightsFile(model, this.setup.inputTransform, false)));
    const record: CandidateRecord = {
      id, kind, step, widths: detectorWidths(model.config), weights,
      estimatedLatencyMs: fields.estimatedLatencyMs ?? 0,
      ...fields,
      accuracy: fields.accuracy ?? heldOutAccuracy(model, this.setup, this.o.settings.evalFrames),
    };
    this.models.set(id, model);
    this.state.candidates = this.state.candidates.filter((c) => c.id !== id).concat(record);
    this.save();
    return record;
  }

  /** Build + simulate a recorded candidate (once: the result is kept in its record and the table). */
  async measure(c: CandidateRecord, reportName?: string): Promise<Measured> {
    if (c.measured && !reportName) return c.measured;
    const began = Date.now();
    const m = await measureFirmware(
      join(this.o.outDir, c.weights), this.o.board, this.framesPath, (l) => this.o.progress(`  ${c.id}: ${l}`),
      reportName ? join(this.o.outDir, reportName) : undefined,
    );
    this.measureMs = this.measurements.size === 0 ? Date.now() - began : Math.max(this.measureMs, Date.now() - began);
    this.measurements.set(c.id, m);
    this.table.record(this.o.board, m);
    this.table.save();
    c.measured = {
      latencyMs: m.latencyMs, sramBytes: m.sramBytes, flashBytes: m.flashBytes, macs: m.macs,
      ...(c.estimatedLatencyMs > 0 ? { predictedLatencyMs: c.estimatedLatencyMs } : {}),
    };
    this.save();
    return c.measured;
  }

  /** The measurement behind a record (re-simulated once after a resume; the build is cached). */
  async measurementOf(c: CandidateRecord): Promise<Measurement> {
    if (!this.measurements.has(c.id)) {
      const m = await measureFirmware(join(this.o.outDir, c.weights), this.o.board, this.framesPath);
      this.measurements.set(c.id, m);
    }
    return this.measurements.get(c.id)!;
  }

  estimateMs(model: Detector, reference: Measurement): number {
    const { cycles } = this.table.estimate(this.o.board, firmwareLayers(model, this.setup.inputTransform), reference);
    return this.ms(cycles, reference);
  }
}

/** The smallest cut of `stage` whose estimated latency reaches `targetMs` (binary search), or the largest cut. */
function cutFor(search: Search, current: Detector, reference: Measurement, stage: Stage, targetMs: number): { model: Detector; estimatedMs: number } | null {
  const widths = detectorWidths(current.config);
  const options = narrowerWidths(stage, widths[stage], minWidths(search.base.config)[stage]);
  if (options.length === 0) return null;
  const at = (i: number): { model: Detector; estimatedMs: number } => {
    const model = pruneDetector(current, { ...widths, [stage]: options[i]! }).model;
    return { model, estimatedMs: search.estimateMs(model, reference) };
  };
  let lo = 0, hi = options.length - 1, best = at(hi);
  if (best.estimatedMs > targetMs) return best;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const tried = at(mid);
    if (tried.estimatedMs <= targetMs) {
      hi = mid;
      best = tried;
    } else {
      lo = mid + 1;
    }
  }
  return best;
}

export async function runSearch(o: SearchOptions): Promise<SearchOutcome> {
  const queue = o.queue === undefined ? undefined : await ProposalQueue.open(o.queue);
  let s: Search;
  try {
    s = new Search(o, queue);
  } catch (e) {
    await queue?.close();
    throw e;
  }
  try {
    return await search(s);
  } finally {
    await s.pool.close();
  }
}

async function search(s: Search): Promise<SearchOutcome> {
  const o = s.o;
  s.load();
  const { budget } = o.settings;

  // The start model and the floor (every stage at its narrowest): if the floor does not fit, nothing will.
  let start = s.find('start');
  if (!start) start = s.addCandidate('start', 'start', 0, s.base, {});
  await s.measure(start);
  if (s.state.accepted.length === 0) {
    s.state.accepted.push('start');
    start.accepted = true;
    s.save();
  }
  o.progress(`start: ${describe(start)}`);
  let floor = s.find('floor');
  if (!floor) {
    floor = s.addCandidate('floor', 'floor', 0, pruneDetector(s.base, minWidths(s.base.config)).model, {});
  }
  const floorMeasured = await s.measure(floor);
  o.progress(`narrowest: ${describe(floor)}`);
  if (!fits(floorMeasured, budget)) {
    s.state.phase = 'infeasible';
    s.state.message = `budget unreachable on ${o.settings.board}: the smallest model the search can reach (widths ${Object.values(floor.widths).join('/')}) ` +
      `needs ${floorMeasured.latencyMs.toFixed(2)} ms, ${floorMeasured.sramBytes} B SRAM, ${floorMeasured.flashBytes} B flash`;
    s.save();
    return { state: s.state, failure: s.state.message };
  }

  let lastStepMs = 0;
  let fitted: CandidateRecord | undefined;
  while (s.state.phase === 'searching') {
    const current = s.find(s.state.accepted.at(-1)!)!;
    const currentMeasured = await s.measure(current);
    if (fits(currentMeasured, budget)) {
      fitted = current;
      break;
    }
    if (s.remainingMs() < s.endReserveMs() + lastStepMs) {
      // Out of time before the search reached the budget: the rest of the run (final fine-tune,
      // verification, baseline) goes to the most accurate candidate measured to fit so far (the
      // narrowest model at worst: it was checked to fit above).
      const fitting = s.state.candidates.filter((c) => c.measured && fits(c.measured, budget) && c.kind !== 'uniform' && c.kind !== 'final');
      fitted = fitting.reduce((a, b) => (b.accuracy.mAP50 > a.accuracy.mAP50 ? b : a));
      s.state.message = `time budget of ${o.timeBudgetMinutes} min nearly spent at step ${s.state.accepted.length} before the search reached the budget; ` +
        `continuing with the best fitting candidate so far, ${fitted.id}`;
      o.progress(s.state.message);
      s.save();
      break;
    }
    const stepStarted = Date.now();
    const step = s.state.accepted.length;
    const latency = currentMeasured.latencyMs;
    const cut = latency * (1 - o.settings.stepFraction);
    const targetMs = budget.latencyMs !== undefined && latency > budget.latencyMs ? Math.max(budget.latencyMs, cut) : cut;
    o.progress(`step ${step}: ${latency.toFixed(2)} ms -> target ${targetMs.toFixed(2)} ms`);
    const reference = await s.measurementOf(current);
    const proposals: CandidateRecord[] = [];
    const pending: Array<{ id: string; stage: Stage; estimatedMs: number; job: ProposalJob }> = [];
    for (const [i, stage] of STAGES.entries()) {
      const id = `step${step}-${stage}`;
      const record = s.find(id);
      if (record) {
        o.progress(`  ${id}: ${describe(record)} (done before)`);
        proposals.push(record);
        continue;
      }
      const proposal = cutFor(s, s.model(current), reference, stage, targetMs);
      if (!proposal) continue;
      pending.push({
        id, stage, estimatedMs: proposal.estimatedMs,
        job: {
          weights: toWeightsFile(proposal.model, s.setup.inputTransform, false), setup: s.setup,
          fineTuneFrames: o.settings.fineTuneFrames, recipe: PROPOSAL_RECIPE, seed: o.settings.seed + step * 16 + i, evalFrames: o.settings.evalFrames,
        },
      });
    }
    const tuneStarted = Date.now();
    await s.pool.runAll(pending.map((p) => p.job), (index, result) => {
      const p = pending[index]!;
      const tuned = fromWeightsFile(result.weights, p.id).model;
      const record = s.addCandidate(p.id, 'proposal', step, tuned, { stage: p.stage, estimatedLatencyMs: p.estimatedMs, accuracy: result.accuracy });
      o.progress(`  ${p.id}: ${describe(record)}`);
      proposals.push(record);
    });
    if (pending.length > 0) {
      // One thread's fine-tune rate (recalibration and scoring included, so on the safe side).
      const threads = Math.min(pending.length, o.queue === undefined ? (o.workers ?? 1) : 1);
      s.frameRate = (pending.length * o.settings.fineTuneFrames) / (threads * Math.max(1e-3, (Date.now() - tuneStarted) / 1000));
    }
    if (proposals.length === 0) {
      s.state.phase = 'infeasible';
      s.state.message = `every stage is at its narrowest and the model still does not fit`;
      s.save();
      return { state: s.state, failure: s.state.message };
    }
    // NetAdapt's pick: the most accurate proposal that reaches the target; when none does, the one
    // losing the least accuracy per millisecond saved. (Accuracy per millisecond alone favoured
    // coarse cuts that overshoot: measured, it chose stage 2 16 -> 8 at mAP 0.013 over an FPN cut
    // reaching the target at 0.082.)
    const reaches = (c: CandidateRecord): boolean => c.estimatedLatencyMs <= targetMs;
    const perMs = (c: CandidateRecord): number => (c.accuracy.mAP50 - current.accuracy.mAP50) / Math.max(1e-3, latency - c.estimatedLatencyMs);
    const better = (a: CandidateRecord, b: CandidateRecord): number =>
      Number(reaches(b)) - Number(reaches(a)) || (reaches(a) ? b.accuracy.mAP50 - a.accuracy.mAP50 : perMs(b) - perMs(a));
    const buildable = proposals.filter((c) => !c.buildError).sort(better);
    let chosen: CandidateRecord | undefined, measured: Measured | undefined;
    for (const c of buildable) {
      try {
        measured = await s.measure(c);
        chosen = c;
        break;
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        // A kernel that does not compile for this shape: the candidate is dropped, the next one tried.
        c.buildError = e.log.split('\n').find((l) => l.includes('error:')) ?? 'compile error';
        s.save();
        o.progress(`  ${c.id}: firmware does not compile (${c.buildError}); next proposal`);
      }
    }
    if (!chosen || !measured) {
      s.state.phase = 'infeasible';
      s.state.message = `no proposal of step ${step} builds`;
      s.save();
      return { state: s.state, failure: s.state.message };
    }
    chosen.accepted = true;
    s.state.accepted.push(chosen.id);
    s.save();
    o.progress(`  accepted ${chosen.id}: measured ${measured.latencyMs.toFixed(2)} ms (table estimate ${chosen.estimatedLatencyMs.toFixed(2)} ms)`);
    lastStepMs = Date.now() - stepStarted;
  }

  // The long fine-tune of the widths that fit, verified again by a build and a simulation. The
  // search found the widths; the final model inherits them from the fully trained start model
  // (one-shot prune, importance as in every step) and gets as many fine-tune frames as the steps and
  // the final fine-tune together, exactly the uniform baseline's treatment. Measured on the
  // two-lens model of commit ebe86dd, widths 8/8/8/32/8/32, 512 held-out frames: from the last
  // step 0.372, from the start model 0.435 (uniform 0.428). On the one-lens model before it the
  // last step gave 0.507 and one-shot with 16,384 frames 0.485 on 256 frames: close either way.
  fitted ??= s.find(s.state.accepted.at(-1)!)!;
  const steps = s.state.accepted.length - 1;
  let final = s.find('final');
  if (!final) {
    const lineage = fitted.kind === 'proposal' ? fitted.step * o.settings.fineTuneFrames : 0;
    const frames = s.finalFramesWithinBudget(lineage);
    if (frames < o.settings.finalFineTuneFrames) o.progress(`the time budget leaves ${frames} of the ${o.settings.finalFineTuneFrames} final fine-tune frames`);
    o.progress(`final fine-tune of ${fitted.id}'s widths, pruned from the start model, on ${lineage + frames} frames`);
    const tuned = await fineTune(pruneDetector(s.base, fitted.widths).model, s.setup, lineage + frames, o.settings.seed + 9_999, FINAL_RECIPE);
    calibrateOperatingPoint(tuned, s.setup);
    final = s.addCandidate('final', 'final', steps, tuned, { estimatedLatencyMs: fitted.measured!.latencyMs, fineTuneFrames: lineage + frames });
  }
  await s.measure(final, 'chosen.report.json');
  if (!fits(final.measured!, budget)) o.progress('warning: the fine-tuned model no longer fits (quantisation changed its sizes); the fitted step is reported too');
  s.state.phase = 'uniform';
  s.save();

  // The baseline needs at least a build and a simulation; with the time budget spent it is left out
  // (said in the results) rather than overrunning the budget.
  let uniform: CandidateRecord | undefined;
  if (s.remainingMs() < s.measureMs) {
    s.state.uniformSkipped = `uniform baseline left out: the time budget of ${o.timeBudgetMinutes} min is spent`;
    o.progress(s.state.uniformSkipped);
  } else {
    uniform = await uniformBaseline(s, final.fineTuneFrames ?? 0);
  }
  s.state.phase = 'done';
  s.save();
  copyFileSync(join(o.outDir, final.weights), join(o.outDir, 'chosen.weights.json'));
  const chosenElf = (await s.measurementOf(final)).elfPath;
  if (existsSync(chosenElf)) copyFileSync(chosenElf, join(o.outDir, 'chosen.elf'));
  return { state: s.state, chosen: final, uniform, ...(s.state.message ? { warning: s.state.message } : {}) };
}

/**
 * Uniform width scaling of the start model (same pruning by importance, same inheritance, same
 * fine-tune recipe) with the largest multiplier whose measured firmware compiles and fits, fine-tuned
 * for as many frames as the chosen model received in all (its steps plus the final fine-tune).
 * Multipliers go down by 0.01, each stage's width rounded to its grid (src/search/width-grid.ts),
 * so the baseline is the widest uniform model under the budget, not one a coarse grid happens to hit.
 */
async function uniformBaseline(s: Search, frames: number): Promise<CandidateRecord | undefined> {
  const o = s.o;
  const start = s.find('start')!;
  const reference = await s.measurementOf(start);
  const full = detectorWidths(s.base.config);
  const tried = new Set<string>();
  const budget = o.settings.budget;
  const compileError = (record: CandidateRecord, e: unknown): void => {
    if (!(e instanceof CompileError)) throw e;
    record.buildError = e.log.split('\n').find((l) => l.includes('error:')) ?? 'compile error';
    s.save();
    o.progress(`  ${record.id}: firmware does not compile (${record.buildError}); next multiplier`);
  };
  for (let percent = 99; percent >= 5; percent--) {
    const m = percent / 100;
    const least = minWidths(s.base.config);
    const snap = (k: Stage): number => Math.min(full[k], Math.max(least[k], Math.round((full[k] * m) / WIDTH_STEP[k]) * WIDTH_STEP[k]));
    const widths = Object.fromEntries(STAGES.map((k) => [k, snap(k)])) as unknown as StageWidths;
    if (tried.has(JSON.stringify(widths))) continue;
    tried.add(JSON.stringify(widths));
    const pruned = pruneDetector(s.base, widths).model;
    const estimated = s.estimateMs(pruned, reference);
    if (budget.latencyMs !== undefined && estimated > budget.latencyMs) continue;
    const id = `uniform-${m.toFixed(2)}`;
    let record = s.find(id) ?? s.addCandidate(id, 'uniform', 0, pruned, { estimatedLatencyMs: estimated });
    if (record.buildError) continue;
    if (record.fineTuneFrames === undefined) {
      // Whether the kernels compile and whether the firmware fits do not depend on the weights:
      // measure the untuned model first, and spend the long fine-tune only on one that builds and fits.
      let untuned: Measured;
      try {
        untuned = await s.measure(record);
      } catch (e) {
        compileError(record, e);
        continue;
      }
      if (!fits(untuned, budget)) {
        o.progress(`  ${id}: measured ${untuned.latencyMs.toFixed(2)} ms, ${untuned.sramBytes} B SRAM, ${untuned.flashBytes} B flash: over budget; next multiplier`);
        continue;
      }
      o.progress(`uniform baseline: width multiplier ${m.toFixed(2)} (measured ${untuned.latencyMs.toFixed(2)} ms), fine-tune on ${frames} frames`);
      const tuned = await fineTune(pruned, s.setup, frames, o.settings.seed + 5_000, FINAL_RECIPE);
      calibrateOperatingPoint(tuned, s.setup);
      record = s.addCandidate(id, 'uniform', 0, tuned, { estimatedLatencyMs: estimated, fineTuneFrames: frames });
    }
    try {
      if (fits(await s.measure(record), budget)) return record;
    } catch (e) {
      compileError(record, e);
    }
  }
  return undefined;
}

export function describe(c: CandidateRecord): string {
  const w = c.widths;
  const lat = c.measured ? `${c.measured.latencyMs.toFixed(2)} ms measured` : `${c.estimatedLatencyMs.toFixed(2)} ms estimated`;
  return `widths ${w.stage1}/${w.stage2}/${w.stage3}/${w.stage4} fpn ${w.fpn} head ${w.head}, ${lat}, mAP@0.5 ${c.accuracy.mAP50.toFixed(3)}, F1 ${c.accuracy.f1.toFixed(3)}`;
}
