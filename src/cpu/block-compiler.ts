/**
 * Basic-block translation (README "Simulator speed": where an interpreter spends its time): a hot run of
 * straight-line instructions becomes one generated JavaScript function that runs each
 * instruction's semantics in order, with the instruction's address, PC value and successor as
 * constants, and its cycles mostly summed at translation time (src/cpu/block-cost.ts: only data
 * addresses, flash/ART answers and branch directions are left to run time; the classes it does not
 * cost call the cycle model's class-specialised methods).
 *
 * Why generated code rather than a loop over the block: every call site in the generated function
 * sees one handler only, so V8 can inline the handler (the interpreter's single `insn.exec(...)`
 * call site sees hundreds and never inlines), the most frequent forms are written inline with their
 * fields as constants (src/cpu/block-emit.ts), and the per-instruction bookkeeping of the run loop
 * (successor lookup, IT state, condition, limits) drops out because it is known at translation time.
 *
 * What a block holds: instructions that cannot change the flow of execution, so the block runs
 * start to end unless something outside it intervenes, including whole IT blocks (each
 * instruction under its condition and ITSTATE, both known at translation time), and at its end
 * the branch or PC write that ends it. SVC/BKPT, WFI/WFE and MSR/CPS end a block without being in
 * it: the run loop executes them. After each instruction the block leaves
 * early, exactly where the interpreter would look again, when a device event is due, the cycle
 * limit is reached, an exception may have become pending, the core halted, or a store overwrote
 * decoded code. A fault thrown by a handler leaves `cpu.pc` at the faulting instruction, as the
 * interpreter does, so the exception model sees the same state.
 */
import type { Cpu } from './cpu.js';
import { Fault, FaultSignal } from './faults.js';
import type { Insn } from './insn.js';
import { T } from './timing-classes.js';
import { emitFinalInline, emitInline } from './block-emit.js';
import { conditionSource, itAdvance } from './instruction-protocol.js';
import { BlockCoster, takeExit } from './block-cost.js';
import { M4CycleModel } from './cycle-model.js';

/** A translated block: runs its instructions on `cpu` (the caller checked `length` against its limits). */
export type BlockFunction = (cpu: Cpu) => void;

/** Longest block, in instructions (bounds how far a block may run past an instruction limit check). */
export const MAX_BLOCK_LENGTH = 64;
/**
 * Executions of an instruction, as the start of a run, before its block is translated
 * (Cpu.blockThreshold, `mcusim run --translate N`). Translating a block (building its source, V8
 * parsing it, then optimising it with every handler and cost method inlined: tens of ms of compiler
 * time per block on the detector) pays back only for code that then runs long. At 10000 loops still
 * get translated after a negligible share of their run; at the former 32 the int8 detector translated
 * 1,254 blocks (6.7 MB of generated source) that each run only thousands of times. Measured (one
 * process per run, CPU-time MIPS, load 3-7): detector 2.9 (32) / 5.3 (2000) / 9.4 (10000), where
 * the interpreter does ~15; coremark-lite mps2 34.3 / 34.1 / 36.1; crc_matmul unchanged within noise
 * (~73-81). Cycles identical in every case. With each cost method inlined into every block (a raised
 * V8 inlining budget, since dropped) each block cost more compiler time, and 30000 paid: in-process
 * simulation CPU-time MIPS, interleaved medians of 3
 * (load 5-7), 10000 -> 30000: coremark-lite x2000 mps2 31.1 -> 35.0 (91 -> 52 blocks), stm32f411re
 * with the ART 25.2 -> 28.8, detector (8 frames) 8.4 -> 11.0 (144 -> 95 blocks), crc_matmul 112.4 ->
 * 112.4, coremark-lite x20000 72.9 -> 73.6; at 100000 the detector translates nothing and
 * coremark-lite drops again (35.1, 27.2; x20000 68.1 -> 63.9). With static costs (block-cost.ts) a
 * block compiles in about half the TurboFan time, yet 30000 still pays best (in-process run CPU
 * seconds, interleaved, load 7-8, 30000 / 15000 / 8000 / 60000: coremark-lite x2000 mps2 0.95 /
 * 0.95-0.98 / 0.98 / 0.96-1.03, stm32f411re 1.16-1.19 / 1.29 / 1.28-1.38 / 1.30): a block below it
 * runs ~28,000 times in the whole run, ~6 ms of interpretation against ~10 ms of compiler time.
 */
