/** Load/store handlers named by isa/load-store.isa (see src/cpu/insn.ts for the Handler contract). */
import type { Handler } from '../insn.js';
import { dualExclusiveHandlers } from './ls/dual-exclusive.js';
import { multipleLoadStoreHandlers } from './ls/multiple.js';
import { singleLoadStoreHandlers } from './ls/single.js';

export const loadStoreHandlers: Record<string, Handler> = {
  ...singleLoadStoreHandlers,
  ...multipleLoadStoreHandlers,
  ...dualExclusiveHandlers,
};
