/**
 * Data-processing handlers named by isa/data-processing.isa (ARM ARM DDI 0403E A5.2.1-A5.2.5,
 * A5.3.1, A5.3.3, A5.3.11, A5.3.12); see src/cpu/insn.ts for the Handler contract. The family is split
 * by kind of operation in ./dp/.
 */
import type { Handler } from '../insn.js';
import { arithmeticHandlers } from './dp/arithmetic.js';
import { bitsHandlers } from './dp/bits.js';
import { logicalHandlers } from './dp/logical.js';

export const dataProcessingHandlers: Record<string, Handler> = {
  ...logicalHandlers,
  ...arithmeticHandlers,
  ...bitsHandlers,
};