export const HOT_THRESHOLD = 30000;
/** Blocks translated at the plain threshold before it starts to rise (heatScaleAfter). */
export const FREE_BLOCKS = 128;
/** Each further BLOCKS_PER_DOUBLING translated blocks double the threshold. */
export const BLOCKS_PER_DOUBLING = 16;

/**
 * The multiplier of the translation threshold once `translated` blocks exist. Loop-heavy programs
 * have few hot blocks (crc_matmul 25-46, coremark-lite ~100-150) and keep the plain threshold; code
 * with many warm blocks (the detector) gets a threshold that doubles every BLOCKS_PER_DOUBLING blocks
 * past FREE_BLOCKS, so only its hottest blocks are translated. A count, not a clock, so the same run
 * always translates the same blocks (results never depend on it: blocks and interpreter agree exactly).
 */
export function heatScaleAfter(translated: number): number {
  return translated <= FREE_BLOCKS ? 1 : 2 ** Math.min(20, Math.floor((translated - FREE_BLOCKS) / BLOCKS_PER_DOUBLING));
}

const ENDS_BLOCK = new Set<number>([T.branch, T.condBranch, T.tbb, T.it, T.sys, T.msrControl, T.wait, T.trap]);
/**
 * Classes whose handlers only read and write registers (never memory, never a fault other than
 * UNDEFINED): no cpu.pc store before them and no device check after them. Every other class may
 * access memory (a store may reach a device that pends an interrupt, or overwrite decoded code),
 * fault (divide by zero, FPU disabled) or read the PC through DWT PCSR.
 */
const REGISTER_ONLY = new Set<number>([T.alu, T.mul, T.mull, T.sat, T.dsp]);

/**
 * Whether a handler may read R15: every form that does names register 15 in a field (isa/ gives
 * ADR and the literal loads n=15), as block code sets r[15] only for those and for memory classes.
 */
function readsPc(insn: Insn): boolean {
  return insn.n === 15 || insn.m === 15 || insn.a === 15 || insn.d === 15 || insn.t === 15 || insn.t2 === 15 ||
    insn.dLo === 15 || insn.dHi === 15;
}

/** Whether `insn` can sit inside a block: it never writes the PC, is unconditional and is not IT/system. */
export function fitsInBlock(insn: Insn): boolean {
  if (ENDS_BLOCK.has(insn.timing) || insn.cond !== 14) return false;
  if (insn.d === 15 || insn.t === 15 || insn.t2 === 15 || insn.dLo === 15 || insn.dHi === 15) return false;
  return (insn.list & 0x8000) === 0;
}

/** One instruction of a block as the collect step places it; `kind` picks its emitter. */
interface BlockStep {
  insn: Insn;
  at: number;
  /** body: straight-line; it: the IT instruction; itMember: under an IT condition; final: may branch. */
  kind: 'body' | 'it' | 'itMember' | 'final';
  /** ITSTATE while an itMember runs and after it (ARM ARM A7.3.3); 0 for the other kinds. */
  itDuring: number;
  itAfter: number;
}

/**
 * The instructions of the IT block that IT instruction `it` opens, with the ITSTATE each runs
 * under and the one after it (itAdvance), when all of them fit in a block (none writes the PC); else null.
 */
function itGroup(it: Insn, first: number, fetch: (address: number) => Insn | null): BlockStep[] | null {
  const group: BlockStep[] = [];
  let state = it.imm & 0xff;
  let at = first;
  while (state !== 0) {
    const insn = fetch(at);
    if (insn === null || !fitsInBlock(insn)) return null;
    const after = itAdvance(state);
    group.push({ insn, at, kind: 'itMember', itDuring: state, itAfter: after });
    state = after;
    at = (at + insn.size) >>> 0;
  }
  return group.length > 0 ? group : null;
}

/**
 * Whether `insn` may end a block inside the generated function: a branch or PC write (not IT,
 * MSR/CPS, WFI/WFE, SVC/BKPT, which change state the run loop must look at first).
 */
