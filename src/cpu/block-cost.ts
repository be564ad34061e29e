/**
 * Static cycle costing for translated blocks (src/cpu/block-compiler.ts; issue 15: "cycle costs
 * summed statically per block where the model allows"). Inside a block the instruction before each
 * one is known, so most of what the cycle model (src/cpu/cycle-model.ts, isa/TIMING.md) decides per
 * instruction is decided here once, at translation time: which hazards apply (§4.1-§4.5: register
 * numbers are constants), whether the fetch line changes (§9), the 32-bit fetch-run rule (§5.2),
 * a taken branch's refill (§5.1: the target is a constant). What stays dynamic is what depends on
 * run-time values: the data address of a load or store (which memory, alignment), the flash/ART
 * answers (they depend on the cycle count), whether a conditional branch is taken.
 *
 * The generated code keeps the exact counts without calling the model: static cycles, instruction
 * counts and stall cycles accumulate in this planner (`pending`) and are added to the Cpu in one go
 * at the points where someone may look at them: before an instruction that may fault or reach a
 * device (a memory access: DWT reads the counters, a fault's exception entry reads the cycles),
 * before an instruction still costed by the model, and on every way out of the block. The model's
 * pipeline state (what one instruction leaves for the next) is tracked here as constants and
 * written back at those same points, so the model, the interpreter and DWT never see a difference:
 * test/sim/block-translation*.test.ts compare every count with the interpreter's.
 *
 * Instructions this planner does not cost (any class but ALU/SAT/DSP/MUL/MULL, LD, ST and the
 * block-ending B/B<c>/CBZ/CBNZ; a load or store right after one of those, whose hazards depend on
 * state the model holds) keep the model's own cost call, with the state written back before it.
 */
import type { Insn } from './insn.js';
import { T } from './timing-classes.js';
import { ACCESS_HALF, ACCESS_SHALF, ACCESS_WORD } from './handlers/load-store/single.js';
import {
  type M4CycleModel, addressWaits, aluDestA, aluDestB, writebackBase, C_BRANCH, C_FLASH, C_LSU, C_OTHER, NONE, OVERLAP_LOAD, OVERLAP_NONE, OVERLAP_STORE_REG,
  STALL_CAUSES,
} from './cycle-model.js';
import type { Cpu } from './cpu.js';

/**
 * A fetch-run counter of the model as of some point in the block: `model` true means the model's
 * field (as it was written last) plus `add`, else the constant `base + add`. fetchLead saturates at 2
 * (min(2, value)); unalignedRun does not.
 */
interface RunCounter { model: boolean; base: number; add: number }

/** The model's pipeline state after the instructions emitted so far; undefined: the model's field holds it. */
interface Pipeline {
  overlap?: number;
  loadDest?: number;
  /** The source of the last load's memory block (the generated function's `lb`), when a load of this block set it. */
  loadBlock?: string;
  wbackBase?: number;
  storeImmPrev?: boolean;
  storeWbBase?: number;
  aluDest?: number;
  aluDest2?: number;
  fpDest?: number;
  prev16?: boolean;
  exceptionReturned?: boolean;
  fetchLead: RunCounter;
  unalignedRun: RunCounter;
  /** The fetch line of the last instruction (models with memory timing only); undefined at block entry. */
  line?: number;
  /** Whether model.line already holds `line`. */
  lineInModel: boolean;
}

/** Counts not yet added to the Cpu and the model (the statically known part). */
interface Pending {
  cycles: number;
  instructions: number;
  cpi: number;
  lsu: number;
  fold: number;
  /** model.stallCycles, indexed like STALL_CAUSES. */
  causes: number[];
}

/** What a way out of the block adds and writes: the counts pending there and the pipeline state. */
export interface BlockExit {
  pending: Pending;
  state: Pipeline;
}

/**
 * The exits of every block, one object per distinct content: a block has an exit after nearly every
 * instruction and most are alike (the int8 detector: ~12,000 exits, ~10 MB when each had its own).
 */
const exitsByContent = new Map<string, BlockExit>();

