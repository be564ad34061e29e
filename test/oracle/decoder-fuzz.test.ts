// Decoder fuzz test (issue 2): every 16-bit halfword and a large seeded sample of 32-bit encodings
// decode without a JavaScript exception, and for every encoding the Cortex-M4 has according to
// binutils (objdump names it and arm-none-eabi-as assembles that text back to the same bytes, see
// reassemblesOnCortexM4) our decoder gives objdump's mnemonic. objdump suffixes that are not part of
// the instruction's name are dropped first: width (.w/.n), data types (.f32, .s32.f32), the
// condition of B<c>, and the S of flag-setting forms (our tables name ADD and ADDS both ADD).
// MCUSIM_FUZZ_32 sets the 32-bit sample size (default 100000), MCUSIM_FUZZ_SEED its seed.
import { describe, expect, it } from 'vitest';
import { is32BitPrefix, thumbDecoder } from '../../src/cpu/decoder.js';
import { type Encoding, objdumpDisassemble, reassemblesOnCortexM4 } from '../support/asm.js';
import { Rng } from '../../src/nn/data/rng.js';

const SAMPLE_32 = Number(process.env.MCUSIM_FUZZ_32 ?? 100_000);
const SEED = Number(process.env.MCUSIM_FUZZ_SEED ?? 1);

interface Case {
  opcode: number; // hw1 for 16-bit; (hw1 << 16 | hw2) >>> 0 for 32-bit
  wide: boolean;
}

function fuzzCases(): Case[] {
  const cases: Case[] = [];
  for (let hw = 0; hw < 0x10000; hw++) if (!is32BitPrefix(hw)) cases.push({ opcode: hw, wide: false });
  const rng = new Rng(SEED);
  for (let i = 0; i < SAMPLE_32; i++) {
    const hw1 = 0xe800 + (rng.nextU32() % 0x1800); // bits [15:11] = 11101, 11110 or 11111
    cases.push({ opcode: ((hw1 << 16) | (rng.nextU32() & 0xffff)) >>> 0, wide: true });
  }
  return cases;
}

const bytesOf = (c: Case): Uint8Array =>
  c.wide
    ? new Uint8Array([(c.opcode >>> 16) & 0xff, c.opcode >>> 24, c.opcode & 0xff, (c.opcode >>> 8) & 0xff])
    : new Uint8Array([c.opcode & 0xff, c.opcode >>> 8]);

const hexOf = (c: Case): string => c.opcode.toString(16).padStart(c.wide ? 8 : 4, '0');

/** objdump's mnemonic reduced to the instruction's name, as isa/ spells it (lower case). */
export function objdumpName(mnemonic: string): string {
  const name = mnemonic.split('.')[0]!;
  return /^b(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)$/.test(name) ? 'b' : name;
}

/**
 * Encodings where objdump 2.40 contradicts the ARMv7-M ARM, and what the ARM ARM says they are:
 * - LDRT/LDRBT/LDRHT/LDRSBT/LDRSHT with Rn = PC: "if Rn == '1111' then SEE LDR<x> (literal)" (A7.7.45
 *   and the other unprivileged loads); objdump prints the unprivileged name.
 * - PLD/PLI printed with writeback or post-indexing: PLD and PLI have no such forms; these are the
 *   LDRB/LDRSB (immediate) T3/T2 encodings with Rt = PC and writeback, UNPREDICTABLE (A7.7.47, A7.7.57).
 *   Our decoder may name the load or call it UNDEFINED.
 */
function armArmNames(mnemonic: string, operands: string): string[] | null {
  const unprivileged = /^ldr(s?[bh])?t$/.exec(mnemonic);
  if (unprivileged && /^\w+, \[pc/.test(operands)) return [`ldr${unprivileged[1] ?? ''}`];
  if ((mnemonic === 'pld' || mnemonic === 'pli') && /!$|\], #/.test(operands)) {
    return [mnemonic === 'pld' ? 'ldrb' : 'ldrsb', 'undefined'];
  }
  return null;
}

describe('Thumb decoder fuzz', () => {
  const decoder = thumbDecoder();
  const cases = fuzzCases();

  it('decodes every 16-bit halfword and the 32-bit sample without throwing', () => {
    const failures: string[] = [];
    for (const c of cases) {
      try {
        const insn = c.wide ? decoder.decode(c.opcode >>> 16, c.opcode & 0xffff) : decoder.decode(c.opcode, 0);
        if (insn.size !== (c.wide ? 4 : 2)) failures.push(`${hexOf(c)}: size ${insn.size}`);
        if (typeof insn.mnemonic !== 'string' || insn.mnemonic === '') failures.push(`${hexOf(c)}: no mnemonic`);
      } catch (err) {
        failures.push(`${hexOf(c)}: ${(err as Error).message}`);
      }
    }
    expect(failures.slice(0, 40), `${failures.length} encodings failed`).toEqual([]);
  });

  it("gives objdump's mnemonic for every encoding the Cortex-M4 has", () => {
    const words: Encoding[] = cases.map((c) => ({ bytes: bytesOf(c) }));
    const dis = objdumpDisassemble(words);
    const onM4 = reassemblesOnCortexM4(dis, words);
    const mismatches = new Map<string, string[]>();
    let compared = 0;
    cases.forEach((c, i) => {
      if (!onM4[i]) return;
      compared++;
      const insn = c.wide ? decoder.decode(c.opcode >>> 16, c.opcode & 0xffff) : decoder.decode(c.opcode, 0);
      const ours = insn.mnemonic.toLowerCase();
      const theirs = objdumpName(dis[i]!.mnemonic);
      const corrected = armArmNames(dis[i]!.mnemonic, dis[i]!.operands);
      if (corrected ? corrected.includes(ours) : theirs === ours || theirs === `${ours}s`) return;
      const key = `objdump ${dis[i]!.mnemonic} / ours ${insn.mnemonic}`;
      const list = mismatches.get(key) ?? [];
      if (!mismatches.has(key)) mismatches.set(key, list);
      list.push(`${hexOf(c)} (${dis[i]!.mnemonic} ${dis[i]!.operands})`);
    });
    // Thousands of encodings take part; a filter that dropped everything would prove nothing.
    expect(compared).toBeGreaterThan(50_000);
    const report = [...mismatches.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([key, list]) => `${list.length} x ${key}, e.g. ${list.slice(0, 3).join(', ')}`);
    expect(report, `${compared} encodings compared`).toEqual([]);
  });
});