export function endsBlockInside(insn: Insn): boolean {
  return insn.timing !== T.it && insn.timing !== T.sys && insn.timing !== T.msrControl && insn.timing !== T.wait && insn.timing !== T.trap;
}

/**
 * The collect step: the instructions of the block that starts at `pc`, in order, each with its
 * kind, and the address after the straight-line part (where the block falls through when it has no
 * final branch). `fetch` may throw for unmapped memory, which just ends the block.
 */
function collectBlock(pc: number, fetch: (address: number) => Insn): { steps: BlockStep[]; end: number } {
  const steps: BlockStep[] = [];
  const tryFetch = (a: number): Insn | null => {
    try {
      return fetch(a);
    } catch {
      return null;
    }
  };
  let address = pc;
  while (steps.length < MAX_BLOCK_LENGTH) {
    const insn = tryFetch(address);
    if (insn === null) break;
    if (insn.timing === T.it) {
      // An IT block goes in whole when none of its instructions may branch: each runs under the
      // condition and ITSTATE the run loop would give it, both known here.
      const group = itGroup(insn, (address + insn.size) >>> 0, tryFetch);
      if (group === null || steps.length + 1 + group.length > MAX_BLOCK_LENGTH) break;
      steps.push({ insn, at: address, kind: 'it', itDuring: 0, itAfter: 0 }, ...group);
      const end = group[group.length - 1]!;
      address = (end.at + end.insn.size) >>> 0;
      continue;
    }
    if (!fitsInBlock(insn)) {
      if (endsBlockInside(insn)) steps.push({ insn, at: address, kind: 'final', itDuring: 0, itAfter: 0 });
      break;
    }
    steps.push({ insn, at: address, kind: 'body', itDuring: 0, itAfter: 0 });
    address = (address + insn.size) >>> 0;
  }
  return { steps, end: address };
}

/**
 * What every emitter needs: the block's start and steps, the cycle model, whether an observer is
 * attached, and the static coster (src/cpu/block-cost.ts; null with a cycle model other than the
 * Cortex-M4's).
 */
interface EmitContext {
  pc: number;
  length: number;
  steps: BlockStep[];
  model: Cpu['cycleModel'];
  observed: boolean;
  coster: BlockCoster | null;
}

/**
 * The cycle model's specialised call for step k (CycleModel.blockCostCall), told which instruction
 * retires just before it in the block (none for the first: the block is entered from anywhere), or
 * its generic cost().
 */
function specialisedCost(ctx: EmitContext, k: number, passed: string): string | undefined {
  const s = ctx.steps[k]!, before = ctx.steps[k - 1];
  return ctx.model.blockCostCall?.(s.insn, s.at, passed, before && { pc: before.at, size: before.insn.size });
}

function costSource(ctx: EmitContext, k: number, passed: string): string {
  return specialisedCost(ctx, k, passed) ?? `model.cost(cpu, I${k}, ${passed})`;
}

/** The retire step (src/cpu/instruction-protocol.ts): cycles, count, and the observer when one is attached. */
function retire(ctx: EmitContext, at: number, cost: string): string {
  return `cpu.cycles += ${cost}; cpu.instructions++;${ctx.observed ? ` obs.retired(${at}, ${at}, 1);` : ''}`;
}

/**
 * `stop`, a local of the block function, is the nearer of the next device event and the cycle limit:
 * one compare per instruction instead of two. It is read again after every instruction that may
 * reach a device (a store to SysTick moves its event); register-only instructions cannot move it.
 */
const REFRESH_STOP = 'stop = cpu.nextEventCycle < cpu.cycleStop ? cpu.nextEventCycle : cpu.cycleStop;';

/** The cold way out of a block at `next` when `stop` is reached: the device event, if due, runs first. */
function leaveAt(cpu: Cpu, next: number): void {
  cpu.pc = next;
  if (cpu.cycles >= cpu.nextEventCycle) cpu.onEvent(cpu);
}

/** Leaving the block after an instruction, at `next`: a device event due or the cycle limit, then the given conditions. */
function leaveAfter(next: number, conditions?: string): string[] {
  const lines = [`if (cpu.cycles >= stop) { leave(cpu, ${next}); return; }`];
  if (conditions !== undefined) lines.push(`if (${conditions}) { cpu.pc = ${next}; return; }`);
  return lines;
}

