/**
 * The timing classes named in isa/ lines, with the base cost each has on a Cortex-M4 with zero wait
 * states and the rule it comes from: the table of isa/TIMING.md §3 (Cortex-M4 TRM DDI 0439D Tables
 * 3-1, 3-2, 7-1 and silicon measurements, restated there with their sources). Costs that depend on
 * run-time facts (a taken branch's refill P, N registers, divide operands, load/store pipelining, FP
 * result hazards, bus wait states) are added by the cycle model (src/cpu/cycle-model.ts, TIMING.md
 * §4-§9), never by handlers. The class ids below are the order of TIMING_CLASSES.
 */
export interface TimingClass {
  name: string;
  /** Cycles at zero wait states before run-time additions. */
  base: number;
  /** The rule, with its section of isa/TIMING.md. */
  rule: string;
}

export const TIMING_CLASSES: readonly TimingClass[] = [
  { name: 'alu', base: 1, rule: 'MOV/ADD/SUB/logical/shift/compare/extend/bitfield/reverse = 1; MOV PC / ADD PC = 1+P (TIMING.md §3, §5.1)' },
  { name: 'mul', base: 1, rule: 'MUL, MLA, MLS = 1 (TIMING.md §3)' },
  { name: 'mull', base: 1, rule: 'SMULL, UMULL, SMLAL, UMLAL = 1 (TIMING.md §3)' },
  { name: 'sdiv', base: 2, rule: 'SDIV = 2 to 12 by the operands, sign ignored (TIMING.md §6)' },
  { name: 'udiv', base: 2, rule: 'UDIV = 2 to 12 by the operands (TIMING.md §6)' },
  { name: 'sat', base: 1, rule: 'SSAT, USAT = 1 (TIMING.md §3)' },
  { name: 'dsp', base: 1, rule: 'every DSP-extension instruction = 1 (TIMING.md §3)' },
  { name: 'ld', base: 2, rule: 'LDR/LDRH/LDRB/LDRSH/LDRSB (+T), LDR literal = 2, pipelined with the load before (TIMING.md §4); LDR PC = 2+3' },
  { name: 'st', base: 2, rule: 'STR/STRH/STRB: immediate offset = 1, register offset = 2 (TIMING.md §4.2, §4.4, §4.5)' },
  { name: 'ldrd', base: 3, rule: 'LDRD = 1+N = 3, no pipelining with neighbours (TIMING.md §3, §4.9)' },
  { name: 'strd', base: 3, rule: 'STRD = 1+N = 3, no pipelining with neighbours (TIMING.md §3, §4.9)' },
  { name: 'ldm', base: 1, rule: 'LDM/POP = 1+N, 1+N+3 with PC (TIMING.md §3, §4.9)' },
  { name: 'stm', base: 1, rule: 'STM/PUSH = 1+N (TIMING.md §3, §4.9)' },
  { name: 'excl', base: 2, rule: 'LDREX/STREX = 2; LDREX pipelines like LDR (TIMING.md §4.8)' },
  { name: 'branch', base: 1, rule: 'B/BL/BX/BLX = 1+P (TIMING.md §5.1)' },
  { name: 'condBranch', base: 1, rule: 'B<c>, CBZ/CBNZ: taken 1+P, not taken 1, 2 after 32-bit code since the last refill (TIMING.md §5.1, §5.3)' },
  { name: 'tbb', base: 2, rule: 'TBB, TBH = 2 + 1 + 3 = 6 (TIMING.md §3, §4.9)' },
  { name: 'it', base: 1, rule: 'IT = 1, folded (0) after a 16-bit instruction (TIMING.md §5.4)' },
  { name: 'sys', base: 1, rule: 'MRS, MSR other than CONTROL, CPSID/CPSIE = 1 (TIMING.md §3)' },
  { name: 'msrControl', base: 2, rule: 'MSR CONTROL = 2 (TIMING.md §3, silicon)' },
  { name: 'barrier', base: 1, rule: 'DMB, DSB = 1 (TIMING.md §3)' },
  { name: 'isb', base: 4, rule: 'ISB = 1 + a refill of 3 (TIMING.md §3)' },
  { name: 'nop', base: 1, rule: 'NOP = 1; 0 in the shadow of a load or register-offset store (TIMING.md §4.6)' },
  { name: 'hint', base: 1, rule: 'YIELD/SEV/DBG/PLD/PLDW/PLI = 1 (TIMING.md §3)' },
  { name: 'wait', base: 1, rule: 'WFI/WFE = 1+W, W the sleep counted in SLEEPCNT (TIMING.md §3)' },
  { name: 'trap', base: 1, rule: 'SVC/BKPT = 1, exception entry separately (TIMING.md §3, §8)' },
  { name: 'fpAlu', base: 1, rule: 'VABS/VADD/VSUB/VNEG/VMUL/VNMUL.F32 = 1, +1 when the next instruction reads the result (TIMING.md §7.1)' },
  { name: 'fpMac', base: 3, rule: 'VMLA/VMLS/VNMLA/VNMLS, VFMA/VFMS/VFNMA/VFNMS.F32 = 3, addend read late (TIMING.md §7.2)' },
  { name: 'fpDiv', base: 14, rule: 'VDIV.F32 = 14 when an FP instruction waits for it, else 1 (TIMING.md §7.3)' },
  { name: 'fpSqrt', base: 14, rule: 'VSQRT.F32 = 14 when an FP instruction waits for it, else 1 (TIMING.md §7.3)' },
  { name: 'fpCvt', base: 1, rule: 'VCVT (all forms) = 1, +1 when the next instruction reads the result (TIMING.md §7.1)' },
  { name: 'fpCmp', base: 1, rule: 'VCMP/VCMPE.F32 = 1 (TIMING.md §3)' },
  { name: 'fpMov', base: 1, rule: 'VMOV immediate/register/scalar = 1 (TIMING.md §3)' },
  { name: 'fpMovCore', base: 2, rule: 'VMOV core <-> FP: 1 for one register, 2 for two (TIMING.md §7.4)' },
  { name: 'fpMrs', base: 1, rule: 'VMRS/VMSR = 1 (TIMING.md §3)' },
  { name: 'fpLd', base: 2, rule: 'VLDR.32 = 2, VLDR.64 = 3 (TIMING.md §3)' },
  { name: 'fpSt', base: 2, rule: 'VSTR.32 = 2, VSTR.64 = 3 (TIMING.md §3)' },
  { name: 'fpLdm', base: 1, rule: 'VLDM/VPOP = 1+N, N in words (TIMING.md §3)' },
  { name: 'fpStm', base: 1, rule: 'VSTM/VPUSH = 1+N, N in words (TIMING.md §3)' },
];

