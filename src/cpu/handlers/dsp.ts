/**
 * DSP extension handlers named by isa/dsp.isa (ARM ARM DDI 0403E, the ARMv7E-M instructions of A5.3.3 and
 * A5.3.11-A5.3.17); see src/cpu/insn.ts for the Handler contract. The family is split by kind of operation
 * in ./dsp/.
 */
import type { Handler } from '../insn.js';
import { multiplyHalfwordHandlers } from './dsp/multiply-halfword.js';
import { multiplyLongHandlers } from './dsp/multiply-long.js';
import { packExtendHandlers } from './dsp/pack-extend.js';
import { parallelHandlers } from './dsp/parallel.js';
import { saturateHandlers } from './dsp/saturate.js';

export const dspHandlers: Record<string, Handler> = {
  ...parallelHandlers,
  ...saturateHandlers,
  ...packExtendHandlers,
  ...multiplyHalfwordHandlers,
  ...multiplyLongHandlers,
};