function internedExit(pending: Pending, state: Pipeline): BlockExit {
  const key = JSON.stringify([pending, state]);
  let exit = exitsByContent.get(key);
  if (exit === undefined) exitsByContent.set(key, (exit = structuredClone({ pending, state })));
  return exit;
}

const fromModel = (): RunCounter => ({ model: true, base: 0, add: 0 });
const constant = (v: number): RunCounter => ({ model: false, base: v, add: 0 });
const noPending = (): Pending => ({ cycles: 0, instructions: 0, cpi: 0, lsu: 0, fold: 0, causes: STALL_CAUSES.map(() => 0) });

/** The model's value of a run counter `c` (fetchLead saturates at 2), as a source expression. */
function runSource(c: RunCounter, field: 'fetchLead' | 'unalignedRun'): string {
  if (field === 'fetchLead' && c.add >= 2) return '2';
  const raw = c.model ? `model.${field} + ${c.add}` : String(c.base + c.add);
  if (!c.model) return field === 'fetchLead' ? String(Math.min(2, c.base + c.add)) : raw;
  return field === 'fetchLead' ? `Math.min(2, ${raw})` : raw;
}

/** The fields written back as plain values (the run counters and the line are handled apart). */
const PLAIN_FIELDS = ['overlap', 'loadDest', 'wbackBase', 'storeImmPrev', 'storeWbBase', 'aluDest', 'aluDest2', 'fpDest', 'prev16', 'exceptionReturned'] as const;

/**
 * A way out of a block between two instructions (src/cpu/block-compiler.ts): adds what was pending,
 * writes the pipeline state, leaves cpu.pc at `next` (the next instruction) and lets a due device
 * event run, as the interpreter does after every instruction. `lb`: the block's `lb` local.
 */
export function takeExit(cpu: Cpu, model: M4CycleModel, exit: BlockExit, lb: number, next: number): void {
  addPending(cpu, model, exit.pending);
  const st = exit.state;
  for (const f of PLAIN_FIELDS) if (st[f] !== undefined) (model as unknown as Record<string, unknown>)[f] = st[f];
  if (st.loadBlock !== undefined) model.loadBlock = lb;
  model.fetchLead = runValue(st.fetchLead, model.fetchLead, true);
  model.unalignedRun = runValue(st.unalignedRun, model.unalignedRun, false);
  if (st.line !== undefined) model.line = st.line;
  cpu.pc = next;
  if (cpu.cycles >= cpu.nextEventCycle) cpu.onEvent(cpu);
}

function runValue(c: RunCounter, current: number, saturate: boolean): number {
  const v = (c.model ? current : c.base) + c.add;
  return saturate ? Math.min(2, v) : v;
}

function addPending(cpu: Cpu, model: M4CycleModel, p: Pending): void {
  cpu.cycles += p.cycles;
  cpu.instructions += p.instructions;
  cpu.stalls.cpi += p.cpi;
  cpu.stalls.lsu += p.lsu;
  cpu.stalls.fold += p.fold;
  p.causes.forEach((n, k) => { model.stallCycles[k] += n; });
}

/**
 * The planner for one block, used in instruction order by the block compiler. Names in the generated
 * source: `model` (the M4CycleModel), `MEM` (its MemoryTiming or null), `ST` (cpu.stalls), `SC`
 * (model.stallCycles), `X` (takeExit), `EXITS` (this planner's exits), `lb` (a `let` of the block).
 */
export class BlockCoster {
  private state: Pipeline = { fetchLead: fromModel(), unalignedRun: fromModel(), lineInModel: true };
  private pending: Pending = noPending();
  readonly exits: BlockExit[] = [];
  private readonly memory: boolean;

  /**
   * `observed`: an execution observer is attached (src/cpu/observer.ts): it is told of every
   * instruction as it retires, with the counts up to it added (retired()).
   */
  constructor(private readonly model: M4CycleModel, private readonly startsWide: (address: number) => boolean, private readonly observed = false) {
    this.memory = model.memory !== null;
  }

