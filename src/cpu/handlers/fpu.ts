/**
 * FPv4-SP handlers named by isa/fpv4.isa (see src/cpu/insn.ts for the Handler contract). The
 * arithmetic itself lives in src/cpu/fp; the handlers in ./fpu/ read and write registers.
 */
import type { Handler } from '../insn.js';
import { fpArithHandlers } from './fpu/arith.js';
import { fpConvertHandlers } from './fpu/convert.js';
import { fpLoadStoreHandlers } from './fpu/load-store.js';
import { fpMoveHandlers } from './fpu/move.js';

export const fpuHandlers: Record<string, Handler> = {
  ...fpArithHandlers,
  ...fpConvertHandlers,
  ...fpMoveHandlers,
  ...fpLoadStoreHandlers,
};