const nextOf = (s: BlockStep): number => (s.at + s.insn.size) >>> 0;

/**
 * A straight-line instruction. cpu.pc is stored before an instruction that may fault or read it (a
 * memory access: DWT PCSR; the generic cost()), and on every way out of the block; register-only
 * classes cannot fault except as UNDEFINED, and their specialised cost method takes the address.
 */
function emitBody(ctx: EmitContext, s: BlockStep, k: number): string[] {
  const coster = ctx.coster;
  if (coster?.coversBody(s.insn)) return emitCostedBody(coster, s, k, () => coster.costBody(s.insn, s.at));
  if (k === 0 && coster?.coversEntry(s.insn)) {
    const model = specialisedCost(ctx, k, 'true');
    if (model !== undefined) return emitCostedBody(coster, s, k, () => coster.costEntry(s.insn, s.at, model));
  }
  return modelCosted(ctx, s, emitModelBody(ctx, s, k));
}

/**
 * A step the cycle model costs at run time: the coster's pending counts and state are written to
 * the model first, and afterwards the model holds all of the state.
 */
function modelCosted(ctx: EmitContext, s: BlockStep, lines: string[]): string[] {
  if (ctx.coster === null) return lines;
  const before = ctx.coster.writeBack();
  ctx.coster.afterModelCost(s.at, s.insn.size);
  return [before, ...lines];
}

/**
 * A straight-line instruction costed at translation time (block-cost.ts): the pending counts go to
 * the Cpu before an instruction that may fault or reach a device, and on the way out.
 */
function emitCostedBody(coster: BlockCoster, s: BlockStep, k: number, cost: () => string): string[] {
  const { insn, at } = s;
  const registerOnly = REGISTER_ONLY.has(insn.timing);
  const inline = emitInline(insn, at);
  const lines: string[] = [];
  if (!registerOnly) lines.push(coster.flush(), `cpu.pc = ${at};`);
  if (inline === null && (!registerOnly || readsPc(insn))) lines.push(`r[15] = ${(at + 4) >>> 0};`);
  lines.push(inline ?? `if (!H${k}(cpu, I${k})) { ${coster.flushCopy()} cpu.pc = ${at}; throw undefinedInstruction(); }`);
  lines.push(cost(), coster.retired(at));
  const next = nextOf(s);
  if (registerOnly) lines.push(coster.exitCheck(next));
  else if (inline !== null && insn.timing === T.ld) {
    lines.push(`if (cpu.busReads !== reads) { reads = cpu.busReads; ${REFRESH_STOP} ${coster.exitCheck(next, DEVICE_ATTENTION)} }`,
      `else ${coster.exitCheck(next)}`);
  } else lines.push(REFRESH_STOP, coster.exitCheck(next, DEVICE_ATTENTION));
  return lines;
}

/** A straight-line instruction with the cycle model's cost call. */
function emitModelBody(ctx: EmitContext, s: BlockStep, k: number): string[] {
  const { insn, at } = s;
  const registerOnly = REGISTER_ONLY.has(insn.timing) && specialisedCost(ctx, k, 'true') !== undefined;
  const inline = emitInline(insn, at);
  const lines: string[] = [];
  if (!registerOnly) lines.push(`cpu.pc = ${at};`);
  // an inline form reads the PC as a constant (block-emit.ts); a handler reads r[15]
  if (inline === null && (!registerOnly || readsPc(insn))) lines.push(`r[15] = ${(at + 4) >>> 0};`);
  lines.push(inline ?? `if (!H${k}(cpu, I${k})) { cpu.pc = ${at}; throw undefinedInstruction(); }`);
  lines.push(retire(ctx, at, costSource(ctx, k, 'true')));
  const next = nextOf(s);
  if (registerOnly) lines.push(...leaveAfter(next));
  else if (inline !== null && insn.timing === T.ld) lines.push(...leaveAfterRead(next));
  else lines.push(REFRESH_STOP, ...leaveAfter(next, DEVICE_ATTENTION));
  return lines;
}

/** What a memory access may have changed that makes the run loop look again (besides `stop`). */
const DEVICE_ATTENTION = 'cpu.exceptionCheck || cpu.halted || bus.codeEpoch !== epoch';