  /**
   * After a costed instruction at `at`: with an observer, the pending counts added and the
   * observer told (`obs` in the generated source), the same calls with the same counts as the
   * interpreter makes; without one, nothing.
   */
  retired(at: number): string {
    return this.observed ? `${this.flush()} obs.retired(${at}, ${at}, 1);` : '';
  }

  /** Whether the body instruction `insn` is costed here (else the block calls the model, after writeBack()). */
  coversBody(insn: Insn): boolean {
    const cls = insn.timing;
    if (cls === T.alu || cls === T.sat || cls === T.dsp || cls === T.mul || cls === T.mull) return insn.d !== 15;
    // the hazards read what the previous instruction left; after a load of this block its
    // destination and base are known too (they matter only while overlap is OVERLAP_LOAD)
    const s = this.state;
    const known = s.overlap !== undefined && s.aluDest !== undefined && s.aluDest2 !== undefined &&
      (s.overlap !== OVERLAP_LOAD || (s.loadDest !== undefined && s.wbackBase !== undefined));
    if (cls === T.ld) return insn.t !== 15 && known && s.storeImmPrev !== undefined;
    if (cls === T.st) return known && s.storeWbBase !== undefined;
    return false;
  }

  /**
   * Whether the load or store `insn` that starts a block is costed by costEntry(): its hazards
   * depend on what the instruction before the block left, known here only as a guess.
   */
  coversEntry(insn: Insn): boolean {
    return (insn.timing === T.ld && insn.t !== 15) || insn.timing === T.st;
  }

  /**
   * The cost of the load or store starting the block, source. Most blocks are entered by a branch
   * (another block's end, or this block's own loop), which leaves no hazard for the next instruction
   * (the model's begin() state: no overlap, no ALU destination, no store before); when the model
   * holds that state the cost is static, else the model's class method (`modelCall`) costs it. Both
   * ways leave the same state behind (written to the model, or known here with the same values), the
   * counts added and the fetch counters in the model.
   */
  costEntry(insn: Insn, at: number, modelCall: string): string {
    const s = this.state;
    Object.assign(s, { overlap: OVERLAP_NONE, storeImmPrev: false, storeWbBase: NONE, aluDest: NONE, aluDest2: NONE });
    const guard = `model.overlap === ${OVERLAP_NONE} && model.aluDest === ${NONE} && model.aluDest2 === ${NONE} && ` +
      `${insn.timing === T.ld ? '!model.storeImmPrev' : `model.storeWbBase === ${NONE}`}`;
    const known = [this.costBody(insn, at), this.flush()];
    if (!s.fetchLead.model || s.fetchLead.add !== 0) known.push(`model.fetchLead = ${runSource(s.fetchLead, 'fetchLead')};`);
    if (!s.unalignedRun.model || s.unalignedRun.add !== 0) known.push(`model.unalignedRun = ${runSource(s.unalignedRun, 'unalignedRun')};`);
    s.fetchLead = fromModel();
    s.unalignedRun = fromModel();
    const viaModel = `cpu.cycles += ${modelCall}; cpu.instructions++;${insn.timing === T.ld ? ' lb = model.loadBlock;' : ''}`;
    return `if (${guard}) { ${known.join(' ')} } else { ${viaModel} }`;
  }

  /**
   * Whether the block-ending branch `insn` (B, B<c>, CBZ/CBNZ written inline, target `target`) is
   * costed here: not as the block's first instruction, whose fetch state comes from anywhere.
   */
  coversFinal(insn: Insn, k: number): boolean {
    return k > 0 && (insn.timing === T.branch || insn.timing === T.condBranch);
  }

  /** Source that adds the pending counts (and the fetch line) to the Cpu and the model, and clears them. */
  flush(): string {
    const src = this.pendingSource(this.pending);
    this.pending = noPending();
    if (this.memory && this.state.line !== undefined && !this.state.lineInModel) {
      this.state.lineInModel = true;
      return `${src} model.line = ${this.state.line};`;
    }
    return src;
  }

