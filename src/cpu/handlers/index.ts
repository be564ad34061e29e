/**
 * Every handler an isa/ line may name, by name. Each family lives in its own module; a name may be
 * defined once only (checked here, so two families cannot silently shadow each other).
 */
import type { Handler } from '../insn.js';
import { branchSystemHandlers } from './branch-system.js';
import { coprocessorHandlers } from './coprocessor.js';
import { dataProcessingHandlers } from './data-processing.js';
import { dspHandlers } from './dsp.js';
import { fpuHandlers } from './fpu.js';
import { loadStoreHandlers } from './load-store.js';
import { multiplyDivideHandlers } from './multiply-divide.js';

function merge(...families: Record<string, Handler>[]): Record<string, Handler> {
  const all: Record<string, Handler> = {};
  for (const family of families) {
    for (const [name, fn] of Object.entries(family)) {
      if (all[name]) throw new Error(`handler '${name}' is defined twice`);
      all[name] = fn;
    }
  }
  return all;
}

export const handlers = merge(
  dataProcessingHandlers, loadStoreHandlers, branchSystemHandlers, multiplyDivideHandlers, dspHandlers, fpuHandlers,
  coprocessorHandlers,
);
