/**
 * Differential test of the FPv4-SP implementation against QEMU 7.2 (mps2-an386, Cortex-M4): the
 * same seeded table of operand cases (all rounding modes, FZ and DN on and off, AHP for the half
 * conversions, special values and boundary constructions, see fp-cases.ts) runs in QEMU and in our
 * core; S0, FPSCR (result flags, cumulative exception bits) and the APSR flags must agree bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { CODE_BASE, loadThumb } from '../support/step.js';
import { FP_OPS, makeCases, type FpCase } from './fp/fp-cases.js';
import { runCasesInQemu, type QemuFpResult } from './fp/qemu-fp-runner.js';
import { hex } from './fp/step-fpu.js';

const CASES = 24_000;
const SEED = 0x5eed_f10a;

function describeCase(c: FpCase, want: QemuFpResult, got: QemuFpResult): string {
  const op = FP_OPS[c.op]!.asm.replace('\n', '; ');
  return `${op} | fpscr=${hex(c.fpscr)} s0=${hex(c.s0)} s1=${hex(c.s1)} s2=${hex(c.s2)} -> ` +
    `qemu s0=${hex(want.s0)} fpscr=${hex(want.fpscr)} nzcv=${want.nzcv.toString(2)}; ` +
    `ours s0=${hex(got.s0)} fpscr=${hex(got.fpscr)} nzcv=${got.nzcv.toString(2)}`;
}

describe('FPv4-SP against QEMU mps2-an386', () => {
  it(`agrees on S0, FPSCR and NZCV for ${CASES} random cases over ${FP_OPS.length} instruction forms`, async () => {
    const cases = makeCases(CASES, SEED);
    const expected = await runCasesInQemu(FP_OPS, cases);
    const cpus = FP_OPS.map((op) => {
      const cpu = loadThumb(op.asm);
      cpu.fpuEnabled = true;
      return cpu;
    });
    const lengths = FP_OPS.map((op) => op.asm.split('\n').length);
    const mismatches: string[] = [];
    const perOp = new Map<string, number>();
    const got: QemuFpResult = { s0: 0, fpscr: 0, nzcv: 0 };
    cases.forEach((c, k) => {
      const cpu = cpus[c.op]!;
      cpu.pc = CODE_BASE;
      cpu.halted = false;
      cpu.n = cpu.z = cpu.c = cpu.v = cpu.q = 0;
      cpu.fpscr = c.fpscr;
      cpu.sBits[0] = c.s0;
      cpu.sBits[1] = c.s1;
      cpu.sBits[2] = c.s2;
      cpu.run(lengths[c.op]!);
      got.s0 = cpu.sBits[0]!;
      got.fpscr = cpu.fpscr;
      got.nzcv = (cpu.n << 3) | (cpu.z << 2) | (cpu.c << 1) | cpu.v;
      const want = expected[k]!;
      if (cpu.halted || got.s0 !== want.s0 || got.fpscr !== want.fpscr || got.nzcv !== want.nzcv) {
        const name = FP_OPS[c.op]!.asm.split('\n')[0]!;
        perOp.set(name, (perOp.get(name) ?? 0) + 1);
        mismatches.push(cpu.halted ? `${name}: stopped: ${cpu.stopReason}` : describeCase(c, want, got));
      }
    });
    expect({ count: mismatches.length, perOp: Object.fromEntries(perOp), first: mismatches.slice(0, 25) })
      .toEqual({ count: 0, perOp: {}, first: [] });
  });
});