/**
 * Leaving after an inline load (it only reads): a read inside the core's read window (RAM, flash)
 * changes no device, so only the cycle count is checked; a read through the bus (cpu.busReads
 * moved: a device, or another region) gets the full checks of any memory access.
 */
function leaveAfterRead(next: number): string[] {
  return [`if (cpu.busReads !== reads) { reads = cpu.busReads; ${REFRESH_STOP}`, ...leaveAfter(next, DEVICE_ATTENTION), '}',
    `else if (cpu.cycles >= stop) { leave(cpu, ${next}); return; }`];
}

/** IT itself: ITSTATE = firstcond:mask (its handler); folded or 1 cycle by the cycle model. */
function emitIt(ctx: EmitContext, s: BlockStep, k: number): string[] {
  return [`cpu.pc = ${s.at}; H${k}(cpu, I${k}); ${retire(ctx, s.at, `model.cost(cpu, I${k}, true)`)}`, ...leaveAfter(nextOf(s))];
}

/**
 * An IT member's cost: the cycle model's specialised call when its condition passed (what cost()
 * returns for an executed instruction that did not write the PC, as no member does), else cost().
 */
function itMemberCost(ctx: EmitContext, s: BlockStep, k: number): string {
  const executed = specialisedCost(ctx, k, 'true');
  return executed === undefined ? `model.cost(cpu, I${k}, passed)` : `(passed ? ${executed} : model.cost(cpu, I${k}, false))`;
}

/**
 * An instruction inside an IT block, with the ITSTATE it runs under known: the run loop's steps
 * (condition, ITAdvance) as constants; a fault restores ITSTATE from itAtStart, an early exit leaves
 * the rest of the IT block to the run loop.
 */
function emitItMember(ctx: EmitContext, s: BlockStep, k: number): string[] {
  const { at } = s;
  const next = nextOf(s);
  return [
    `cpu.pc = ${at}; r[15] = ${(at + 4) >>> 0}; cpu.nextPC = ${next}; cpu.itAtStart = ${s.itDuring}; cpu.inIT = 1; cpu.itstate = ${s.itAfter};`,
    `{ const passed = ${conditionSource(s.itDuring >>> 4)};`,
    `if (passed && !H${k}(cpu, I${k})) throw undefinedInstruction();`,
    `${retire(ctx, at, itMemberCost(ctx, s, k))} }`,
    ...(s.itAfter === 0 ? ['cpu.inIT = 0; cpu.itAtStart = 0;'] : []),
    REFRESH_STOP,
    ...leaveAfter(next, DEVICE_ATTENTION),
  ];
}

/**
 * The instruction that may branch, at the end: the run loop's steps at a known address; when it goes
 * back to the block's start and nothing needs the run loop, the block runs again (the enclosing loop).
 */
function emitFinal(ctx: EmitContext, s: BlockStep, k: number): string[] {
  const { insn, at } = s;
  const inline = emitFinalInline(insn, at);
  const lines: string[] = [];
  if (inline === null || specialisedCost(ctx, k, 'passed') === undefined) lines.push(`cpu.pc = ${at}; r[15] = ${(at + 4) >>> 0};`);
  lines.push(`cpu.nextPC = ${nextOf(s)}; cpu.branched = false;`);
  lines.push(`const passed = ${conditionSource(insn.cond)};`);
  lines.push(inline !== null ? `if (passed) { ${inline} }` : `if (passed && !H${k}(cpu, I${k})) throw undefinedInstruction();`);
  lines.push(`${retire(ctx, at, costSource(ctx, k, 'passed'))} cpu.pc = cpu.nextPC;`);
  lines.push(...loopBack(ctx));
  return lines;
}

const EMIT_STEP: Record<BlockStep['kind'], (ctx: EmitContext, s: BlockStep, k: number) => string[]> = {
  body: emitBody,
  it: (ctx, s, k) => (ctx.coster !== null
    ? [`H${k}(cpu, I${k});`, ctx.coster.costIt(s.at, s.insn.size), ctx.coster.retired(s.at), ctx.coster.exitCheck(nextOf(s))]
    : emitIt(ctx, s, k)),
  itMember: (ctx, s, k) => modelCosted(ctx, s, emitItMember(ctx, s, k)),
  final: (ctx, s, k) => {
    const inline = emitFinalInline(s.insn, s.at);
    if (inline !== null && ctx.coster?.coversFinal(s.insn, k)) return emitCostedFinal(ctx, ctx.coster, s, inline);
    return modelCosted(ctx, s, emitFinal(ctx, s, k));
  },
};

