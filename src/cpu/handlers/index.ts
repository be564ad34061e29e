/**
 * Every handler an isa/ line may name, by name. The handlers of isa/<family>.isa live in
 * handlers/<family>/ (see src/cpu/insn.ts for the Handler contract), one module per kind of
 * operation; a name may be defined once only (checked here, so two modules cannot silently shadow
 * each other).
 */
import type { Handler } from '../insn.js';
// isa/data-processing.isa: ARM ARM DDI 0403E A5.2.1-A5.2.5, A5.3.1, A5.3.3, A5.3.11, A5.3.12
import { arithmeticHandlers } from './data-processing/arithmetic.js';
import { bitsHandlers } from './data-processing/bits.js';
import { logicalHandlers } from './data-processing/logical.js';
// isa/load-store.isa
import { singleLoadStoreHandlers } from './load-store/single.js';
import { multipleLoadStoreHandlers } from './load-store/multiple.js';
import { dualExclusiveHandlers } from './load-store/dual-exclusive.js';
// isa/branch-system.isa (and the PLD/PLI hints of load-store.isa)
import { branchHandlers } from './branch-system/branch.js';
import { systemHandlers } from './branch-system/system.js';
// isa/multiply-divide.isa: A7.7 MUL ... UMLAL, SDIV, UDIV
import { multiplyHandlers } from './multiply-divide/multiply.js';
import { divideHandlers } from './multiply-divide/divide.js';
// isa/dsp.isa: the ARMv7E-M instructions of A5.3.3 and A5.3.11-A5.3.17
import { parallelHandlers } from './dsp/parallel.js';
import { saturateHandlers } from './dsp/saturate.js';
import { packExtendHandlers } from './dsp/pack-extend.js';
import { multiplyHalfwordHandlers } from './dsp/multiply-halfword.js';
import { multiplyLongHandlers } from './dsp/multiply-long.js';
// isa/fpv4.isa: the arithmetic itself lives in src/cpu/fp; these read and write registers
import { fpArithHandlers } from './fpv4/arith.js';
import { fpConvertHandlers } from './fpv4/convert.js';
import { fpMoveHandlers } from './fpv4/move.js';
import { fpLoadStoreHandlers } from './fpv4/load-store.js';
// isa/coprocessor.isa
import { coprocessorHandlers } from './coprocessor/no-coprocessor.js';

function merge(...modules: Record<string, Handler>[]): Record<string, Handler> {
  const all: Record<string, Handler> = {};
  for (const module of modules) {
    for (const [name, fn] of Object.entries(module)) {
      if (all[name]) throw new Error(`handler '${name}' is defined twice`);
      all[name] = fn;
    }
  }
  return all;
}

export const handlers = merge(
  arithmeticHandlers, bitsHandlers, logicalHandlers,
  singleLoadStoreHandlers, multipleLoadStoreHandlers, dualExclusiveHandlers,
  branchHandlers, systemHandlers,
  multiplyHandlers, divideHandlers,
  parallelHandlers, saturateHandlers, packExtendHandlers, multiplyHalfwordHandlers, multiplyLongHandlers,
  fpArithHandlers, fpConvertHandlers, fpMoveHandlers, fpLoadStoreHandlers,
  coprocessorHandlers,
);