const ids = new Map(TIMING_CLASSES.map((c, k) => [c.name, k]));

/** The class index for a name, or -1 when isa/ names a class that does not exist. */
export function timingClassId(name: string): number {
  return ids.get(name) ?? -1;
}

/**
 * Class ids as literal constants (the order of TIMING_CLASSES, checked below), so the cycle model's
 * switch compiles to a jump table instead of a chain of property loads.
 */
export const T = {
  alu: 0, mul: 1, mull: 2, sdiv: 3, udiv: 4, sat: 5, dsp: 6, ld: 7, st: 8, ldrd: 9, strd: 10, ldm: 11, stm: 12, excl: 13,
  branch: 14, condBranch: 15, tbb: 16, it: 17, sys: 18, msrControl: 19, barrier: 20, isb: 21, nop: 22, hint: 23, wait: 24,
  trap: 25, fpAlu: 26, fpMac: 27, fpDiv: 28, fpSqrt: 29, fpCvt: 30, fpCmp: 31, fpMov: 32, fpMovCore: 33, fpMrs: 34,
  fpLd: 35, fpSt: 36, fpLdm: 37, fpStm: 38,
} as const;
for (const [name, k] of Object.entries(T)) {
  if (ids.get(name) !== k) throw new Error(`timing class ${name}: id ${ids.get(name)} but T.${name} = ${k}`);
}
if (Object.keys(T).length !== TIMING_CLASSES.length) throw new Error('timing classes and T disagree');

