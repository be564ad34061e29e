/** Handlers named by isa/ lines (see src/cpu/insn.ts for the Handler contract). */
import type { Handler } from '../insn.js';

export const multiplyDivideHandlers: Record<string, Handler> = {};
