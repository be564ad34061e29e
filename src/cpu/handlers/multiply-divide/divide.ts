/**
 * Divide handlers named by isa/multiply-divide.isa (ARM ARM DDI 0403E A7.7: SDIV, UDIV). Each records
 * its operands for the cycle model, whose divide timing depends on them (isa/TIMING.md).
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import type { Handler, Insn } from '../../insn.js';

/**
 * The operands an SDIV/UDIV starts with, for the cycle model (its cycles depend on them: isa/TIMING.md),
 * recorded before Rd is written (Rd may be Rn or Rm).
 */
function recordDivideOperands(cpu: Cpu, i: Insn): void {
  cpu.operandA = cpu.r[i.n]!;
  cpu.operandB = cpu.r[i.m]!;
}

export const divideHandlers: Record<string, Handler> = {
  /** SDIV: rounds toward zero; x / 0 = 0 unless CCR.DIV_0_TRP; INT_MIN / -1 = INT_MIN (wraps). */
  sdiv: (cpu, i) => {
    recordDivideOperands(cpu, i);
    const divisor = cpu.r[i.m]! | 0;
    if (divisor === 0) {
      if (cpu.divZeroTrap) throw new FaultSignal(Fault.DIVBYZERO);
      cpu.setReg(i.d, 0);
      return true;
    }
    cpu.setReg(i.d, Math.trunc((cpu.r[i.n]! | 0) / divisor) >>> 0);
    return true;
  },
  udiv: (cpu, i) => {
    recordDivideOperands(cpu, i);
    const divisor = cpu.r[i.m]!;
    if (divisor === 0) {
      if (cpu.divZeroTrap) throw new FaultSignal(Fault.DIVBYZERO);
      cpu.setReg(i.d, 0);
      return true;
    }
    cpu.setReg(i.d, Math.floor(cpu.r[i.n]! / divisor) >>> 0);
    return true;
  },
};