  /** The same source as flush() without clearing anything (for a cold path that throws). */
  flushCopy(): string {
    const line = this.memory && this.state.line !== undefined && !this.state.lineInModel ? ` model.line = ${this.state.line};` : '';
    return this.pendingSource(this.pending) + line;
  }

  /** flush() plus the pipeline state written to the model: before a model cost call and at the end. */
  writeBack(): string {
    const lines = [this.flush()];
    const s = this.state;
    for (const f of PLAIN_FIELDS) if (s[f] !== undefined) lines.push(`model.${f} = ${String(s[f])};`);
    if (s.loadBlock !== undefined) lines.push(`model.loadBlock = ${s.loadBlock};`);
    if (s.fetchLead.model ? s.fetchLead.add !== 0 : true) lines.push(`model.fetchLead = ${runSource(s.fetchLead, 'fetchLead')};`);
    if (s.unalignedRun.model ? s.unalignedRun.add !== 0 : true) lines.push(`model.unalignedRun = ${runSource(s.unalignedRun, 'unalignedRun')};`);
    this.state = { fetchLead: fromModel(), unalignedRun: fromModel(), line: s.line, lineInModel: true };
    return lines.filter((l) => l !== '').join(' ');
  }

  /** After an instruction the model costed (at `pc`, `size` bytes): the model holds all of its state. */
  afterModelCost(pc: number, size: number): void {
    this.state = { fetchLead: fromModel(), unalignedRun: fromModel(), line: this.memory ? this.model.fetchLineOf(pc, size) : undefined, lineInModel: true };
  }

  /**
   * The check after a costed instruction, before `next`: the cycle count as it stands (the Cpu's
   * plus what is pending) against `stop`, and `attention` (a source condition) when given; the way
   * out adds the pending counts and writes the state (takeExit).
   */
  exitCheck(next: number, attention?: string): string {
    const exit = internedExit(this.pending, this.state);
    let index = this.exits.indexOf(exit);
    if (index < 0) index = this.exits.push(exit) - 1;
    const cycles = this.pending.cycles === 0 ? 'cpu.cycles' : `cpu.cycles + ${this.pending.cycles}`;
    const cond = attention === undefined ? `${cycles} >= stop` : `${cycles} >= stop || ${attention}`;
    return `if (${cond}) { X(cpu, model, EXITS[${index}], lb, ${next}); return; }`;
  }

