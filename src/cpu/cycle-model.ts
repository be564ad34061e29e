/**
 * The Cortex-M4 cycle model: what one executed instruction costs, given the instruction before it,
 * the data it touched and the memory it came from. Sources, cited beside each rule:
 *   TRM  = Arm Cortex-M4 TRM DDI 0439D, Table 3-1/3-2 (§3.3.1), §3.3.2 (load/store pipelining),
 *          Table 7-1 and its notes (§7.2.3, FPU), §3.9.1 (exception timing);
 *   SIL  = public DWT CYCCNT measurements on Cortex-M4 silicon (shared/reference/M4-TIMING.md §8),
 *          which win where they disagree with the TRM;
 *   GCC  = GCC's cortex-m4(-fpu).md scheduling model (VDIV latency).
 * Memory wait states (flash, ART accelerator) come from a MemoryTiming (src/mcu/flash-accelerator.ts);
 * boards without one (mps2-an386) are zero-wait.
 *
 * Accounting (ARMv7-M ARM C1.8.x, DWT): every instruction counts 1 cycle plus extra cycles; extra
 * cycles of load/store instructions go to LSUCNT, all other extra cycles (multi-cycle instructions,
 * refills, fetch stalls) to CPICNT, exception entry/return to EXCCNT, a 0-cycle instruction adds 1 to
 * FOLDCNT; so CYCCNT = instructions + CPICNT + LSUCNT + EXCCNT + SLEEPCNT - FOLDCNT.
 * Hot-path rules: no allocation; a switch on the class id and a few integer compares per instruction.
 */
import type { Cpu, CycleModel, ExceptionEvent } from './cpu.js';
import type { Insn } from './insn.js';
import { T } from './timing-classes.js';

const { alu: ALU, mul: MUL, mull: MULL, div: DIV, sat: SAT, dsp: DSP, ld: LD, st: ST, ldrd: LDRD, ldm: LDM, stm: STM, excl: EXCL, branch: BRANCH, tbb: TBB, it: IT, sys: SYS, barrier: BARRIER, hint: HINT, wait: WAIT, trap: TRAP, fpAlu: FP_ALU, fpMac: FP_MAC, fpDiv: FP_DIV, fpSqrt: FP_SQRT, fpCvt: FP_CVT, fpCmp: FP_CMP, fpMov: FP_MOV, fpMovCore: FP_MOV_CORE, fpLd: FP_LD, fpSt: FP_ST, fpLdm: FP_LDM, fpStm: FP_STM } = T;
import { divideCycles } from './timing/divide.js';

/** Wait states of the memory instructions and data come from (src/mcu/flash-accelerator.ts). */
export interface MemoryTiming {
  /** log2 of the instruction-fetch line in bytes (16 for a 128-bit F4 flash line). */
  readonly lineShift: number;
  /** Stall cycles to get the line holding `address` when execution moves into it at cycle `now`. */
  fetchLine(address: number, now: number): number;
  /** Stall cycles of a data read at `address` (code region only; 0 elsewhere) at cycle `now`. */
  dataRead(address: number, now: number): number;
}

/** Stall causes of the run summary (extra cycles beyond 1 per instruction). */
export const STALL_CAUSES = ['flashWait', 'branch', 'loadStore', 'mulDiv', 'fpu', 'exception', 'other'] as const;
export type StallCause = (typeof STALL_CAUSES)[number];
const C_FLASH = 0, C_BRANCH = 1, C_LSU = 2, C_MULDIV = 3, C_FPU = 4, C_EXC = 5, C_OTHER = 6;

/** TRM §3.9.1: entry 12, return 10, tail-chain 6; with an FP frame stacked/restored 29 and 27. */
export const EXCEPTION_CYCLES: Record<ExceptionEvent, number> = {
  entry: 12,
  entryFp: 29,
  return: 10,
  returnFp: 27,
  tailChain: 6,
  // [D] from TRM §3.9.1: 29 - 12 = 17 cycles to write S0-S15, FPSCR (and the reserved word).
  lazyFpSave: 17,
};

