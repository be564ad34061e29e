/** Branch, hint and system handlers named by isa/branch-system.isa (and the PLD/PLI hints of load-store.isa). */
import type { Handler } from '../insn.js';
import { branchHandlers } from './branch-system/branch.js';
import { systemHandlers } from './branch-system/system.js';

export const branchSystemHandlers: Record<string, Handler> = { ...branchHandlers, ...systemHandlers };
