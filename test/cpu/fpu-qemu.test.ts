/**
 * Differential test of the FPv4-SP implementation against QEMU 7.2 (mps2-an386, Cortex-M4): the
 * same seeded table of operand cases (all rounding modes, FZ and DN on and off, AHP for the half
 * conversions, special values and boundary constructions, see fp/fp-cases.ts) runs in QEMU and in
 * our core; S0, FPSCR (result flags, cumulative exception bits) and the APSR flags must agree bit for
 * bit. A deeper run: FP_QEMU_CASES=1000000 FP_QEMU_SEED=7 npx vitest run test/cpu/fpu-qemu.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FP_OPS, makeCases, type FpCase } from './fp/fp-cases.js';
import { runCasesInQemu, type QemuFpResult } from './fp/qemu-fp-runner.js';
import { CODE_BASE, hex, loadFpu } from './fp/step-fpu.js';

const CASES = Number(process.env.FP_QEMU_CASES ?? 40_000);
const SEED = Number(process.env.FP_QEMU_SEED ?? 0x5eedf10a);

function describeCase(c: FpCase, want: QemuFpResult, got: QemuFpResult): string {
  const op = FP_OPS[c.op]!.asm.replace('\n', '; ');
  return `${op} | fpscr=${hex(c.fpscr)} s0=${hex(c.s0)} s1=${hex(c.s1)} s2=${hex(c.s2)} -> ` +
    `qemu s0=${hex(want.s0)} fpscr=${hex(want.fpscr)} nzcv=${want.nzcv.toString(2)}; ` +
    `ours s0=${hex(got.s0)} fpscr=${hex(got.fpscr)} nzcv=${got.nzcv.toString(2)}`;
}

describe('FPv4-SP against QEMU mps2-an386', () => {
  let cases: FpCase[] = [];
  let expected: QemuFpResult[] = [];
  beforeAll(async () => {
    cases = makeCases(CASES, SEED);
    expected = await runCasesInQemu(FP_OPS, cases);
  });

  it(`agrees on S0, FPSCR and NZCV for ${CASES} random cases over ${FP_OPS.length} instruction forms`, () => {
    const cpus = FP_OPS.map((op) => loadFpu(op.asm).cpu);
    const lengths = FP_OPS.map((op) => op.asm.split('\n').length);
    const mismatches: string[] = [];
    const perOp: Record<string, number> = {};
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
        perOp[name] = (perOp[name] ?? 0) + 1;
        mismatches.push(cpu.halted ? `${name}: stopped: ${cpu.stopReason}` : describeCase(c, want, got));
      }
    });
    expect({ count: mismatches.length, perOp, first: mismatches.slice(0, 25) }).toEqual({ count: 0, perOp: {}, first: [] });
  });

  it('covers every exception flag, denormal and NaN results, and each rounding mode (as QEMU reports them)', () => {
    const raised = [0, 0, 0, 0, 0, 0, 0, 0];
    let denormals = 0;
    let nanPayloads = 0;
    const modes = [0, 0, 0, 0];
    cases.forEach((c, k) => {
      const r = expected[k]!;
      const fresh = r.fpscr & ~c.fpscr;
      for (let b = 0; b < 8; b++) if ((fresh >>> b) & 1) raised[b]!++;
      if ((r.s0 & 0x7f800000) === 0 && (r.s0 & 0x7fffff) !== 0) denormals++;
      if ((r.s0 & 0x7f800000) === 0x7f800000 && (r.s0 & 0x3fffff) !== 0) nanPayloads++;
      if (fresh & 0x10) modes[(c.fpscr >>> 22) & 3]!++;
    });
    const share = CASES / 1000;
    const [ioc, dzc, ofc, ufc, ixc, , , idc] = raised;
    expect({ ioc, dzc, ofc, ufc, ixc, idc }).toEqual({
      ioc: expect.toSatisfy((x: number) => x > 50 * share), dzc: expect.toSatisfy((x: number) => x > 3 * share),
      ofc: expect.toSatisfy((x: number) => x > 10 * share), ufc: expect.toSatisfy((x: number) => x > 10 * share),
      ixc: expect.toSatisfy((x: number) => x > 100 * share), idc: expect.toSatisfy((x: number) => x > 10 * share),
    });
    expect(denormals).toBeGreaterThan(30 * share);
    expect(nanPayloads).toBeGreaterThan(30 * share);
    for (const inexactInMode of modes) expect(inexactInMode).toBeGreaterThan(20 * share);
  });
});
