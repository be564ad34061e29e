// Cortex-M4 core timing at zero wait states: every sequence in firmware/bench/timing/seqs.S, timed by
// the firmware itself with DWT CYCCNT, against the count isa/TIMING.md gives (its sections cited as §n: the
// TRM rows, Arm DDI 0439D Table 3-1/3-2/7-1, §3.3.2, §3.9.1, and public silicon measurements, "silicon").
// The expected numbers are written here from those sources, not from mcusim's output. Boards:
// mps2-an386 (code in zero-wait SSRAM) and stm32f411re at its 16 MHz reset clock (0 WS, ART off).
import { describe, expect, it } from 'vitest';
import { delta, runTimingFirmware, type TimingRun } from './harness.js';

/** [sequence, expected cycles, source and working]. */
const EXPECTED: [string, number, string][] = [
  ['alu8', 8, 'TRM Table 3-1: ADD/EOR/UBFX = 1 each, 16- or 32-bit'],
  ['mul4', 4, 'TRM Table 3-1: MUL, MLA, MLS = 1 each'],
  ['mull4', 4, 'TRM Table 3-1: UMULL, SMULL, UMLAL, SMLAL = 1 each'],
  ['dsp4', 4, 'TRM Table 3-2: SMLAD, QADD16, SMULBB = 1; Table 3-1: SSAT = 1'],
  ['ldr1', 2, 'TRM Table 3-1: LDR = 2'],
  ['ldr2', 3, 'TRM §3.3.2 rule 6: two independent loads pipeline, N+1'],
  ['ldr3', 4, 'TRM §3.3.2: LDR R0,[R1,R5]; LDR R1,[R2]; LDR R2,[R3,#4] = 4'],
  ['ldrchain', 4, '§4.1 (silicon): a dependent pointer chain costs 2 per load'],
  ['ldrstrimm', 2, '§4.1, §4.2 (silicon): LDR + STR [Rn,#imm] = 2 (the TRM example says 3; silicon wins)'],
  ['ldrstrreg', 3, 'TRM §3.3.2: LDR R0,[R1,R2]; STR R1,[R3,R2] = 3'],
  ['strimm4', 4, 'TRM §3.3.2 rule 1: STR Rx,[Ry,#imm] is always one cycle (x4, STR/STRH/STRB)'],
  ['strwbsame', 3, '§4.5 (silicon): pre/post-indexed stores on one base do not chain: STR [R4],#4 1 + STR [R4],#4 2'],
  ['strwbalt', 2, '§4.5 (silicon): alternating two bases they chain: 1 + 1'],
  ['strreg', 2, '§4.4 (silicon): a register-offset store takes 2'],
  ['strldr', 4, '§4.2 (silicon): a store followed by a load: the store takes 2, then LDR 2'],
  ['ldrnop', 2, '§4.6 (silicon): a NOP after a load runs in its second cycle'],
  ['ldrcmp', 3, '§4.6 (silicon): CMP does not hide the load\'s second cycle: 2 + 1'],
  ['agu', 4, 'TRM §3.3.2 rule 3: ADD 1, then the load waits 1 for its base (no forwarding) + 2'],
  ['ldrodd2', 3, 'TRM §3.3.2 rule 11: a halfword-aligned word load is done as two halfwords: 2 + 1'],
  ['ldrodd1', 4, 'TRM §3.3.2 rule 11: a byte-aligned word load is byte + halfword + byte: 2 + 2'],
  ['ldrodd2x3', 7, '§4.7 (silicon): unaligned loads still pipeline, 2 each after the first (3)'],
  ['ldrhodd', 3, 'TRM §3.3.2 rule 11: a byte-aligned halfword load is two bytes: 2 + 1'],
  ['strodd', 1, 'TRM §3.3.2 rule 11: "a STR or STRH cannot delay the processor because of the write buffer"'],
  ['ldrd', 3, 'TRM Table 3-1: LDRD = 1+N = 3'],
  ['strd', 3, 'TRM Table 3-1: STRD = 1+N = 3'],
  ['ldm3', 4, 'TRM Table 3-1: LDM = 1+N = 4 (§3.3.2 rule 10: 2+1+1)'],
  ['stm8', 9, 'TRM Table 3-1 / §3.3.2 rule 10: an 8-register STM = 1+N = 9'],
  ['pushpop', 6, 'TRM Table 3-1: PUSH {2} = 3, POP {2} = 3'],
  ['b16', 2, '§5.1: B = 1+P, P = 1 for a 16-bit target'],
  ['bwide', 3, '§5.1 (silicon): B to a word-aligned 32-bit target = 2, then ADD.W 1'],
  ['bwideodd', 4, '§5.1 (silicon): B to a 32-bit target on an odd halfword = 3, then ADD.W 1'],
  ['bnottaken', 2, '§5.3, TRM Table 3-1 note c: CMP 1 + B<c> not taken 1 (two 16-bit instructions before it)'],
  ['btaken', 3, '§5.1: CMP 1 + B<c> taken 1+P, P = 1'],
  ['blbx', 4, '§5.1 (silicon): BL + BX LR = 4 in total'],
  ['cbztaken', 2, '§5.1: CBZ taken 1+P, P = 1'],
  ['cbznot', 3, 'TRM Table 3-1: CBZ not taken 1, then two ADDS'],
  ['tbb', 6, 'TRM §3.3.2 rule 5: TBB = 2 (load) + 1 (add) + 3 (reload)'],
  ['it16', 2, '§5.4: IT folds after a 16-bit instruction: 1 + 0 + 1'],
  ['it32', 3, '§5.4 (silicon): IT after a 32-bit instruction costs 1: 1 + 1 + 1'],
  ['msrcontrol', 3, '§3 (silicon): MRS 1 + MSR CONTROL 2'],
  ['udivzero', 2, '§6 (silicon): 2 when an operand is 0 (TRM: 2 to 12)'],
  ['udivsmall', 3, '§6 (silicon): 5/100, dividend has fewer bits than divisor: 3'],
  ['udiv100by5', 6, '§6 (silicon): 100/5: 5 + floor((7 - 3) / 4) = 6'],
  ['udivmax', 12, '§6 (silicon): 0xFFFFFFFF/1: 5 + floor(31 / 4) = 12, the TRM maximum'],
  ['udiveq', 5, '§6 (silicon): 1000/999, same bit count: 5 + 0'],
  ['sdivneg', 6, '§6 (silicon): sign ignored, -100/5 like 100/5 = 6'],
  ['vadd4', 4, 'TRM Table 7-1: VADD/VSUB/VMUL.F32 = 1 each, independent'],
  ['vadddep', 3, 'TRM §7.2.3 note: the result consumed by the next instruction costs one more: 2 + 1'],
  ['vfmaacc', 6, 'TRM Table 7-1: VFMA = 3; the addend is read one cycle late, so an accumulator chain has no stall'],
  ['vmulfma', 5, 'TRM §7.2.3: VMUL 1 + 1 (its result is the next multiplicand) + VFMA 3'],
  ['vdivindep', 15, 'TRM Table 7-1: VDIV = 14 before the next FP instruction, + VADD 1'],
  ['vdivnopvmov', 16, '§7.3 (silicon): VDIV, NOP, VMOV of its result = 16'],
  ['vdivint', 2, 'TRM §7.2.3: integer instructions after VDIV complete out of order: VDIV 1 + ADDS 1'],
  ['vsqrtdep', 16, '§7.3: VSQRT 14 like VDIV; dependent reader 15 + 1 (GCC latency 15, as silicon shows for VDIV)'],
  ['vmov1', 2, '§7.4 (silicon): VMOV core <-> one S register = 1 each (the TRM says 2)'],
  ['vmov2', 2, '§7.4: VMOV of two registers = 2'],
  ['vldrvstr', 4, 'TRM Table 7-1: VLDR.32 = 2, VSTR.32 = 2'],
  ['vldm4', 5, 'TRM Table 7-1: VLDM.32 = 1+N = 5'],
  ['vcvtdep', 3, 'TRM §7.2.3: VCVT 1, +1 when the next instruction consumes it, VMOV 1'],
  ['vcmpvmrs', 2, 'TRM Table 7-1: VCMP 1, VMRS 1'],
  ['loop20', 20000, '§5.3 (silicon): the 1000-iteration template (17 nop.w, subs.w, bne.w) measures 20 per iteration, the final not-taken bne.w after 32-bit code included (2)'],
  ['loop20c', 19999, '§5.3 (silicon): with two 16-bit NOPs since the refill the final not-taken bne.w costs 1: 1000 x 20 - 1'],
  ['svc', 24, 'TRM §3.9.1: SVC 1 + entry 12 + handler BX LR 1 + return 10'],
  ['tailchain', 35, 'TRM §3.9.1: STR 1 + entry 12 + PendSV (LDR 2, MOVS 1, STR 1, BX LR 1) + tail-chain 6 + IRQ BX LR 1 + return 10'],
];

describe.each([
  ['mps2-an386', 'none'],
  ['stm32f411re', 'off'],
] as const)('Cortex-M4 core timing at zero wait states on %s', (board, acr) => {
  let run: TimingRun;
  it('runs the micro-benchmark firmware', async () => {
    run = await runTimingFirmware(board, 'hsi16', acr);
    expect(run.cycles.get('empty')![0]).toBeGreaterThan(0);
  }, 120_000);
  it.each(EXPECTED)('%s = %i cycles (%s)', (name, expected) => {
    expect(delta(run, name)).toBe(expected);
  });
});
