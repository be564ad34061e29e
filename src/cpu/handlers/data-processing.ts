/** Handlers named by isa/ lines (see src/cpu/insn.ts for the Handler contract). */
import type { Handler } from '../insn.js';
import { SETFLAGS_ALWAYS, SETFLAGS_OUTSIDE_IT } from '../insn.js';

export const dataProcessingHandlers: Record<string, Handler> = {
  nop: () => true,
  movImm: (cpu, i) => {
    cpu.setReg(i.d, i.imm);
    if (i.setflags === SETFLAGS_ALWAYS || (i.setflags === SETFLAGS_OUTSIDE_IT && cpu.inIT === 0)) {
      cpu.setNZ(i.imm);
      if (i.carry >= 0) cpu.c = i.carry;
    }
    return true;
  },
};
