/**
 * A decoded instruction: the record the decoder builds once per address and the executor runs
 * many times. One class, one shape (monomorphic property access in every handler); the slots follow
 * the names the Arm ARM pseudo-code gives after an encoding's "decode" step (d, n, m, imm32, setflags,
 * shift_t, shift_n, registers, add, index, wback ...). Which slots an encoding fills is declared in
 * its `isa/` line; absent registers are -1.
 */
import type { Cpu } from './cpu.js';

/** Executes one instruction. Returns false for UNDEFINED (the caller raises UsageFault UNDEFINSTR). */
export type Handler = (cpu: Cpu, i: Insn) => boolean;

/** `setflags` values: the ARM ARM's `setflags = !InITBlock()` is only known at run time. */
export const SETFLAGS_NEVER = 0;
export const SETFLAGS_ALWAYS = 1;
export const SETFLAGS_OUTSIDE_IT = 2;

export class Insn {
  /** Register numbers (0-15, or 0-31 for S registers in FP encodings); -1 when not used. */
  d = -1;
  n = -1;
  m = -1;
  a = -1;
  t = -1;
  t2 = -1;
  dLo = -1;
  dHi = -1;
  /** imm32 (or any immediate the handler needs, already extended/expanded). */
  imm = 0;
  /** A second immediate where an encoding has two (lsb/width of BFI, saturate_to, rotation ...). */
  imm2 = 0;
  setflags = SETFLAGS_NEVER;
  /** Carry out of ThumbExpandImm_C: 0 or 1, or -1 when the expansion leaves C unchanged. */
  carry = -1;
  /** SRType (0 LSL, 1 LSR, 2 ASR, 3 ROR, 4 RRX) and shift amount, from DecodeImmShift. */
  shiftType = 0;
  shiftN = 0;
  /** register_list bit mask (bit k = Rk). */
  list = 0;
  index = 0;
  add = 0;
  wback = 0;
  /** Condition for B<c> encodings (14 = always). IT-block conditions are applied by the executor. */
  cond = 14;
  /** A per-encoding selector for handlers shared by a family (which parallel add/sub, which FP MAC sign variant). */
  op = 0;
  // Named choices of handlers shared by several encodings, one meaning each (0 unless the isa/ line sets them).
  /** Load/store element: ACCESS_WORD 0, BYTE 1, HALF 2, SBYTE 3, SHALF 4 (handlers/load-store/single.ts); TBB 1, TBH 2. */
  access = 0;
  /** 1: the 32-bit LDM/STM rules (at least two registers, no writeback with Rn in the list). */
  wide = 0;
  /** CBNZ (1) rather than CBZ (0). */
  nonzero = 0;
  /** CPSID (1) rather than CPSIE (0). */
  disable = 0;
  /** MSR's mask field (bit 1: APSR.NZCVQ, bit 0: APSR.GE). */
  msrMask = 0;
  /** The T2 (0b1111...) coprocessor forms, never the FPU's CP10/CP11 space. */
  coprocT2 = 0;
  /** X forms of the dual multiplies: Rm's halves swapped. */
  swap = 0;
  /** R forms of SMMUL/SMMLA/SMMLS: rounded. */
  round = 0;
  /** Which halfword of Rn / Rm a halfword multiply takes (SMLA<x><y>, SMUL<x><y>, SMLAW<y> ...): 1 = top. */
  nTop = 0;
  mTop = 0;
  /** FP: double precision (sz = 1, VLDR/VSTR .64, D-register lists). */
  double = 0;
  /** VMOV between core and FP registers: 1 = to the core register(s). */
  toCore = 0;
  /** VCMPE (1): quiet NaNs raise Invalid Operation too. */
  signalNan = 0;
  /** VCVT: integer/fixed operand or result is signed; rounds towards zero; to fixed point; 32-bit fixed point. */
  signed = 0;
  roundZero = 0;
  toFixed = 0;
  size32 = 0;
  /** VCVTB/VCVTT: single -> half (1) or half -> single (0); the top halfword (VCVTT) or the bottom. */
  toHalf = 0;
  topHalf = 0;
  /**
   * The run loop's memo of the instruction that followed this one last time: `succ` decoded at
   * `succPC`, valid while Bus.codeEpoch equals `succEpoch` (no decoded code was overwritten since).
   */
  succ: Insn | null = null;
  succPC = -1;
  succEpoch = -1;
  /**
   * The translated block that starts here (src/cpu/block-compiler.ts), valid while Bus.codeEpoch
   * equals `blockEpoch` and only at address `blockPC` (an aliased region, such as flash seen at
   * 0x00000000 and 0x08000000, shares its decoded instructions; a block has its addresses built
   * in); `heat` counts runs started here until the block is translated (-1: this instruction cannot
   * start a block).
   */
  block: ((cpu: Cpu) => void) | null = null;
  blockLength = 0;
  blockEpoch = -1;
  blockPC = -1;
  heat = 0;
  /**
   * The block heads this block's last two exits led to (the taken and the fall-through side of its
   * final branch), so the run loop can go from block to block without a lookup; checked like
   * `block` itself before use.
   */
  chain1: Insn | null = null;
  chainPC1 = -1;
  chain2: Insn | null = null;
  chainPC2 = -1;
  /** Raw named fields of the encoding, for rare uses (disassembly, system register numbers). */
  fields: Record<string, number> = {};

  constructor(
    readonly exec: Handler,
    readonly mnemonic: string,
    readonly encoding: string,
    /** Index into the core's timing-class table (src/cpu/timing-classes.ts). */
    readonly timing: number,
    /** 2 or 4 bytes. */
    readonly size: number,
    /** The raw opcode: hw1 for 16-bit, (hw1 << 16 | hw2) >>> 0 for 32-bit. */
    readonly opcode: number,
  ) {}
}