/** "No register" in the hazard slots (Insn slots use -1 for absent operands, so never -1 here). */
const NONE = 99;
/** The previous instruction leaves a cycle the next one may overlap (TRM §3.3.2, SIL §8.5/8.6). */
const OVERLAP_NONE = 0;
const OVERLAP_LOAD = 1;
const OVERLAP_STORE_REG = 2;
/** FP registers hidden behind a VDIV/VSQRT in flight: GCC cortex_m4_fdivs latency 15, FPU busy 14. */
const FP_LONG_BUSY = 14;
const FP_LONG_LATENCY = 15;
/** TRM §3.3.2 rules 2 and 5: a PC loaded from memory cannot be speculated, full refill of 3. */
const LOADED_PC_REFILL = 3;

export class M4CycleModel implements CycleModel {
  /** Extra cycles by cause, indexed like STALL_CAUSES. */
  readonly stallCycles = new Float64Array(STALL_CAUSES.length);
  /** ACTLR.DISFOLD (TRM §4.3.1) clear: IT folds onto a preceding 16-bit instruction. */
  foldIt = true;

  private overlap = OVERLAP_NONE;
  private loadDest = NONE;
  private loadBlock = -1;
  private wbackBase = NONE;
  private storeImmPrev = false;
  private aluDest = NONE;
  private aluDest2 = NONE;
  private fpDest = NONE;
  private prev16 = false;
  private fpBusyUntil = 0;
  private fpLongDest = NONE;
  private fpLongReady = 0;
  private line = -1;
  private unalignedRun = 0;
  private exceptionReturned = false;
  private readonly lineShift: number;

  constructor(private readonly memory: MemoryTiming | null = null) {
    this.lineShift = memory ? memory.lineShift : 31;
  }

  /** Forget the pipeline state (reset, exception entry/return). */
  flushPipeline(): void {
    this.overlap = OVERLAP_NONE;
    this.loadDest = this.wbackBase = this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.loadBlock = -1;
    this.storeImmPrev = false;
    this.prev16 = false;
    this.unalignedRun = 0;
  }

  stallBreakdown(): Record<StallCause, number> {
    const out = {} as Record<StallCause, number>;
    STALL_CAUSES.forEach((c, k) => { out[c] = this.stallCycles[k]!; });
    return out;
  }

  exceptionEvent(cpu: Cpu, event: ExceptionEvent): void {
    const n = EXCEPTION_CYCLES[event];
    cpu.cycles += n;
    cpu.stalls.exc += n;
    this.stallCycles[C_EXC] += n;
    if (event === 'return' || event === 'returnFp' || event === 'tailChain') this.exceptionReturned = true;
    if (event !== 'lazyFpSave') this.flushPipeline();
  }

  /**
   * Instruction fetch stalls of the `size`-byte instruction at `pc`: one compare per instruction
   * (the memory model runs on a line change only), plus the unaligned 32-bit run rule (SIL §8.2).
   */
  private fetchStall(cpu: Cpu, pc: number, size: number): number {
    let fetch = 0;
    if (this.memory !== null) {
      const line = (pc + size - 2) >>> this.lineShift;
      if (line !== this.line) {
        this.line = line;
        fetch = this.memory.fetchLine(pc, cpu.cycles);
      }
    }
    // SIL §8.2: a third consecutive 32-bit instruction on an odd halfword starves the fetch queue.
    if (size === 4 && (pc & 2) !== 0) {
      if (++this.unalignedRun === 3) {
        // Returned with this instruction's cycles (the run loop adds the result to cpu.cycles).
        fetch++;
        this.stallCycles[C_OTHER]++;
        this.stallCycles[C_FLASH]--;
      }
    } else this.unalignedRun = 0;
    return fetch;
  }

