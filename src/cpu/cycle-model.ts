/**
 * The Cortex-M4 cycle model: what one executed instruction costs, given the instruction before it,
 * the data it touched and the memory it came from. Every rule is written down, with its source (the
 * Cortex-M4 TRM DDI 0439D tables, public silicon measurements, GCC's scheduling model), in
 * isa/TIMING.md; the comments below cite its sections as §n. Memory wait states (flash, ART
 * accelerator) come from a MemoryTiming (src/mcu/flash-accelerator.ts, TIMING.md §9); boards without
 * one (mps2-an386) are zero-wait.
 *
 * Accounting (TIMING.md §2): every instruction counts 1 cycle plus extra cycles; extra cycles of
 * load/store instructions go to LSUCNT, all other extra cycles to CPICNT, exception entry/return to
 * EXCCNT, a 0-cycle instruction adds 1 to FOLDCNT.
 * Hot-path rules: no allocation; a switch on the class id and a few integer compares per instruction.
 */
import type { Cpu, CycleModel, ExceptionEvent } from './cpu.js';
import type { Insn } from './insn.js';
import { T } from './timing-classes.js';
import { divideCycles } from './timing/divide.js';
import { FpuTiming, NO_REGISTER } from './timing/fpu.js';
import { ACCESS_HALF, ACCESS_SHALF, ACCESS_WORD } from './handlers/load-store/single.js';

const {
  alu: ALU, mul: MUL, mull: MULL, sdiv: SDIV, udiv: UDIV, sat: SAT, dsp: DSP, ld: LD, st: ST, ldrd: LDRD, strd: STRD,
  ldm: LDM, stm: STM, excl: EXCL, branch: BRANCH, condBranch: COND_BRANCH, tbb: TBB, it: IT, sys: SYS,
  msrControl: MSR_CONTROL, barrier: BARRIER, isb: ISB, nop: NOP, hint: HINT, wait: WAIT, trap: TRAP,
  fpAlu: FP_ALU, fpMac: FP_MAC, fpCvt: FP_CVT, fpLd: FP_LD, fpSt: FP_ST, fpLdm: FP_LDM, fpStm: FP_STM,
} = T;

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
export const C_FLASH = 0, C_BRANCH = 1, C_LSU = 2, C_MULDIV = 3, C_FPU = 4, C_EXC = 5, C_OTHER = 6;

/** TIMING.md §8: entry 12, return 10, tail-chain 6; with an FP frame stacked/restored 29 and 27. */
export const EXCEPTION_CYCLES: Record<ExceptionEvent, number> = {
  entry: 12,
  entryFp: 29,
  return: 10,
  returnFp: 27,
  tailChain: 6,
  // TIMING.md §8: 29 - 12 = 17 cycles to write S0-S15, FPSCR (and the reserved word).
  lazyFpSave: 17,
};

/** "No register" in the hazard slots. */
export const NONE = NO_REGISTER;
/** The previous instruction leaves a cycle the next one may overlap (TIMING.md §4). */
export const OVERLAP_NONE = 0;
export const OVERLAP_LOAD = 1;
export const OVERLAP_STORE_REG = 2;
/** A PC loaded from memory cannot be speculated: a full refill of 3 (TIMING.md §4.9). */
const LOADED_PC_REFILL = 3;

export class M4CycleModel implements CycleModel {
  /** Extra cycles by cause, indexed like STALL_CAUSES. */
  readonly stallCycles = new Float64Array(STALL_CAUSES.length);
  /** ACTLR.DISFOLD (TRM §4.3.1) clear: IT folds onto a preceding 16-bit instruction. */
  foldIt = true;

  // What the instruction just costed leaves for the next one (each cost method reads what it needs,
  // then begin() clears it). Public for translated blocks only: src/cpu/block-cost.ts applies these
  // rules at translation time and writes the state a run of instructions leaves (PIPELINE_FIELDS).
  overlap = OVERLAP_NONE;
  loadDest = NONE;
  loadBlock = -1;
  wbackBase = NONE;
  storeImmPrev = false;
  /** The base a pre/post-indexed store wrote back (TIMING.md §4.5). */
  storeWbBase = NONE;
  aluDest = NONE;
  aluDest2 = NONE;
  fpDest = NONE;
  prev16 = false;
  /** 16-bit instructions since the last refill, up to 2: how far fetch ran ahead (TIMING.md §5.3). */
  fetchLead = 0;
  exceptionReturned = false;
  private readonly fpu = new FpuTiming();
  /** The fetch line of the last instruction (with a MemoryTiming; see fetchStall). */
  line = -1;
  /** Consecutive 32-bit instructions on an odd halfword (TIMING.md §5.2). */
  unalignedRun = 0;
  readonly lineShift: number;

