/**
 * The search's state file (<out>/search-state.json): the settings it was started with, every
 * candidate evaluated so far (with where its weights are), the accepted model of each step and the
 * latency table's path. Written atomically after every candidate, so an interrupted search (Ctrl-C,
 * kill, power loss) resumes from the last finished candidate without repeating it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../common/write-atomic.js';
import type { StageWidths, Stage } from './prune.js';

export interface Budget {
  latencyMs?: number;
  maxSramBytes?: number;
  maxFlashBytes?: number;
}

export interface SearchSettings {
  board: string;
  budget: Budget;
  /** The trained model the search starts from. */
  model: string;
  /** Latency cut each step aims for, as a share of the current latency. */
  stepFraction: number;
  fineTuneFrames: number;
  finalFineTuneFrames: number;
  evalFrames: number;
  seed: number;
}

export type CandidateKind = 'start' | 'floor' | 'proposal' | 'uniform' | 'final';

export interface Accuracy {
  mAP50: number;
  f1: number;
}

/** Measured on the board's firmware (build + simulation). */
export interface Measured {
  latencyMs: number;
  sramBytes: number;
  flashBytes: number;
  macs: number;
  /** The latency the table predicted before the run, when it was asked. */
  predictedLatencyMs?: number;
}

export interface CandidateRecord {
  /** Unique and stable: `step3-fpn`, `start`, `uniform-0.70`, `final`. */
  id: string;
  kind: CandidateKind;
  step: number;
  /** The stage this proposal pruned. */
  stage?: Stage;
  widths: StageWidths;
  /** Weights file, relative to the output folder. */
  weights: string;
  /** Latency estimated from the table (exact entries, and layers of new shape scaled from the current model). */
  estimatedLatencyMs: number;
  accuracy: Accuracy;
  measured?: Measured;
  accepted?: boolean;
  /** Fine-tune frames the model received in all (final and uniform candidates). */
  fineTuneFrames?: number;
  /** The compiler's first error line when the candidate's firmware did not build. */
  buildError?: string;
}

export interface SearchState {
  format: 'mcusim-search-state';
  version: 1;
  settings: SearchSettings;
  candidates: CandidateRecord[];
  /** The id of the model each finished step accepted (index = step; 0 is the start). */
  accepted: string[];
  /** searching -> uniform (the baseline) -> done; infeasible when the budget cannot be reached. */
  phase: 'searching' | 'uniform' | 'done' | 'infeasible';
  message?: string;
  /** Why the uniform baseline was not run (the time budget was spent). */
  uniformSkipped?: string;
}

export class StateFileError extends Error {}

export function newState(settings: SearchSettings): SearchState {
  return { format: 'mcusim-search-state', version: 1, settings, candidates: [], accepted: [], phase: 'searching' };
}

export function readState(path: string): SearchState | null {
  if (!existsSync(path)) return null;
  let state: SearchState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as SearchState;
  } catch (e) {
    throw new StateFileError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (state.format !== 'mcusim-search-state' || state.version !== 1) throw new StateFileError(`${path}: not an mcusim search state (version 1)`);
  return state;
}

export function writeState(path: string, state: SearchState): void {
  writeFileAtomic(path, JSON.stringify(state, null, 1) + '\n');
}

/** Whether a resumed search was started with the same settings (else resuming would mix two searches). */
export function sameSettings(a: SearchSettings, b: SearchSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function fits(m: Measured, budget: Budget): boolean {
  return (budget.latencyMs === undefined || m.latencyMs <= budget.latencyMs)
    && (budget.maxSramBytes === undefined || m.sramBytes <= budget.maxSramBytes)
    && (budget.maxFlashBytes === undefined || m.flashBytes <= budget.maxFlashBytes);
}