  /**
   * For translated blocks (src/cpu/block-compiler.ts): the source of a call that returns what
   * cost(cpu, insn, passed) returns for `insn` at `pc`, with the decoded fields the rule needs as
   * literal arguments, so V8 inlines a small class method and folds the constants (blocks do not
   * store cpu.pc before instructions that cannot fault, so the address is an argument too).
   * Undefined: the block calls cost(). Only the branch method handles a PC write.
   */
  blockCostCall(insn: Insn, pc: number, passed: string): string | undefined {
    const cls = insn.timing;
    const size = insn.size;
    if (cls === ALU || cls === SAT || cls === DSP || cls === MUL || cls === MULL) {
      if (insn.d === 15) return undefined;
      const dA = insn.d >= 0 ? insn.d : insn.dLo >= 0 ? insn.dLo : NONE;
      const dB = insn.dHi >= 0 ? insn.dHi : NONE;
      return `model.costAlu(cpu, ${pc}, ${size}, ${dA}, ${dB})`;
    }
    if (cls === LD) {
      if (insn.t === 15) return undefined;
      return `model.costLoad(cpu, ${pc}, ${size}, ${insn.t}, ${insn.n}, ${insn.m}, ${insn.op}, ${insn.wback ? insn.n : NONE})`;
    }
    if (cls === ST) return `model.costStore(cpu, ${pc}, ${size}, ${insn.n}, ${insn.m})`;
    if (cls === BRANCH) return `model.costBranch(cpu, ${pc}, ${size}, ${passed})`;
    return undefined;
  }

  /** cost() of a branch-class instruction (B, B<c>, BL, BX, BLX, CBZ, CBNZ), taken or not. */
  costBranch(cpu: Cpu, pc: number, size: number, passed: boolean): number {
    const fetch = this.fetchStall(cpu, pc, size);
    const excReturn = this.exceptionReturned;
    this.exceptionReturned = false;
    this.overlap = OVERLAP_NONE;
    this.storeImmPrev = false;
    this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.prev16 = size === 2;
    // TRM Table 3-1: 1+P when taken; an EXC_RETURN's refill is part of the 10-cycle return (§3.9.1).
    if (!passed || !cpu.branched) return fetch === 0 ? 1 : this.account(cpu, 1, C_OTHER, fetch, 0);
    return this.account(cpu, excReturn ? 1 : 1 + this.refill(cpu), C_BRANCH, fetch, 0);
  }

  /** cost() of an executed ALU/SAT/DSP/MUL/MULL instruction that did not write the PC (dA, dB: its destinations). */
  costAlu(cpu: Cpu, pc: number, size: number, dA: number, dB: number): number {
    const fetch = this.fetchStall(cpu, pc, size);
    this.exceptionReturned = false;
    this.overlap = OVERLAP_NONE;
    this.storeImmPrev = false;
    this.fpDest = NONE;
    this.prev16 = size === 2;
    this.aluDest = dA;
    this.aluDest2 = dB;
    return fetch === 0 ? 1 : this.account(cpu, 1, C_OTHER, fetch, 0);
  }

  /** cost() of an executed load (LD class) whose destination t is not the PC; wb = the base when it writes back. */
  costLoad(cpu: Cpu, pc: number, size: number, t: number, n: number, m: number, op: number, wb: number): number {
    const fetch = this.fetchStall(cpu, pc, size);
    const overlap = this.overlap, storeImmPrev = this.storeImmPrev, aluDest = this.aluDest, aluDest2 = this.aluDest2;
    this.exceptionReturned = false;
    this.storeImmPrev = false;
    this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.prev16 = size === 2;
    const cycles = this.loadCycles(cpu, n, m, op, overlap, storeImmPrev, aluDest, aluDest2);
    this.overlap = OVERLAP_LOAD;
    this.loadDest = t;
    this.loadBlock = cpu.dataAddress >>> 24;
    this.wbackBase = wb;
    const data = this.memory !== null && cpu.dataAddress < 0x20000000 ? this.memory.dataRead(cpu.dataAddress, cpu.cycles) : 0;
    return this.account(cpu, cycles, C_LSU, fetch, data);
  }

  /** cost() of an executed store (ST class) with base n and offset register m (-1: immediate). */
  costStore(cpu: Cpu, pc: number, size: number, n: number, m: number): number {
    const fetch = this.fetchStall(cpu, pc, size);
    const overlap = this.overlap, aluDest = this.aluDest, aluDest2 = this.aluDest2;
    this.exceptionReturned = false;
    this.overlap = OVERLAP_NONE;
    this.storeImmPrev = false;
    this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.prev16 = size === 2;
    return this.account(cpu, this.storeCycles(cpu, n, m, overlap, aluDest, aluDest2), C_LSU, fetch, 0);
  }

