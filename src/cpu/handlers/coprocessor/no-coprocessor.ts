/**
 * Generic coprocessor instructions (isa/coprocessor.isa). The Cortex-M4 implements CP10/CP11 (the
 * FPU) only: another coprocessor number raises UsageFault NOCP (ARMv7-M ARM B1.5.14, "NOCP"); an
 * encoding in the CP10/CP11 space that no FP instruction claims is UNDEFINED.
 */
import { Fault, FaultSignal } from '../../faults.js';
import type { Handler } from '../../insn.js';

export const coprocessorHandlers: Record<string, Handler> = {
  coprocessor: (_cpu, i) => {
    const coproc = i.fields.coproc!;
    if ((coproc & 0xe) === 0xa && i.coprocT2 === 0) return false;
    throw new FaultSignal(Fault.NOCP);
  },
};