/** The inline branch ending a block, costed at translation time (its target is a constant). */
function emitCostedFinal(ctx: EmitContext, coster: BlockCoster, s: BlockStep, inline: string): string[] {
  const { insn, at } = s;
  const target = ((at + 4 + insn.imm) & ~1) >>> 0;
  return [
    `cpu.nextPC = ${nextOf(s)}; cpu.branched = false;`,
    `const passed = ${conditionSource(insn.cond)};`,
    `if (passed) { ${inline} }`,
    coster.costFinal(insn, at, target),
    coster.retired(at),
    'cpu.pc = cpu.nextPC;',
    ...loopBack(ctx),
  ];
}

/** After the final branch: a due device event, else run the block again when it branched to its own start. */
function loopBack(ctx: EmitContext): string[] {
  return ['if (cpu.cycles >= cpu.nextEventCycle) { cpu.onEvent(cpu); return; }',
    `if (cpu.pc !== ${ctx.pc} || cpu.cycles >= cpu.cycleStop || cpu.instructions + ${ctx.length} > cpu.instructionStop || ` +
    'cpu.exceptionCheck || cpu.halted || cpu.pendingInvState || bus.codeEpoch !== epoch) return;'];
}

/**
 * Translates the block that starts at `pc`: `fetch` returns the decoded instruction at an address.
 * The block's straight-line body may be followed by the branch that ends it; when that branch goes
 * back to `pc` (a loop), the function runs the block again while the run's limits allow, without
 * returning to the run loop. With an observer attached (src/cpu/observer.ts) every instruction
 * reports itself as the run loop does; without one the block holds no observer code at all.
 * Returns null when the first instruction cannot start a block.
 */
export function translateBlock(pc: number, fetch: (address: number) => Insn, cpu: Cpu): { fn: BlockFunction; length: number } | null {
  const { steps, end } = collectBlock(pc, fetch);
  if (steps.length === 0) return null;
  const model = cpu.cycleModel;
  const coster = model instanceof M4CycleModel ? new BlockCoster(model, (a) => cpu.startsWide(a), cpu.observer !== null) : null;
  const ctx: EmitContext = { pc, length: steps.length, steps, model, observed: cpu.observer !== null, coster };
  // cpu.branched is false inside a block (the generic cost() reads it); the loop back sets it
  const lines: string[] = ['const r = cpu.r;', 'let reads = cpu.busReads;', 'let lb = 0;', 'for (;;) {', 'cpu.branched = false;', `let ${REFRESH_STOP}`];
  steps.forEach((s, k) => lines.push(...EMIT_STEP[s.kind](ctx, s, k)));
  // without a final branch the block falls through to the run loop
  lines.push(steps[steps.length - 1]!.kind !== 'final' ? `${coster?.writeBack() ?? ''} cpu.pc = ${end};\nreturn;\n}` : '}');
  const names = steps.flatMap((_, k) => [`H${k}`, `I${k}`]);
  const values = steps.flatMap((s) => [s.insn.exec, s.insn]);
  // new Function is the translation step itself: the source is built above from decoded fields
  // (numbers only), never from firmware bytes or user text.
  const factory = new Function('model', 'bus', 'epoch', 'undefinedInstruction', 'obs', 'leave', 'MEM', 'ST', 'SC', 'X', 'EXITS', ...names,
    `return function block_${pc.toString(16)}(cpu) {\n${lines.join('\n')}\n};`) as (...args: unknown[]) => BlockFunction;
  const timing = model instanceof M4CycleModel ? model : null;
  const fn = factory(model, cpu.bus, cpu.bus.codeEpoch, () => new FaultSignal(Fault.UNDEFINSTR), cpu.observer, leaveAt,
    timing?.memory ?? null, cpu.stalls, timing?.stallCycles ?? null, takeExit, coster?.exits ?? [], ...values);
  return { fn, length: steps.length };
}
