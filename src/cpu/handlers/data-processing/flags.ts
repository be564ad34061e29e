/**
 * Flag-setting helpers shared by the data-processing and multiply handlers (ARM ARM DDI 0403E A2.3.2:
 * "if setflags then APSR.N = result<31> ..."). `setflags` is decided at decode time except for the
 * 16-bit encodings, whose `setflags = !InITBlock()` is evaluated here at run time.
 */
import type { Cpu } from '../../cpu.js';
import { type Insn, SETFLAGS_ALWAYS, SETFLAGS_OUTSIDE_IT } from '../../insn.js';

export function setsFlags(cpu: Cpu, i: Insn): boolean {
  return i.setflags === SETFLAGS_ALWAYS || (i.setflags === SETFLAGS_OUTSIDE_IT && cpu.inIT === 0);
}

/** R[d] = result; if setflags: N, Z from the result and C from the shifter (carry < 0: C unchanged). */
export function writeLogical(cpu: Cpu, i: Insn, result: number, carry: number): void {
  cpu.setReg(i.d, result);
  if (setsFlags(cpu, i)) {
    cpu.n = result >>> 31;
    cpu.z = result === 0 ? 1 : 0;
    if (carry >= 0) cpu.c = carry;
  }
}

/** TST/TEQ: flags only (their setflags is always TRUE). */
export function testFlags(cpu: Cpu, result: number, carry: number): void {
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
  if (carry >= 0) cpu.c = carry;
}
