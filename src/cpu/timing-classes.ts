/**
 * The timing classes named in isa/ lines, with the base cost each has on a Cortex-M4 with zero wait
 * states. Source: Arm Cortex-M4 TRM (DDI 0439D) §3.3.1 Table 3-1 (integer), Table 3-2 (DSP) and
 * §7.2.3 Table 7-1 (FPU); see shared/reference/M4-TIMING.md. Costs that depend on run-time facts
 * (a taken branch's refill P, N registers, divide operands, load/store pipelining, FP result hazards,
 * bus wait states) are added by the cycle model (src/cpu/cycle-model.ts), never by handlers.
 */
export interface TimingClass {
  name: string;
  /** Cycles at zero wait states before run-time additions. */
  base: number;
  /** The TRM row this comes from. */
  trm: string;
}

export const TIMING_CLASSES: readonly TimingClass[] = [
  { name: 'alu', base: 1, trm: 'Table 3-1: MOV/ADD/SUB/logical/shift/compare/extend/bitfield/reverse = 1' },
  { name: 'mul', base: 1, trm: 'Table 3-1: MUL, MLA, MLS = 1' },
  { name: 'mull', base: 1, trm: 'Table 3-1: SMULL, UMULL, SMLAL, UMLAL = 1' },
  { name: 'div', base: 2, trm: 'Table 3-1: SDIV, UDIV = 2 to 12 (early termination on operand values)' },
  { name: 'sat', base: 1, trm: 'Table 3-1: SSAT, USAT = 1' },
  { name: 'dsp', base: 1, trm: 'Table 3-2: every DSP instruction = 1' },
  { name: 'ld', base: 2, trm: 'Table 3-1: LDR/LDRH/LDRB/LDRSH/LDRSB (+T) = 2; pipelines with neighbours (§3.3.2)' },
  { name: 'st', base: 2, trm: 'Table 3-1: STR/STRH/STRB = 2; STR Rx,[Ry,#imm] is effectively 1 (§3.3.2)' },
  { name: 'ldrd', base: 3, trm: 'Table 3-1: LDRD, STRD = 1+N = 3' },
  { name: 'ldm', base: 1, trm: 'Table 3-1: LDM/POP = 1+N (+P with PC)' },
  { name: 'stm', base: 1, trm: 'Table 3-1: STM/PUSH = 1+N' },
  { name: 'excl', base: 2, trm: 'Table 3-1: LDREX/STREX = 2' },
  { name: 'branch', base: 1, trm: 'Table 3-1: B/BL/BX/BLX = 1+P; B<c> and CBZ not taken = 1' },
  { name: 'tbb', base: 2, trm: 'Table 3-1: TBB, TBH = 2+P' },
  { name: 'it', base: 1, trm: 'Table 3-1: IT = 1, foldable onto a preceding 16-bit instruction (0)' },
  { name: 'sys', base: 1, trm: 'Table 3-1: CPSID/CPSIE/MRS/MSR = 1 or 2' },
  { name: 'barrier', base: 1, trm: 'Table 3-1: ISB/DMB/DSB = 1+B' },
  { name: 'hint', base: 1, trm: 'Table 3-1: NOP/SEV = 1' },
  { name: 'wait', base: 1, trm: 'Table 3-1: WFI/WFE = 1+W' },
  { name: 'trap', base: 1, trm: 'Table 3-1: SVC/BKPT: no count given; exception entry is accounted separately' },
  { name: 'fpAlu', base: 1, trm: 'Table 7-1: VABS/VADD/VSUB/VNEG/VMUL/VNMUL.F32 = 1' },
  { name: 'fpMac', base: 3, trm: 'Table 7-1: VMLA/VMLS/VNMLA/VNMLS, VFMA/VFMS/VFNMA/VFNMS.F32 = 3' },
  { name: 'fpDiv', base: 14, trm: 'Table 7-1: VDIV.F32 = 14' },
  { name: 'fpSqrt', base: 14, trm: 'Table 7-1: VSQRT.F32 = 14' },
  { name: 'fpCvt', base: 1, trm: 'Table 7-1: VCVT (all forms) = 1' },
  { name: 'fpCmp', base: 1, trm: 'Table 7-1: VCMP/VCMPE.F32 = 1' },
  { name: 'fpMov', base: 1, trm: 'Table 7-1: VMOV immediate/register, half of double = 1' },
  { name: 'fpMovCore', base: 2, trm: 'Table 7-1: VMOV 1 or 2 core registers <-> FP = 2 (silicon: 1 for one register, M4-TIMING §8.4)' },
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

/** Base cycles indexed by class id, for the hot loop. */
export const TIMING_BASE_CYCLES = Int32Array.from(TIMING_CLASSES, (c) => c.base);
