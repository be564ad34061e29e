/**
 * Basic-block translation (issue 2's "speed by design", reference/SIM-SPEED.md): a hot run of
 * straight-line instructions becomes one generated JavaScript function that calls each
 * instruction's handler and the cycle model in order, with the instruction's address, PC value and
 * successor as constants.
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
import { emitCondition, emitFinalInline, emitInline } from './block-emit.js';

/** A translated block: runs its instructions on `cpu` (the caller checked `length` against its limits). */
export type BlockFunction = (cpu: Cpu) => void;

/** Longest block, in instructions (bounds how far a block may run past an instruction limit check). */
export const MAX_BLOCK_LENGTH = 64;
/** Executions of an instruction, as the start of a run, before its block is translated (Cpu.blockThreshold). */
export const HOT_THRESHOLD = 32;

const ENDS_BLOCK = new Set<number>([T.branch, T.tbb, T.it, T.sys, T.wait, T.trap]);
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

/**
 * The instructions of the IT block that IT instruction `it` opens, with the ITSTATE each runs
 * under and the one after it (ARM ARM A7.3.3 ITAdvance), when all of them fit in a block (none
 * writes the PC); else null.
 */
function itGroup(it: Insn, first: number, fetch: (address: number) => Insn | null): { insn: Insn; at: number; during: number; after: number }[] | null {
  const group: { insn: Insn; at: number; during: number; after: number }[] = [];
  let state = it.imm & 0xff;
  let at = first;
  while (state !== 0) {
    const insn = fetch(at);
    if (insn === null || !fitsInBlock(insn)) return null;
    const after = (state & 7) === 0 ? 0 : (state & 0xe0) | ((state << 1) & 0x1f);
    group.push({ insn, at, during: state, after });
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
  return insn.timing !== T.it && insn.timing !== T.sys && insn.timing !== T.wait && insn.timing !== T.trap;
}

/**
 * Translates the block that starts at `pc`: `fetch` returns the decoded instruction at an address
 * (it may throw for unmapped memory, which just ends the block). The block's straight-line body
 * may be followed by the branch that ends it; when that branch goes back to `pc` (a loop), the
 * function runs the block again while the run's limits allow, without returning to the run loop.
 * Returns null when the first instruction cannot start a block.
 */
export function translateBlock(pc: number, fetch: (address: number) => Insn, cpu: Cpu): { fn: BlockFunction; length: number } | null {
  const insns: Insn[] = [];
  const addresses: number[] = [];
  /** ITSTATE while each instruction runs (0 outside IT blocks), and after it. */
  const itDuring: number[] = [];
  const itAfter: number[] = [];
  let address = pc;
  let last: Insn | null = null;
  const tryFetch = (a: number): Insn | null => {
    try {
      return fetch(a);
    } catch {
      return null;
    }
  };
  while (insns.length < MAX_BLOCK_LENGTH) {
    const insn = tryFetch(address);
    if (insn === null) break;
    if (insn.timing === T.it) {
      // An IT block goes in whole when none of its instructions may branch: each runs under the
      // condition and ITSTATE the run loop would give it, both known here.
      const group = itGroup(insn, (address + insn.size) >>> 0, tryFetch);
      if (group === null || insns.length + 1 + group.length > MAX_BLOCK_LENGTH) break;
      insns.push(insn);
      addresses.push(address);
      itDuring.push(0);
      itAfter.push(insn.imm & 0xff);
      for (const g of group) {
        insns.push(g.insn);
        addresses.push(g.at);
        itDuring.push(g.during);
        itAfter.push(g.after);
      }
      const end = group[group.length - 1]!;
      address = (end.at + end.insn.size) >>> 0;
      continue;
    }
    if (!fitsInBlock(insn)) {
      if (endsBlockInside(insn)) last = insn;
      break;
    }
    insns.push(insn);
    addresses.push(address);
    itDuring.push(0);
    itAfter.push(0);
    address = (address + insn.size) >>> 0;
  }
  if (last !== null) {
    insns.push(last);
    addresses.push(address);
    itDuring.push(0);
    itAfter.push(0);
  }
  if (insns.length === 0) return null;
  const model = cpu.cycleModel;
  const length = insns.length;
  // With an observer attached (src/cpu/observer.ts) every instruction reports itself as the run
  // loop does; without one the block holds no observer code at all.
  const observer = cpu.observer;
  const retired = (at: number): string => (observer === null ? '' : ` obs.retired(${at}, ${at}, 1);`);
  const costCall = (insn: Insn, k: number, at: number, passed: string): string =>
    model.blockCostCall?.(insn, at, passed) ?? `model.cost(cpu, I${k}, ${passed})`;
  // cpu.branched is false inside a block (the generic cost() reads it); the loop back sets it
  const lines: string[] = ['const r = cpu.r;', 'for (;;) {', 'cpu.branched = false;'];
  insns.forEach((insn, k) => {
    const at = addresses[k]!;
    const next = (at + insn.size) >>> 0;
    if (itDuring[k] !== 0) {
      // Inside an IT block: the run loop's steps with this instruction's ITSTATE (cpu.ts runInner);
      // a fault restores ITSTATE from itAtStart, an early exit leaves the rest to the run loop.
      lines.push(`cpu.pc = ${at}; r[15] = ${(at + 4) >>> 0}; cpu.nextPC = ${next}; cpu.itAtStart = ${itDuring[k]}; cpu.inIT = 1; cpu.itstate = ${itAfter[k]};`);
      if (insn.timing === T.div) lines.push(`cpu.operandA = r[${insn.n}]; cpu.operandB = r[${insn.m}];`);
      lines.push(`{ const passed = ${emitCondition(itDuring[k]! >>> 4)};`);
      lines.push(`if (passed && !H${k}(cpu, I${k})) throw undefinedInstruction();`);
      lines.push(`cpu.cycles += model.cost(cpu, I${k}, passed); }`);
      lines.push(`cpu.instructions++;${retired(at)}`);
      if (itAfter[k] === 0) lines.push('cpu.inIT = 0; cpu.itAtStart = 0;');
      lines.push(`if (cpu.cycles >= cpu.nextEventCycle) { cpu.pc = ${next}; cpu.onEvent(cpu); return; }`);
      lines.push(`if (cpu.cycles >= cpu.cycleStop || cpu.exceptionCheck || cpu.halted || bus.codeEpoch !== epoch) { cpu.pc = ${next}; return; }`);
      return;
    }
    if (insn === last) {
      // The run loop's steps for an instruction that may branch (cpu.ts runInner), at a known address.
      const inline = emitFinalInline(insn, at);
      if (inline === null || model.blockCostCall?.(insn, at, 'passed') === undefined) lines.push(`cpu.pc = ${at}; r[15] = ${(at + 4) >>> 0};`);
      lines.push(`cpu.nextPC = ${next}; cpu.branched = false;`);
      lines.push(`const passed = ${emitCondition(insn.cond)};`);
      lines.push(inline !== null ? `if (passed) { ${inline} }` : `if (passed && !H${k}(cpu, I${k})) throw undefinedInstruction();`);
      lines.push(`cpu.cycles += ${costCall(insn, k, at, 'passed')}; cpu.instructions++; cpu.pc = cpu.nextPC;${retired(at)}`);
      lines.push('if (cpu.cycles >= cpu.nextEventCycle) { cpu.onEvent(cpu); return; }');
      lines.push(`if (cpu.pc !== ${pc} || cpu.cycles >= cpu.cycleStop || cpu.instructions + ${length} > cpu.instructionStop || ` +
        'cpu.exceptionCheck || cpu.halted || cpu.pendingInvState || bus.codeEpoch !== epoch) return;');
      return;
    }
    // cpu.pc is stored before an instruction that may fault or read it (a memory access: DWT PCSR;
    // the generic cost()), and on every way out of the block; register-only classes cannot fault
    // except as UNDEFINED, and their specialised cost method takes the address as an argument.
    const registerOnly = REGISTER_ONLY.has(insn.timing) && model.blockCostCall?.(insn, at, 'true') !== undefined;
    if (insn.timing === T.it) {
      // IT itself: ITSTATE = firstcond:mask (its handler); folded or 1 cycle by the cycle model
      lines.push(`cpu.pc = ${at}; H${k}(cpu, I${k}); cpu.cycles += model.cost(cpu, I${k}, true); cpu.instructions++;${retired(at)}`);
      lines.push(`if (cpu.cycles >= cpu.nextEventCycle) { cpu.pc = ${next}; cpu.onEvent(cpu); return; }`);
      lines.push(`if (cpu.cycles >= cpu.cycleStop) { cpu.pc = ${next}; return; }`);
      return;
    }
    if (!registerOnly) lines.push(`cpu.pc = ${at};`);
    if (!registerOnly || readsPc(insn)) lines.push(`r[15] = ${(at + 4) >>> 0};`);
    if (insn.timing === T.div) lines.push(`cpu.operandA = r[${insn.n}]; cpu.operandB = r[${insn.m}];`);
    lines.push(emitInline(insn, at) ?? `if (!H${k}(cpu, I${k})) { cpu.pc = ${at}; throw undefinedInstruction(); }`);
    lines.push(`cpu.cycles += ${costCall(insn, k, at, 'true')}; cpu.instructions++;${retired(at)}`);
    lines.push(`if (cpu.cycles >= cpu.nextEventCycle) { cpu.pc = ${next}; cpu.onEvent(cpu); return; }`);
    lines.push(`if (cpu.cycles >= cpu.cycleStop) { cpu.pc = ${next}; return; }`);
    if (!registerOnly) lines.push(`if (cpu.exceptionCheck || cpu.halted || bus.codeEpoch !== epoch) { cpu.pc = ${next}; return; }`);
  });
  // without a final branch the block falls through to the run loop
  lines.push(last === null ? `cpu.pc = ${address};\nreturn;\n}` : '}');
  const names = insns.flatMap((_, k) => [`H${k}`, `I${k}`]);
  const values = insns.flatMap((insn) => [insn.exec, insn]);
  // new Function is the translation step itself: the source is built above from decoded fields
  // (numbers only), never from firmware bytes or user text.
  const factory = new Function('model', 'bus', 'epoch', 'undefinedInstruction', 'obs', ...names,
    `return function block_${pc.toString(16)}(cpu) {\n${lines.join('\n')}\n};`) as (...args: unknown[]) => BlockFunction;
  const fn = factory(model, cpu.bus, cpu.bus.codeEpoch, () => new FaultSignal(Fault.UNDEFINSTR), observer, ...values);
  return { fn, length };
}
