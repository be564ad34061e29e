/**
 * The timing classes named in isa/ lines, with the base cost each has on a Cortex-M4 with zero wait
 * states and the TRM row it comes from. Source: Arm Cortex-M4 TRM (DDI 0439D) §3.3.1 Table 3-1
 * (integer), Table 3-2 (DSP), §3.3.2 (load/store pipelining) and §7.2.3 Table 7-1 (FPU); public
 * DWT measurements on silicon (shared/reference/M4-TIMING.md §8) win where they disagree, and the
 * class says so. Costs that depend on run-time facts (a taken branch's refill P, N registers, divide
 * operands, load/store pipelining, FP result hazards, bus wait states) are added by the cycle model
 * (src/cpu/cycle-model.ts), never by handlers. The class ids below are the order of TIMING_CLASSES.
 */
export interface TimingClass {
  name: string;
  /** Cycles at zero wait states before run-time additions. */
  base: number;
  /** The TRM row (or silicon measurement) this comes from. */
  trm: string;
}

export const TIMING_CLASSES: readonly TimingClass[] = [
  { name: 'alu', base: 1, trm: 'Table 3-1: MOV/ADD/SUB/logical/shift/compare/extend/bitfield/reverse = 1; MOV PC / ADD PC = 1+P' },
  { name: 'mul', base: 1, trm: 'Table 3-1: MUL, MLA, MLS = 1' },
  { name: 'mull', base: 1, trm: 'Table 3-1: SMULL, UMULL, SMLAL, UMLAL = 1' },
  { name: 'div', base: 2, trm: 'Table 3-1: SDIV, UDIV = 2 to 12; operand rule measured on silicon (M4-TIMING §8.3), src/cpu/timing/divide.ts' },
  { name: 'sat', base: 1, trm: 'Table 3-1: SSAT, USAT = 1' },
  { name: 'dsp', base: 1, trm: 'Table 3-2: every DSP instruction = 1' },
  { name: 'ld', base: 2, trm: 'Table 3-1: LDR/LDRH/LDRB/LDRSH/LDRSB (+T), LDR literal = 2; LDR PC = 2+P; pipelines with a following load/store (§3.3.2)' },
  { name: 'st', base: 2, trm: 'Table 3-1: STR/STRH/STRB = 2; §3.3.2: STR Rx,[Ry,#imm] = 1; silicon: register offset = 2 (M4-TIMING §8.6)' },
  { name: 'ldrd', base: 3, trm: 'Table 3-1: LDRD, STRD = 1+N = 3; §3.3.2: no pipelining with neighbours' },
  { name: 'ldm', base: 1, trm: 'Table 3-1: LDM/POP = 1+N, 1+N+P with PC' },
  { name: 'stm', base: 1, trm: 'Table 3-1: STM/PUSH = 1+N' },
  { name: 'excl', base: 2, trm: 'Table 3-1: LDREX/STREX = 2; §3.3.2: pipeline exactly like LDR' },
  { name: 'branch', base: 1, trm: 'Table 3-1: B/BL/BX/BLX = 1+P; B<c> and CBZ/CBNZ not taken = 1; silicon P (M4-TIMING §8.1)' },
  { name: 'tbb', base: 2, trm: 'Table 3-1: TBB, TBH = 2+P; §3.3.2: >= 6 (2 load + 1 add + 3 reload)' },
  { name: 'it', base: 1, trm: 'Table 3-1: IT = 1, folded (0) after a 16-bit instruction (note d; silicon M4-TIMING §8.8)' },
  { name: 'sys', base: 1, trm: 'Table 3-1: CPSID/CPSIE/MRS/MSR = 1 or 2; silicon: MSR CONTROL = 2, others 1 (M4-TIMING §8.10)' },
  { name: 'barrier', base: 1, trm: 'Table 3-1: ISB/DMB/DSB = 1+B; B = 0 for DMB/DSB, a pipeline refill for ISB' },
  { name: 'hint', base: 1, trm: 'Table 3-1: NOP/SEV = 1' },
  { name: 'wait', base: 1, trm: 'Table 3-1: WFI/WFE = 1+W (W: the sleep, counted in SLEEPCNT)' },
  { name: 'trap', base: 1, trm: 'Table 3-1: SVC/BKPT: no count given; 1 for the instruction, exception entry (§3.9.1) separately' },
  { name: 'fpAlu', base: 1, trm: 'Table 7-1: VABS/VADD/VSUB/VNEG/VMUL/VNMUL.F32 = 1 (+1 when the next instruction consumes the result)' },
  { name: 'fpMac', base: 3, trm: 'Table 7-1: VMLA/VMLS/VNMLA/VNMLS, VFMA/VFMS/VFNMA/VFNMS.F32 = 3 (addend read one cycle late)' },
  { name: 'fpDiv', base: 14, trm: 'Table 7-1: VDIV.F32 = 14; 1 when no FP instruction waits for it (out-of-order completion)' },
  { name: 'fpSqrt', base: 14, trm: 'Table 7-1: VSQRT.F32 = 14; 1 when no FP instruction waits for it (out-of-order completion)' },
  { name: 'fpCvt', base: 1, trm: 'Table 7-1: VCVT (all forms) = 1 (+1 when the next instruction consumes the result)' },
  { name: 'fpCmp', base: 1, trm: 'Table 7-1: VCMP/VCMPE.F32 = 1' },
  { name: 'fpMov', base: 1, trm: 'Table 7-1: VMOV immediate/register, half of double = 1' },
  { name: 'fpMovCore', base: 2, trm: 'Table 7-1: VMOV core <-> FP = 2; silicon: 1 for one register, 2 for two (M4-TIMING §8.4)' },
  { name: 'fpMrs', base: 1, trm: 'Table 7-1: VMRS/VMSR = 1' },
  { name: 'fpLd', base: 2, trm: 'Table 7-1: VLDR.32 = 2, VLDR.64 = 3' },
  { name: 'fpSt', base: 2, trm: 'Table 7-1: VSTR.32 = 2, VSTR.64 = 3' },
  { name: 'fpLdm', base: 1, trm: 'Table 7-1: VLDM/VPOP = 1+N (N = words)' },
  { name: 'fpStm', base: 1, trm: 'Table 7-1: VSTM/VPUSH = 1+N (N = words)' },
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
  alu: 0, mul: 1, mull: 2, div: 3, sat: 4, dsp: 5, ld: 6, st: 7, ldrd: 8, ldm: 9, stm: 10, excl: 11,
  branch: 12, tbb: 13, it: 14, sys: 15, barrier: 16, hint: 17, wait: 18, trap: 19,
  fpAlu: 20, fpMac: 21, fpDiv: 22, fpSqrt: 23, fpCvt: 24, fpCmp: 25, fpMov: 26, fpMovCore: 27, fpMrs: 28,
  fpLd: 29, fpSt: 30, fpLdm: 31, fpStm: 32,
} as const;
for (const [name, k] of Object.entries(T)) {
  if (ids.get(name) !== k) throw new Error(`timing class ${name}: id ${ids.get(name)} but T.${name} = ${k}`);
}
if (Object.keys(T).length !== TIMING_CLASSES.length) throw new Error('timing classes and T disagree');

/** Base cycles indexed by class id, for the hot loop. */
export const TIMING_BASE_CYCLES = Int32Array.from(TIMING_CLASSES, (c) => c.base);