  /** LD-class cycles: TRM §3.3.2 pipelining with the previous instruction, unaligned addresses. */
  private loadCycles(cpu: Cpu, n: number, m: number, op: number, overlap: number, storeImmPrev: boolean, aluDest: number, aluDest2: number): number {
    let cycles = 2;
    if (addressWaits(n, m, aluDest, aluDest2)) cycles++;
    const addr = cpu.dataAddress;
    // TRM §3.3.2 rule 6 / SIL §8.5: the load overlaps the one before unless its address needs that
    // load's result, both use writeback on one base (SIL §8.7) or they hit different memories (SIL §8.11).
    if (overlap === OVERLAP_LOAD && n !== this.loadDest && m !== this.loadDest && n !== this.wbackBase && (addr >>> 24) === this.loadBlock) cycles--;
    // SIL §8.6: a load straight after STR Rx,[Ry,#imm] makes that store take its second cycle.
    if (storeImmPrev) cycles++;
    // TRM §3.3.2 rule 11: an unaligned word costs +1 (halfword aligned) or +2; an odd halfword +1.
    if ((addr & 3) !== 0) {
      if (op === 0) cycles += (addr & 1) !== 0 ? 2 : 1;
      else if ((op === 2 || op === 4) && (addr & 1) !== 0) cycles++;
    }
    return cycles;
  }

  /** ST-class cycles; sets the store's own overlap state. */
  private storeCycles(cpu: Cpu, n: number, m: number, overlap: number, aluDest: number, aluDest2: number): number {
    let cycles = 1;
    if (m >= 0) {
      // SIL §8.6: register offset = 2, and only a NOP can take its second cycle.
      cycles = 2;
      this.overlap = OVERLAP_STORE_REG;
    } else {
      // TRM §3.3.2 rule 1: STR Rx,[Ry,#imm] is one cycle (the data phase overlaps the next one).
      this.storeImmPrev = true;
    }
    if (addressWaits(n, m, aluDest, aluDest2)) cycles++;
    // SIL §8.5 / TRM §3.3.2 rule 6: a store after a load takes that load's second cycle.
    if (overlap === OVERLAP_LOAD && n !== this.loadDest && m !== this.loadDest && n !== this.wbackBase && (cpu.dataAddress >>> 24) === this.loadBlock) cycles--;
    return cycles;
  }