  /** The cost of body instruction `insn` at `at` (coversBody), as source run after its semantics. */
  costBody(insn: Insn, at: number): string {
    const s = this.state;
    // what the previous instruction left, read before begin() clears it
    const { overlap, loadDest, wbackBase, storeImmPrev, storeWbBase, aluDest, aluDest2 } = s;
    const loadBlock = s.loadBlock ?? 'model.loadBlock';
    const now = this.pending.cycles === 0 ? 'cpu.cycles' : `cpu.cycles + ${this.pending.cycles}`;
    const pre: string[] = [];
    const post: string[] = [];
    this.begin(at, insn.size, now, pre, post);
    const p = this.pending;
    p.instructions++;
    const cls = insn.timing;
    if (cls === T.ld) {
      // TIMING.md §4.1-§4.3, §4.7 as costLoad/loadCycles: the static part assumes no overlap
      const base = 2 + (addressWaits(insn.n, insn.m, aluDest!, aluDest2!) ? 1 : 0) + (storeImmPrev ? 1 : 0);
      this.addStall(base, C_LSU);
      pre.unshift('const a = cpu.dataAddress;');
      if (overlap === OVERLAP_LOAD && insn.n !== loadDest && insn.m !== loadDest && insn.n !== wbackBase) {
        post.push(`if ((a >>> 24) === ${loadBlock}) { cpu.cycles--; ST.lsu--; SC[${C_LSU}]--; }`);
      }
      if (insn.access === ACCESS_WORD) post.push(`if ((a & 3) !== 0) { const u = (a & 1) !== 0 ? 2 : 1; cpu.cycles += u; ST.lsu += u; SC[${C_LSU}] += u; }`);
      else if (insn.access === ACCESS_HALF || insn.access === ACCESS_SHALF) post.push(`if ((a & 1) !== 0) { cpu.cycles++; ST.lsu++; SC[${C_LSU}]++; }`);
      if (this.memory) {
        pre.push(`const w = a < 0x20000000 ? MEM.dataRead(a, ${now}) : 0;`);
        post.push(`if (w !== 0) { cpu.cycles += w; ST.lsu += w; SC[${C_FLASH}] += w; }`);
      }
      s.overlap = OVERLAP_LOAD;
      s.loadDest = insn.t;
      s.loadBlock = 'lb';
      s.wbackBase = writebackBase(insn);
      post.push('lb = a >>> 24;');
    } else if (cls === T.st) {
      // TIMING.md §4.1-§4.5 as costStore/storeCycles
      const base = (insn.m >= 0 ? 2 : 1) + (addressWaits(insn.n, insn.m, aluDest!, aluDest2!) ? 1 : 0) + (insn.n === storeWbBase ? 1 : 0);
      this.addStall(base, C_LSU);
      if (overlap === OVERLAP_LOAD && insn.n !== loadDest && insn.m !== loadDest && insn.n !== wbackBase) {
        // the overlap takes one cycle off: out of the LSU stalls, or to a folded (0-cycle) store
        post.push(`if ((cpu.dataAddress >>> 24) === ${loadBlock}) { cpu.cycles--; ${base >= 2 ? `ST.lsu--; SC[${C_LSU}]--;` : 'ST.fold++;'} }`);
      }
      if (insn.m >= 0) s.overlap = OVERLAP_STORE_REG;
      else s.storeImmPrev = true;
      s.storeWbBase = writebackBase(insn);
    } else {
      // TIMING.md §3: 1 cycle, and the destinations for §4.3
      p.cycles += 1;
      s.aluDest = aluDestA(insn);
      s.aluDest2 = aluDestB(insn);
    }
    return pre.length + post.length === 0 ? '' : `{ ${[...pre, ...post].join(' ')} }`;
  }

  /**
   * The cost of IT at `at` (its handler only sets ITSTATE): TIMING.md §5.4, folded (0 cycles) after a
   * 16-bit instruction unless ACTLR.DISFOLD (model.foldIt, read at run time), else 1.
   */
  costIt(at: number, size: number): string {
    const prev16 = this.state.prev16;
    const now = this.pending.cycles === 0 ? 'cpu.cycles' : `cpu.cycles + ${this.pending.cycles}`;
    const pre: string[] = [];
    const post: string[] = [];
    this.begin(at, size, now, pre, post);
    this.pending.instructions++;
    if (prev16 === false) this.pending.cycles++;
    else post.push(`if (${prev16 === undefined ? 'model.prev16' : 'true'} && model.foldIt) ST.fold++; else cpu.cycles++;`);
    return `{ ${[...pre, ...post].join(' ')} }`;
  }

  /**
   * The cost of the block-ending branch at `at` to the constant `target` (coversFinal), run after its
   * semantics have set cpu.branched, then everything written back (the block returns or loops next).
   */
  costFinal(insn: Insn, at: number, target: number): string {
    const leadBefore = { ...this.state.fetchLead };
    const now = this.pending.cycles === 0 ? 'cpu.cycles' : `cpu.cycles + ${this.pending.cycles}`;
    const pre: string[] = [];
    const post: string[] = [];
    this.begin(at, insn.size, now, pre, post);
    this.pending.instructions++;
    this.pending.cycles += 1;
    // TIMING.md §5.1: taken 1+P (P = 2 for a 32-bit target on an odd halfword); §5.3: a conditional
    // branch not taken costs 2 while fetch has not run two 16-bit instructions ahead
    const refill = (target & 2) !== 0 && this.startsWide(target) ? 2 : 1;
    let notTaken = '';
    if (insn.timing === T.condBranch) {
      // the lead before this branch, read before the write-back below replaces the model's
      const slow = `cpu.cycles++; ST.cpi++; SC[${C_BRANCH}]++;`;
      if (!leadBefore.model) notTaken = Math.min(2, leadBefore.base + leadBefore.add) < 2 ? slow : '';
      else {
        pre.push(`const leadShort = model.fetchLead + ${leadBefore.add} < 2;`);
        notTaken = `if (leadShort) { ${slow} }`;
      }
    }
    const lines = [...pre, ...post, this.writeBack()];
    lines.push(`if (cpu.branched) { cpu.cycles += ${refill}; ST.cpi += ${refill}; SC[${C_BRANCH}] += ${refill}; model.fetchLead = 0; model.unalignedRun = 0; }` +
      (notTaken === '' ? '' : ` else { ${notTaken} }`));
    return `{ ${lines.join(' ')} }`;
  }

