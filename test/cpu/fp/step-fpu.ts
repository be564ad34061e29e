/**
 * The instruction harness (test/support/step.ts) with the FPU granted (CPACR CP10/CP11 full access),
 * plus small helpers to read FP results as raw bits.
 */
import type { Cpu } from '../../../src/cpu/cpu.js';
import { loadThumb, stepThumb, type StepOptions } from '../../support/step.js';

export interface FpStepOptions extends StepOptions {
  /** Grant CP10/CP11 (default true); false leaves the FPU disabled as after reset. */
  fpu?: boolean;
}

export function stepFpu(source: string, opts: FpStepOptions = {}): Cpu {
  if (opts.fpu === false) return stepThumb(source, opts);
  // stepThumb builds the CPU itself; enable the FPU through a one-instruction-late hook is not
  // possible, so load, enable and run the same way stepThumb does.
  const cpu = loadThumb(source, opts);
  cpu.fpuEnabled = true;
  const end = cpu.pc + (cpu as Cpu & { codeSize: number }).codeSize;
  if (opts.count !== undefined) {
    cpu.run(opts.count);
    return cpu;
  }
  for (let k = 0; k < 100_000 && !cpu.halted && cpu.pc < end; k++) cpu.run(1);
  return cpu;
}

export function hex(x: number): string {
  return '0x' + (x >>> 0).toString(16).padStart(8, '0');
}