  constructor(readonly memory: MemoryTiming | null = null) {
    this.lineShift = memory ? memory.lineShift : 31;
  }

  /** Forget the pipeline state (reset, exception entry/return). */
  flushPipeline(): void {
    this.overlap = OVERLAP_NONE;
    this.loadDest = this.wbackBase = this.storeWbBase = this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.loadBlock = -1;
    this.storeImmPrev = false;
    this.prev16 = false;
    this.fetchLead = 0;
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
   * The one preamble of every cost method: the fetch stalls of the `size`-byte instruction at `pc`,
   * then the state the previous instruction left is cleared (each method first reads what it needs
   * into locals, and afterwards sets only what its own instruction leaves behind).
   */
  private begin(cpu: Cpu, pc: number, size: number, sameLine: boolean): number {
    const fetch = this.fetchStall(cpu, pc, size, sameLine);
    this.overlap = OVERLAP_NONE;
    this.storeImmPrev = false;
    this.storeWbBase = NONE;
    this.aluDest = this.aluDest2 = this.fpDest = NONE;
    this.prev16 = size === 2;
    if (size === 2 && this.fetchLead < 2) this.fetchLead++;
    this.exceptionReturned = false;
    return fetch;
  }

  /**
   * Instruction fetch stalls of the `size`-byte instruction at `pc`: one compare per instruction
   * (the memory model runs on a line change only), plus the unaligned 32-bit run rule (TIMING.md §5.2).
   * `sameLine`: the instruction that just retired ended in this instruction's fetch line (known when
   * a block is translated: fetchLineOf), so the line has not changed and the compare is skipped.
   */
  private fetchStall(cpu: Cpu, pc: number, size: number, sameLine: boolean): number {
    let fetch = 0;
    if (this.memory !== null && !sameLine) {
      const line = this.fetchLineOf(pc, size);
      if (line !== this.line) {
        this.line = line;
        fetch = this.memory.fetchLine(pc, cpu.cycles);
      }
    }
    // TIMING.md §5.2: a third consecutive 32-bit instruction on an odd halfword starves the fetch queue.
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

  /** The fetch line an instruction is counted in: the line of its last halfword. */
  fetchLineOf(pc: number, size: number): number {
    return (pc + size - 2) >>> this.lineShift;
  }

  /**
   * For translated blocks (src/cpu/block-compiler.ts): the source of a call that returns what
   * cost(cpu, insn, passed) returns for `insn` at `pc`, with the decoded fields the rule needs as
   * literal arguments, so V8 inlines a small class method and folds the constants (blocks do not
   * store cpu.pc before instructions that cannot fault, so the address is an argument too).
   * Undefined: the block calls cost(). Only the branch method handles a PC write.
   */
  blockCostCall(insn: Insn, pc: number, passed: string, previous?: { pc: number; size: number }): string | undefined {
    const cls = insn.timing;
    const size = insn.size;
    const sameLine = previous !== undefined && this.fetchLineOf(previous.pc, previous.size) === this.fetchLineOf(pc, size);
    if (cls === ALU || cls === SAT || cls === DSP || cls === MUL || cls === MULL) {
      if (insn.d === 15) return undefined;
      return `model.costAlu(cpu, ${pc}, ${size}, ${sameLine}, ${aluDestA(insn)}, ${aluDestB(insn)})`;
    }
    if (cls === LD) {
      if (insn.t === 15) return undefined;
      return `model.costLoad(cpu, ${pc}, ${size}, ${sameLine}, ${insn.t}, ${insn.n}, ${insn.m}, ${insn.access}, ${writebackBase(insn)})`;
    }
    if (cls === ST) return `model.costStore(cpu, ${pc}, ${size}, ${sameLine}, ${insn.n}, ${insn.m}, ${writebackBase(insn)})`;
    if (cls === BRANCH || cls === COND_BRANCH) return `model.costBranch(cpu, ${pc}, ${size}, ${sameLine}, ${passed}, ${cls === COND_BRANCH})`;
    return undefined;
  }

  /** cost() of a branch-class instruction (B, BL, BX, BLX; `conditional`: B<c>, CBZ, CBNZ), taken or not. */
  costBranch(cpu: Cpu, pc: number, size: number, sameLine: boolean, passed: boolean, conditional: boolean): number {
    const excReturn = this.exceptionReturned, lead = this.fetchLead;
    const fetch = this.begin(cpu, pc, size, sameLine);
    if (!passed || !cpu.branched) return this.notTaken(cpu, conditional, lead, fetch);
    // TIMING.md §5.1: 1+P when taken; an EXC_RETURN's refill is part of the 10-cycle return (§8).
    return this.account(cpu, excReturn ? 1 : 1 + this.refill(cpu), C_BRANCH, fetch, 0);
  }

  /**
   * A failed condition costs 1 (TIMING.md §2); a conditional branch not taken after 32-bit code costs
   * one fetch cycle more (TIMING.md §5.3).
   */
  private notTaken(cpu: Cpu, conditionalBranch: boolean, fetchLead: number, fetch: number): number {
    if (conditionalBranch && fetchLead < 2) return this.account(cpu, 2, C_BRANCH, fetch, 0);
    return fetch === 0 ? 1 : this.account(cpu, 1, C_OTHER, fetch, 0);
  }

  /** cost() of an executed ALU/SAT/DSP/MUL/MULL instruction that did not write the PC (dA, dB: its destinations). */
  costAlu(cpu: Cpu, pc: number, size: number, sameLine: boolean, dA: number, dB: number): number {
    const fetch = this.begin(cpu, pc, size, sameLine);
    this.aluDest = dA;
    this.aluDest2 = dB;
    return fetch === 0 ? 1 : this.account(cpu, 1, C_OTHER, fetch, 0);
  }

  /** cost() of an executed load (LD class) whose destination t is not the PC; wb = the base when it writes back. */
  costLoad(cpu: Cpu, pc: number, size: number, sameLine: boolean, t: number, n: number, m: number, access: number, wb: number): number {
    const overlap = this.overlap, storeImm = this.storeImmPrev, aluDest = this.aluDest, aluDest2 = this.aluDest2;
    const fetch = this.begin(cpu, pc, size, sameLine);
    const cycles = this.loadCycles(cpu, n, m, access, overlap, storeImm, aluDest, aluDest2);
    this.overlap = OVERLAP_LOAD;
    this.loadDest = t;
    this.loadBlock = cpu.dataAddress >>> 24;
    this.wbackBase = wb;
    const data = this.memory !== null && cpu.dataAddress < 0x20000000 ? this.memory.dataRead(cpu.dataAddress, cpu.cycles) : 0;
    return this.account(cpu, cycles, C_LSU, fetch, data);
  }

  /** cost() of an executed store (ST class) with base n, offset register m (-1: immediate), wb = n when it writes back. */
  costStore(cpu: Cpu, pc: number, size: number, sameLine: boolean, n: number, m: number, wb: number): number {
    const overlap = this.overlap, storeWbBase = this.storeWbBase, aluDest = this.aluDest, aluDest2 = this.aluDest2;
    const fetch = this.begin(cpu, pc, size, sameLine);
    return this.account(cpu, this.storeCycles(cpu, n, m, wb, overlap, storeWbBase, aluDest, aluDest2), C_LSU, fetch, 0);
  }

  /** LD-class cycles (TIMING.md §4.1, §4.2, §4.3, §4.7), from the state the previous instruction left. */
  private loadCycles(cpu: Cpu, n: number, m: number, access: number, overlap: number, storeImm: boolean, aluDest: number, aluDest2: number): number {
    let cycles = 2;
    if (addressWaits(n, m, aluDest, aluDest2)) cycles++;
    const addr = cpu.dataAddress;
    // §4.1: the load overlaps the load before unless its address needs that load's result, it uses a
    // base that load wrote back, or they hit different memories.
    if (overlap === OVERLAP_LOAD && n !== this.loadDest && m !== this.loadDest && n !== this.wbackBase && (addr >>> 24) === this.loadBlock) cycles--;
    // §4.2: a load straight after STR Rx,[Ry,#imm] makes that store take its second cycle.
    if (storeImm) cycles++;
    // §4.7: an unaligned word costs +1 (halfword aligned) or +2; an odd halfword +1.
    if ((addr & 3) !== 0) {
      if (access === ACCESS_WORD) cycles += (addr & 1) !== 0 ? 2 : 1;
      else if ((access === ACCESS_HALF || access === ACCESS_SHALF) && (addr & 1) !== 0) cycles++;
    }
    return cycles;
  }

  /** ST-class cycles (TIMING.md §4.1-§4.5); sets the store's own overlap state. */
  private storeCycles(cpu: Cpu, n: number, m: number, wb: number, overlap: number, storeWbBase: number, aluDest: number, aluDest2: number): number {
    let cycles = 1;
    if (m >= 0) {
      // §4.4: register offset = 2, and only a NOP can take its second cycle.
      cycles = 2;
      this.overlap = OVERLAP_STORE_REG;
    } else {
      // §4.2: STR Rx,[Ry,#imm] is one cycle (the data phase overlaps the next one).
      this.storeImmPrev = true;
    }
    if (addressWaits(n, m, aluDest, aluDest2)) cycles++;
    // §4.1: a store after a load takes that load's second cycle.
    if (overlap === OVERLAP_LOAD && n !== this.loadDest && m !== this.loadDest && n !== this.wbackBase && (cpu.dataAddress >>> 24) === this.loadBlock) cycles--;
    // §4.5: right after a pre/post-indexed store that wrote back this store's base, no chaining.
    if (n === storeWbBase) cycles++;
    this.storeWbBase = wb;
    return cycles;
  }

  /** A PC loaded from memory (LDR/LDM/POP PC, TBB/TBH) or an ISB: a full refill (TIMING.md §4.9). */
  private fullRefill(): number {
    this.fetchLead = 0;
    this.unalignedRun = 0;
    return LOADED_PC_REFILL;
  }

  /**
   * What `insn` (at cpu.pc, just executed) costs. The frequent cases go to the class methods the
   * translated blocks call (each equal to costAny's case; test/sim/block-translation*.test.ts
   * compares them through the blocks): small methods V8 optimises early and separately, where one
   * large switch ran unoptimised for a long part of a short run and deoptimised whenever a class was
   * first seen.
   */
  cost(cpu: Cpu, insn: Insn, passed: boolean): number {
    const cls = insn.timing;
    if (passed) {
      if ((cls === ALU || cls === MUL || cls === MULL || cls === SAT || cls === DSP) && !cpu.branched) {
        return this.costAlu(cpu, cpu.pc, insn.size, false, aluDestA(insn), aluDestB(insn));
      }
      if (cls === LD && insn.t !== 15) return this.costLoad(cpu, cpu.pc, insn.size, false, insn.t, insn.n, insn.m, insn.access, writebackBase(insn));
      if (cls === ST) return this.costStore(cpu, cpu.pc, insn.size, false, insn.n, insn.m, writebackBase(insn));
    }
    if (cls === BRANCH || cls === COND_BRANCH) return this.costBranch(cpu, cpu.pc, insn.size, false, passed, cls === COND_BRANCH);
    return this.costAny(cpu, insn, passed);
  }

  /** cost() of any instruction, by the rules of every class. */
  costAny(cpu: Cpu, insn: Insn, passed: boolean): number {
    const now = cpu.cycles;
    const cls = insn.timing;
    const overlap = this.overlap, storeImm = this.storeImmPrev, storeWbBase = this.storeWbBase, aluDest = this.aluDest;
    const aluDest2 = this.aluDest2, fpDest = this.fpDest, prev16 = this.prev16, lead = this.fetchLead;
    const excReturn = this.exceptionReturned;
    const fetch = this.begin(cpu, cpu.pc, insn.size, false);
    // A failed condition (IT block, B<c> not taken) costs 1, or 2 for a branch after 32-bit code.
    if (!passed) return this.notTaken(cpu, cls === COND_BRANCH, lead, fetch);
    let cycles = 1;
    let cause = C_OTHER;
    let data = 0;
    switch (cls) {
      case ALU: case SAT: case DSP: case MUL: case MULL:
        // TIMING.md §3: 1 cycle; MOV PC / ADD PC = 1+P.
        this.aluDest = aluDestA(insn);
        this.aluDest2 = aluDestB(insn);
        if (cpu.branched) {
          cycles += this.refill(cpu);
          cause = C_BRANCH;
        } else if (cls === MUL || cls === MULL) cause = C_MULDIV;
        break;
      case SDIV: case UDIV:
        // TIMING.md §6: by the operands the handler recorded.
        cycles = divideCycles(cpu.operandA, cpu.operandB, cls === SDIV);
        cause = C_MULDIV;
        this.aluDest = insn.d;
        break;
      case LD: {
        cause = C_LSU;
        cycles = this.loadCycles(cpu, insn.n, insn.m, insn.access, overlap, storeImm, aluDest, aluDest2);
        const addr = cpu.dataAddress;
        if (this.memory !== null && addr < 0x20000000) data = this.memory.dataRead(addr, now);
        if (insn.t === 15 && cpu.branched) {
          // §4.9: LDR PC = 2 + a full refill.
          if (!excReturn) cycles += this.fullRefill();
          cause = C_BRANCH;
        } else {
          this.overlap = OVERLAP_LOAD;
          this.loadDest = insn.t;
          this.loadBlock = addr >>> 24;
          this.wbackBase = writebackBase(insn);
        }
        break;
      }
      case ST:
        cause = C_LSU;
        cycles = this.storeCycles(cpu, insn.n, insn.m, writebackBase(insn), overlap, storeWbBase, aluDest, aluDest2);
        break;
      case NOP:
        // §4.6: a NOP after a load or a register-offset store runs in that instruction's shadow.
        if (overlap !== OVERLAP_NONE) cycles = 0;
        break;
      case LDRD: case STRD:
        // §3, §4.9: 1+N = 3, no overlap with neighbours.
        cause = C_LSU;
        cycles = 3 + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (cls === LDRD && this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        break;
      case LDM: case STM: {
        // §3, §4.9: 1+N, LDM/POP with PC 1+N+3; no overlap with neighbours.
        cause = C_LSU;
        cycles = 1 + bitCount(insn.list) + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (cls === LDM && this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        if (cpu.branched && !excReturn) {
          cycles += this.fullRefill();
          cause = C_BRANCH;
        }
        break;
      }
      case EXCL:
        // §4.8: LDREX pipelines like LDR; STREX (it has a status register d) = 2.
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
      case BRANCH: case COND_BRANCH:
        // §5.1: taken 1+P; a conditional branch not taken 1 (§5.3: 2 after 32-bit code). An
        // EXC_RETURN's refill is part of the 10-cycle return (§8).
        if (!cpu.branched) return this.notTaken(cpu, cls === COND_BRANCH, lead, fetch);
        if (!excReturn) cycles += this.refill(cpu);
        cause = C_BRANCH;
        break;
      case TBB:
        // §4.9: TBB/TBH = 2 (load) + 1 (add) + 3 (reload).
        cycles = 3 + this.fullRefill() + (addressWaits(insn.n, insn.m, aluDest, aluDest2) ? 1 : 0);
        if (this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        cause = C_BRANCH;
        break;
      case IT:
        // §5.4: folded (0) after a 16-bit instruction, else 1.
        if (prev16 && this.foldIt) cycles = 0;
        break;
      case MSR_CONTROL:
        // §3: MSR CONTROL = 2.
        cycles = 2;
        break;
      case ISB:
        // §3: 1 + a full refill.
        cycles = 1 + this.fullRefill();
        break;
      case SYS: case BARRIER: case HINT: case WAIT: case TRAP:
        // §3: 1 (WFI/WFE sleep counted by the run loop; SVC/BKPT's exception entry by exceptionEvent).
        break;
      default:
        cycles = this.fpu.cost(insn, cls, fpDest, now);
        if (cls === FP_ALU || cls === FP_MAC || cls === FP_CVT) this.fpDest = insn.d;
        else if (cls === FP_LD && insn.double === 0) {
          // §4.10: VLDR.32 is a single load: it overlaps a following load/store like LDR (assumed).
          this.overlap = OVERLAP_LOAD;
          this.loadDest = NONE;
          this.loadBlock = cpu.dataAddress >>> 24;
          this.wbackBase = NONE;
        }
        cause = C_FPU;
        if (cls === FP_LD || cls === FP_ST || cls === FP_LDM || cls === FP_STM) {
          cause = C_LSU;
          if (addressWaits(insn.n, insn.m, aluDest, aluDest2)) cycles++;
          if ((cls === FP_LD || cls === FP_LDM) && this.memory !== null && cpu.dataAddress < 0x20000000) data = this.memory.dataRead(cpu.dataAddress, now);
        }
    }
    return this.account(cpu, cycles, cause, fetch, data);
  }

  /** P for a branch to a register or immediate target (TIMING.md §5.1): 2 for a 32-bit target on an odd halfword. */
  private refill(cpu: Cpu): number {
    this.unalignedRun = 0;
    this.fetchLead = 0;
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

/**
 * The registers an instruction leaves for the next one's hazards (TIMING.md §4.3, §4.5): one
 * derivation for cost(), its class methods' arguments, blockCostCall() and block-cost.ts.
 */
export function aluDestA(insn: Insn): number { return insn.d >= 0 ? insn.d : insn.dLo >= 0 ? insn.dLo : NONE; }
export function aluDestB(insn: Insn): number { return insn.dHi >= 0 ? insn.dHi : NONE; }
export function writebackBase(insn: Insn): number { return insn.wback ? insn.n : NONE; }

/** TIMING.md §4.3: an address register written by the data-processing instruction just before. */
export function addressWaits(n: number, m: number, aluDest: number, aluDest2: number): boolean {
  if (aluDest === NONE) return false;
  return n === aluDest || m === aluDest || (aluDest2 !== NONE && (n === aluDest2 || m === aluDest2));
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