  cost(cpu: Cpu, insn: Insn, passed: boolean): number {
    const now = cpu.cycles;
    const fetch = this.fetchStall(cpu, cpu.pc, insn.size);
    const overlap = this.overlap;
    const storeImmPrev = this.storeImmPrev;
    const aluDest = this.aluDest;
    const aluDest2 = this.aluDest2;
    const fpDest = this.fpDest;
    const prev16 = this.prev16;
    // Set by exceptionEvent() while this instruction executed: its PC write is an EXC_RETURN.
    const excReturn = this.exceptionReturned;
    this.exceptionReturned = false;
    this.overlap = OVERLAP_NONE;
    this.storeImmPrev = false;
    this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.prev16 = insn.size === 2;

    let cycles = 1;
    let cause = C_OTHER;
    let data = 0;
    if (!passed) {
      // A failed condition (IT block or B<c> not taken) costs one cycle (TRM Table 3-1 note c).
      return this.account(cpu, 1, C_OTHER, fetch, 0);
    }
    const cls = insn.timing;
    switch (cls) {
      case ALU: case SAT: case DSP: case MUL: case MULL:
        // TRM Table 3-1/3-2: 1 cycle; MOV PC / ADD PC = 1+P.
        this.aluDest = insn.d >= 0 ? insn.d : insn.dLo >= 0 ? insn.dLo : NONE;
        this.aluDest2 = insn.dHi >= 0 ? insn.dHi : NONE;
        if (cpu.branched) {
          cycles += this.refill(cpu);
          cause = C_BRANCH;
        } else if (cls === MUL || cls === MULL) cause = C_MULDIV;
        break;
      case DIV:
        cycles = divideCycles(cpu.operandA, cpu.operandB, insn.mnemonic === 'SDIV');
        cause = C_MULDIV;
        this.aluDest = insn.d;
        break;
      case LD: {
        cause = C_LSU;
        cycles = this.loadCycles(cpu, insn.n, insn.m, insn.op, overlap, storeImmPrev, aluDest, aluDest2);
        const addr = cpu.dataAddress;
        const block = addr >>> 24;
        if (this.memory !== null && addr < 0x20000000) data = this.memory.dataRead(addr, now);
        if (insn.t === 15 && cpu.branched) {
          // TRM §3.3.2 rule 2: LDR PC = 2 + a full refill.
          if (!excReturn) cycles += LOADED_PC_REFILL;
          cause = C_BRANCH;
        } else {
          this.overlap = OVERLAP_LOAD;
          this.loadDest = insn.t;
          this.loadBlock = block;
          this.wbackBase = insn.wback ? insn.n : NONE;
        }
        break;
      }
      case ST:
        cause = C_LSU;
        cycles = this.storeCycles(cpu, insn.n, insn.m, overlap, aluDest, aluDest2);
        break;
      case HINT:
        // SIL §8.5/8.6: a NOP after a load or a register-offset store runs in that instruction's shadow.
        if (overlap !== OVERLAP_NONE && insn.mnemonic === 'NOP') cycles = 0;
        break;
      case LDRD:
        // TRM Table 3-1: 1+N = 3; §3.3.2 rule 9: no overlap with neighbours.
        cause = C_LSU;
        cycles = 3 + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (this.memory !== null && insn.mnemonic === 'LDRD' && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        break;
      case LDM: case STM: {
        // TRM Table 3-1: 1+N, LDM/POP with PC 1+N+P; §3.3.2 rule 10: no overlap with neighbours.
        cause = C_LSU;
        cycles = 1 + bitCount(insn.list) + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (cls === LDM && this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        if (cpu.branched && !excReturn) {
          cycles += LOADED_PC_REFILL;
          cause = C_BRANCH;
        }
        break;
      }
      case EXCL:
        // TRM §3.3.2 rule 8: LDREX pipelines like LDR; STREX (it has a status register d) = 2.
        cause = C_LSU;
        cycles = 2 + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (insn.d < 0) {
          if (overlap === OVERLAP_LOAD && insn.n !== this.loadDest) cycles--;
          this.overlap = OVERLAP_LOAD;
          this.loadDest = insn.t;
          this.loadBlock = cpu.dataAddress >>> 24;
          this.wbackBase = NONE;
        }
        break;
      case BRANCH:
        // TRM Table 3-1: B/BL/BX/BLX 1+P; B<c>/CBZ/CBNZ not taken 1 (note c). An EXC_RETURN's
        // refill is part of the 10-cycle return (TRM §3.9.1).
        if (cpu.branched) {
          if (!excReturn) cycles += this.refill(cpu);
          cause = C_BRANCH;
        }
        break;
      case TBB:
        // TRM §3.3.2 rule 5: TBB/TBH = 2 (load) + 1 (add) + 3 (reload).
        cycles = 3 + LOADED_PC_REFILL + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        cause = C_BRANCH;
        break;
      case IT:
        // TRM Table 3-1 note d, SIL §8.8: folded (0) after a 16-bit instruction, else 1.
        if (prev16 && this.foldIt) cycles = 0;
        break;
      case SYS:
        // SIL §8.10: MSR CONTROL (SYSm 20) = 2; MRS/MSR of other registers and CPS = 1.
        if (insn.n >= 0 && insn.imm === 20) cycles = 2;
        break;
      case BARRIER:
        // TRM Table 3-1: 1+B; B = 0 for DSB/DMB, a full pipeline refill for ISB.
        if (insn.mnemonic === 'ISB') cycles = 1 + LOADED_PC_REFILL;
        break;
      case WAIT: case TRAP:
        // WFI/WFE: 1 + W, W counted by the run loop as sleep; SVC/BKPT: 1 + exception entry.
        break;
      default:
        cycles = this.fpCost(cpu, insn, cls, fpDest, now);
        cause = C_FPU;
        if (cls === FP_LD || cls === FP_ST || cls === FP_LDM || cls === FP_STM) {
          cause = C_LSU;
          if (addressWaits(insn.n, insn.m, aluDest, aluDest2)) cycles++;
          if ((cls === FP_LD || cls === FP_LDM) && this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        }
    }
    return this.account(cpu, cycles, cause, fetch, data);
  }

  /** FPU instructions (TRM Table 7-1 and its notes). */
  private fpCost(cpu: Cpu, insn: Insn, cls: number, fpDest: number, now: number): number {
    let cycles = 1;
    let reads1 = NONE, reads2 = NONE;
    switch (cls) {
      case FP_ALU: case FP_DIV: case FP_SQRT:
        reads1 = insn.n; reads2 = insn.m;
        break;
      case FP_MAC:
        // "Fused and chained MACs consume their addend one cycle later": d is not an early read.
        cycles = 3;
        reads1 = insn.n; reads2 = insn.m;
        break;
      case FP_CVT: case FP_MOV:
        reads1 = insn.m;
        break;
      case FP_CMP:
        reads1 = insn.d; reads2 = insn.m;
        break;
      case FP_MOV_CORE:
        // SIL §8.4: one core register <-> one S register = 1; two registers = 2 (TRM: 2 for both).
        if (insn.n >= 0) { if (insn.op === 1) reads1 = insn.n; } else {
          cycles = 2;
          if (insn.op === 1) { reads1 = insn.m; reads2 = insn.m + 1; }
        }
        break;
      case FP_LD:
        cycles = insn.op === 1 ? 3 : 2;
        break;
      case FP_ST:
        cycles = insn.op === 1 ? 3 : 2;
        reads1 = insn.d;
        break;
      case FP_LDM: case FP_STM:
        // TRM Table 7-1: 1+N, N in words (imm8 counts words).
        cycles = 1 + (insn.imm >>> 0);
        if (cls === FP_STM && fpDest !== NONE && fpDest >= insn.d && fpDest < insn.d + insn.imm) reads1 = fpDest;
        break;
    }
    let stall = 0;
    // "Arithmetic and conversions take one cycle longer if their result is consumed by the following instruction."
    if (fpDest !== NONE && (reads1 === fpDest || reads2 === fpDest)) stall = 1;
    // VDIV/VSQRT complete out of order; the next FP instruction waits for the FPU, a reader for the result.
    if (now < this.fpLongReady) {
      const ready = reads1 === this.fpLongDest || reads2 === this.fpLongDest ? this.fpLongReady : this.fpBusyUntil;
      if (ready - now > stall) stall = ready - now;
    }
    if (cls === FP_DIV || cls === FP_SQRT) {
      const start = now + stall;
      this.fpBusyUntil = start + FP_LONG_BUSY;
      this.fpLongReady = start + FP_LONG_LATENCY;
      this.fpLongDest = insn.d;
    } else if (cls === FP_ALU || cls === FP_MAC || cls === FP_CVT) {
      this.fpDest = insn.d;
    } else if (cls === FP_LD && insn.op === 0) {
      // VLDR.32 is a single load: it overlaps a following load/store like LDR (TRM §3.3.2, assumed).
      this.overlap = OVERLAP_LOAD;
      this.loadDest = NONE;
      this.loadBlock = cpu.dataAddress >>> 24;
      this.wbackBase = NONE;
    }
    return cycles + stall;
  }

  /** P for a branch to a register or immediate target: SIL §8.1, 2 for a 32-bit target on an odd halfword. */
  private refill(cpu: Cpu): number {
    this.unalignedRun = 0;
    const target = cpu.nextPC;
    return (target & 2) !== 0 && cpu.startsWide(target) ? 2 : 1;
  }

  private account(cpu: Cpu, cycles: number, cause: number, fetch: number, data: number): number {
    if (cycles === 1 && fetch === 0 && data === 0) return 1;
    const total = cycles + fetch + data;
    const s = cpu.stalls;
    if (cycles === 0) s.fold++;
    else if (cycles > 1) {
      const extra = cycles - 1;
      if (cause === C_LSU) s.lsu += extra; else s.cpi += extra;
      this.stallCycles[cause] += extra;
    }
    if (fetch !== 0) { s.cpi += fetch; this.stallCycles[C_FLASH] += fetch; }
    if (data !== 0) { s.lsu += data; this.stallCycles[C_FLASH] += data; }
    return total;
  }
}

/** TRM §3.3.2 rule 3: an address register written by the data-processing instruction just before. */
function addressWaits(n: number, m: number, aluDest: number, aluDest2: number): boolean {
  if (aluDest === NONE) return false;
  return n === aluDest || m === aluDest || (aluDest2 !== NONE && (n === aluDest2 || m === aluDest2));
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
