/**
 * Random FP programs (register transfers in every form, loads/stores incl. VLDM/VSTM writeback and
 * VPUSH/VPOP, FPSCR writes that switch rounding modes mid-program, compares into APSR, arithmetic)
 * run in QEMU mps2-an386 and in our core from the same initial state; r0-r7, S0-S31, FPSCR, the
 * APSR flags and the memory buffer the programs touch must agree word for word.
 */
import { describe, expect, it } from 'vitest';
import { makePrograms } from './fp/fp-sequences.js';
import { runProgramsInQemu } from './fp/qemu-seq-runner.js';
import { CODE_BASE, RAM_BASE, hex, loadFpu } from './fp/step-fpu.js';

const PROGRAMS = Number(process.env.FP_QEMU_PROGRAMS ?? 600);
const LENGTH = 24;
const SEED = Number(process.env.FP_QEMU_SEED ?? 0xf00d);
const BUFFER = RAM_BASE + 0x1000;

const NAMES = [
  ...Array.from({ length: 8 }, (_, k) => `r${k}`), ...Array.from({ length: 32 }, (_, k) => `s${k}`),
  'fpscr', 'apsr', ...Array.from({ length: 32 }, (_, k) => `mem[${k}]`),
];

describe('FPv4-SP programs against QEMU mps2-an386', () => {
  it(`${PROGRAMS} random programs of ${LENGTH} instructions end in the same registers and memory`, async () => {
    const programs = makePrograms(PROGRAMS, LENGTH, SEED);
    const { results: expected, code } = await runProgramsInQemu(programs);
    const mismatches: string[] = [];
    programs.forEach((p, k) => {
      // The very bytes QEMU ran (gas is the encoding oracle for both sides).
      const { cpu, end } = loadFpu(code[k]!);
      const st = p.state;
      cpu.sBits.set(st.subarray(0, 32));
      for (let r = 0; r < 8; r++) cpu.r[r] = st[32 + r]!;
      cpu.fpscr = st[40]!;
      cpu.apsr = st[41]!;
      cpu.r[8] = BUFFER;
      cpu.r[9] = BUFFER + 64;
      for (let w = 0; w < 32; w++) cpu.bus.write(BUFFER + 4 * w, 4, st[42 + w]!);
      for (let n = 0; n < 1000 && !cpu.halted && cpu.pc >= CODE_BASE && cpu.pc < end; n++) cpu.run(1);
      const got = [
        ...cpu.r.subarray(0, 8), ...cpu.sBits, cpu.fpscr, cpu.apsr,
        ...Array.from({ length: 32 }, (_, w) => cpu.bus.read(BUFFER + 4 * w, 4)),
      ];
      const want = expected[k]!;
      // APSR from MRS also holds GE and bits QEMU leaves zero; compare N Z C V Q.
      want[41] = want[41]! & 0xf8000000;
      const diffs = NAMES.filter((_, j) => (got[j]! >>> 0) !== want[j]!).map((name) => {
        const j = NAMES.indexOf(name);
        return `${name} qemu ${hex(want[j]!)} ours ${hex(got[j]!)}`;
      });
      if (cpu.halted) diffs.unshift(`stopped: ${cpu.stopReason}`);
      if (cpu.r[9] !== BUFFER + 64 || cpu.r[13] !== RAM_BASE + 0x10000) diffs.push('r9 or sp moved');
      if (diffs.length > 0) mismatches.push(`program ${k}: ${diffs.slice(0, 4).join('; ')}\n${p.asm}`);
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
  });
});