  /**
   * begin() of the cycle model for the `size`-byte instruction at `pc`: the fetch stalls (a line
   * change asks MEM at cycle `now`, in `pre`; the counts go to `post`, after any data read of the
   * same instruction, which is asked at the same cycle) and the state every instruction resets.
   */
  private begin(pc: number, size: number, now: string, pre: string[], post: string[]): void {
    const s = this.state;
    if (this.memory) {
      const line = this.model.fetchLineOf(pc, size);
      if (s.line === undefined) {
        pre.push(`let f = 0; if (model.line !== ${line}) { model.line = ${line}; f = MEM.fetchLine(${pc}, ${now}); }`);
        post.push(`if (f !== 0) { cpu.cycles += f; ST.cpi += f; SC[${C_FLASH}] += f; }`);
        s.lineInModel = true;
      } else if (s.line !== line) {
        pre.push(`const f = MEM.fetchLine(${pc}, ${now});`);
        post.push(`if (f !== 0) { cpu.cycles += f; ST.cpi += f; SC[${C_FLASH}] += f; }`);
        s.lineInModel = false;
      }
      s.line = line;
    }
    // TIMING.md §5.2: the third consecutive 32-bit instruction on an odd halfword stalls one cycle
    if (size === 4 && (pc & 2) !== 0) {
      const run = s.unalignedRun;
      run.add++;
      if (!run.model) {
        if (run.base + run.add === 3) {
          this.pending.cycles++;
          this.pending.cpi++;
          this.pending.causes[C_OTHER]!++;
        }
      } else post.push(`if (model.unalignedRun + ${run.add} === 3) { cpu.cycles++; ST.cpi++; SC[${C_OTHER}]++; }`);
    } else s.unalignedRun = constant(0);
    s.overlap = OVERLAP_NONE;
    s.storeImmPrev = false;
    s.storeWbBase = NONE;
    s.aluDest = s.aluDest2 = s.fpDest = NONE;
    s.prev16 = size === 2;
    if (size === 2) s.fetchLead.add++;
    s.exceptionReturned = false;
  }

  /** An instruction of `cycles` cycles whose extra cycles go to `cause` (the model's account()). */
  private addStall(cycles: number, cause: number): void {
    const p = this.pending;
    p.cycles += cycles;
    if (cycles === 0) p.fold++;
    else if (cycles > 1) {
      if (cause === C_LSU) p.lsu += cycles - 1; else p.cpi += cycles - 1;
      p.causes[cause]! += cycles - 1;
    }
  }

  private pendingSource(p: Pending): string {
    const out: string[] = [];
    if (p.cycles !== 0) out.push(`cpu.cycles += ${p.cycles};`);
    if (p.instructions !== 0) out.push(`cpu.instructions += ${p.instructions};`);
    if (p.cpi !== 0) out.push(`ST.cpi += ${p.cpi};`);
    if (p.lsu !== 0) out.push(`ST.lsu += ${p.lsu};`);
    if (p.fold !== 0) out.push(`ST.fold += ${p.fold};`);
    p.causes.forEach((n, k) => { if (n !== 0) out.push(`SC[${k}] += ${n};`); });
    return out.join(' ');
  }
}
