/**
 * Per-function attribution of cycles, instructions and stall cycles (by cause), attached to the core
 * as its execution observer (src/cpu/observer.ts). It keeps a shadow call stack and a call tree:
 * - the instruction that ends a straight-line run decides what happens next: BL/BLX is a call; any
 *   other write to the PC (B, BX, POP {pc}, LDR pc, LDM, TBB ...) is resolved at the next retired
 *   instruction by where it landed: back at a frame's return address is a return (to that frame,
 *   whatever the stack in between, so longjmp and unwinding work); at another function's first
 *   instruction is a tail call; inside a function already on the stack is a return to it; anywhere
 *   else in another function is a jump (the top frame changes function);
 * - exception entry pushes a frame for the handler (read from the vector table), exception return
 *   pops to the newest exception frame, whatever call frames the handler left (tail-chaining works
 *   as a return followed by an entry).
 * Costs are charged per segment: everything between two control transfers belongs to the frame on
 * top, read from the core's counters at the transfer (no work per instruction but one table lookup
 * and the stack-pointer minimum), so the per-function sums equal the run's totals exactly. The
 * exception entry's cycles (and sleep before it) go to the interrupted code; an SVC's own cycle and
 * the returning instruction of a handler go to the frame on top after the entry/return.
 *
 * Also watched here because they need the call tracking: the lowest stack pointer (from main's entry,
 * for the stack high-water; the layer recorder takes windows of it) and newlib's `_sbrk` calls (the
 * increment passed in r0, the previous break returned in r0), for the heap high-water.
 */
import type { Cpu } from '../cpu/cpu.js';
import type { ExecutionObserver } from '../cpu/observer.js';
import { STALL_CAUSES } from '../cpu/cycle-model.js';
import type { SymbolIndex } from '../elf/index.js';
import { instructionKind, KIND_CALL, KIND_FLOW, KIND_PLAIN, KIND_SP, KIND_START, KIND_UNKNOWN, WIDE } from './instruction-kinds.js';

/** The stall causes of the run summary plus sleep (WFI/WFE), in this order in every counter row. */
export const PROFILE_STALL_CAUSES = [...STALL_CAUSES, 'sleep'] as const;
export type ProfileStallCause = (typeof PROFILE_STALL_CAUSES)[number];
const N_CAUSES = PROFILE_STALL_CAUSES.length;


/** One node of the call tree: a function reached through one path of callers. */
export interface CallTreeNode {
  /** Index into `functions`. */
  fn: number;
  /** Parent node, -1 for a root. */
  parent: number;
  calls: number;
  cycles: number;
  instructions: number;
  stallCycles: Record<ProfileStallCause, number>;
}

export interface FunctionProfileData {
  /** Function names, index = CallTreeNode.fn; the last is `[unknown]` (code outside every symbol). */
  functions: { name: string; address: number; size: number }[];
  nodes: CallTreeNode[];
  totalCycles: number;
  totalInstructions: number;
}

export class FunctionProfiler implements ExecutionObserver {
  private readonly names: { name: string; address: number; size: number }[];
  private readonly unknownFn: number;
  private readonly fnStart: Float64Array;
  private readonly fnEnd: Float64Array;
  private readonly stallSource: Float64Array | null;
  /** The core's register file (the same array for the whole run). */
  private readonly r: Uint32Array;

  // The call tree: parallel arrays grown by doubling.
  private nodeCount = 0;
  private nodeFn = new Int32Array(256);
  private nodeParent = new Int32Array(256);
  private nodeCalls = new Float64Array(256);
  private nodeCycles = new Float64Array(256);
  private nodeInstructions = new Float64Array(256);
  private nodeStalls = new Float64Array(256 * N_CAUSES);
  private readonly children = new Map<number, number>();

  // The shadow stack: node, return address (-1 for none), exception frame flag, _sbrk argument.
  private depth = 0;
  private stackNode = new Int32Array(256);
  private stackReturn = new Float64Array(256);
  private stackException = new Uint8Array(256);
  private stackArg = new Float64Array(256);
  /** The top frame's function range, for the "still in the same function" test. */
  private topStart = 0;
  private topEnd = 0;

  // The counters at the start of the current segment.
  private segCycles = 0;
  private segInstructions = 0;
  private readonly segStalls = new Float64Array(N_CAUSES);

  // A control transfer waiting for the next retired instruction to say where it went.
  private pending = KIND_UNKNOWN;
  private pendingReturnAddress = 0;
  private pendingR0 = 0;
  private pendingSp = 0;

  // Instruction kinds by halfword, for the code region that holds the ELF's code; a Map elsewhere.
  private readonly kindBase: number;
  private readonly kinds: Uint8Array;
  private readonly kindCount: number;
  private readonly otherKinds = new Map<number, number>();

  private readonly mainFn: number;
  private readonly sbrkFn: number;
  /** Lowest SP since the last window was taken (from main's entry on); see takeStackWindow(). */
  private windowMinSp = 0xffffffff;
  private runMinSp = 0xffffffff;
  /** SP at main's entry (before its first instruction), or the SP at the first instruction seen. */
  stackTop = -1;
  /** First break newlib's _sbrk returned (the heap's start) and the highest break asked for. */
  heapStart = -1;
  heapHighEnd = -1;

  constructor(
    private readonly cpu: Cpu,
    symbols: SymbolIndex,
    code: { base: number; size: number },
  ) {
    const funcs = symbols.entries.filter((s) => s.type === 'FUNC');
    this.names = funcs.map((s) => ({ name: s.name, address: s.value, size: s.size }));
    this.unknownFn = this.names.length;
    this.names.push({ name: '[unknown]', address: 0, size: 0 });
    this.fnStart = Float64Array.from(funcs, (s) => s.value);
    // Assembly functions often have no size (memchr, crt0): they run up to the next function.
    this.fnEnd = Float64Array.from(funcs, (s, i) => (s.size > 0 ? s.value + s.size : funcs[i + 1]?.value ?? s.value + 2));
    this.mainFn = funcs.findIndex((s) => s.name === 'main');
    this.sbrkFn = funcs.findIndex((s) => s.name === '_sbrk');
    this.r = cpu.r;
    const model = cpu.cycleModel as { stallCycles?: Float64Array };
    this.stallSource = model.stallCycles instanceof Float64Array ? model.stallCycles : null;
    this.kindBase = code.base;
    this.kinds = new Uint8Array(Math.ceil(code.size / 2));
    this.kindCount = this.kinds.length;
    this.segCycles = cpu.cycles;
    this.segInstructions = cpu.instructions;
    this.readStalls(this.segStalls);
    this.pushFrame(this.newNode(-1, this.unknownFn), -1, 0, 0);
    this.pending = KIND_START; // the first instruction names the first function
  }

  /** Called once, at the first retired instruction (after reset), before anything is charged. */
  onStart: (() => void) | null = null;

  // ---- ExecutionObserver -------------------------------------------------------------------

  retired(startPc: number, lastPc: number, instructions: number): void {
    // The hot path, small enough for V8 to inline into translated blocks: one table read for an
    // instruction that neither transfers control nor moves SP (a longer run may hold an SP write
    // anywhere, so it takes the full path).
    const off = (lastPc - this.kindBase) >>> 1;
    if (this.pending === KIND_UNKNOWN && instructions === 1 && off < this.kindCount && this.kinds[off] === KIND_PLAIN) return;
    this.retiredInFull(startPc, lastPc, off);
  }

  private retiredInFull(startPc: number, lastPc: number, off: number): void {
    if (this.pending !== KIND_UNKNOWN) this.resolve(startPc);
    let kind = off < this.kinds.length ? this.kinds[off]! : this.otherKinds.get(lastPc) ?? KIND_UNKNOWN;
    const sp = this.r[13]!;
    if (sp < this.windowMinSp) this.windowMinSp = sp;
    if (kind === KIND_PLAIN || kind === KIND_SP) return;
    if (kind === KIND_UNKNOWN) kind = this.classify(lastPc, off);
    if (kind === KIND_PLAIN || kind === KIND_SP) return;
    this.closeSegment();
    this.pending = kind & 7;
    this.pendingReturnAddress = lastPc + ((kind & WIDE) !== 0 ? 4 : 2);
    this.pendingR0 = this.r[0]!;
    this.pendingSp = sp;
  }

  exceptionEntry(exceptionNumber: number, returnAddress: number): void {
    // A transfer not yet resolved (a return, then an interrupt or an SVC before the next instruction
    // retired): it landed where the exception will return to (for an SVC, the instruction after it).
    if (this.pending !== KIND_UNKNOWN && returnAddress >>> 28 !== 0xf) this.resolve((returnAddress & ~1) >>> 0);
    this.closeSegment();
    const vtor = (this.cpu.exceptions as { vtor?: number }).vtor ?? 0;
    const handler = (this.cpu.bus.read((vtor + 4 * exceptionNumber) >>> 0, 4) & ~1) >>> 0;
    const fn = this.functionAt(handler);
    const node = this.child(this.stackNode[this.depth - 1]!, fn);
    this.nodeCalls[node]++;
    this.pushFrame(node, returnAddress, 1, 0);
    // The frame was just stacked below the interrupted code's SP.
    if (this.r[13]! < this.windowMinSp) this.windowMinSp = this.r[13]!;
    this.pending = KIND_UNKNOWN;
  }

  exceptionReturn(_excReturn: number): void {
    this.closeSegment();
    let d = this.depth - 1;
    while (d > 0 && this.stackException[d] === 0) d--;
    if (d > 0) this.popTo(d);
    this.pending = KIND_UNKNOWN;
  }

  // ---- results -------------------------------------------------------------------------------

  /** Lowest SP since the previous call (or main's entry), then starts a new window at the current SP. */
  takeStackWindow(): number {
    const w = this.windowMinSp;
    if (w < this.runMinSp) this.runMinSp = w;
    this.windowMinSp = this.cpu.r[13]!;
    return w;
  }

  /** Lowest SP of the whole run from main's entry on (0xffffffff if nothing ran). */
  lowestStackPointer(): number {
    return Math.min(this.runMinSp, this.windowMinSp);
  }

  /** Closes the open segment and returns the call tree (the run may continue afterwards). */
  result(): FunctionProfileData {
    this.closeSegment();
    const nodes: CallTreeNode[] = [];
    let cycles = 0;
    let instructions = 0;
    for (let k = 0; k < this.nodeCount; k++) {
      const stallCycles = {} as Record<ProfileStallCause, number>;
      PROFILE_STALL_CAUSES.forEach((c, i) => { stallCycles[c] = this.nodeStalls[k * N_CAUSES + i]!; });
      nodes.push({
        fn: this.nodeFn[k]!, parent: this.nodeParent[k]!, calls: this.nodeCalls[k]!,
        cycles: this.nodeCycles[k]!, instructions: this.nodeInstructions[k]!, stallCycles,
      });
      cycles += this.nodeCycles[k]!;
      instructions += this.nodeInstructions[k]!;
    }
    return { functions: this.names, nodes, totalCycles: cycles, totalInstructions: instructions };
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Instruction kind at `pc`, decoded once: what the end of a run there means for the stack. */
  private classify(pc: number, off: number): number {
    let kind: number;
    try {
      kind = instructionKind(this.cpu.fetch(pc), pc, (target, next) => this.staysInFunction(pc, target, next));
    } catch {
      kind = KIND_FLOW; // not decodable here any more: treat as a transfer, resolve by address
    }
    if (off < this.kinds.length) this.kinds[off] = kind;
    else this.otherKinds.set(pc, kind);
    return kind;
  }

  /**
   * A direct branch (B, B<c>, CBZ, CBNZ: the target is in the encoding) whose target and fall-through
   * are both inside the function holding it changes nothing for attribution: loops stay on the hot path.
   */
  private staysInFunction(pc: number, target: number, next: number): boolean {
    const fn = this.functionAt(pc);
    if (fn === this.unknownFn) return false;
    const start = this.fnStart[fn]!, end = this.fnEnd[fn]!;
    return target >= start && target < end && next < end;
  }

  /** Where the last control transfer landed: call, return, tail call or jump. */
  private resolve(pc: number): void {
    let kind = this.pending;
    this.pending = KIND_UNKNOWN;
    if (kind === KIND_START) {
      this.onStart?.();
      kind = KIND_FLOW;
    }
    if (kind === KIND_CALL) {
      this.enterFunction(this.functionAt(pc), pc, this.pendingReturnAddress);
      return;
    }
    if (pc >= this.topStart && pc < this.topEnd) return; // a branch inside the function
    // A return: some frame (above the newest exception frame) was called from here.
    for (let d = this.depth - 1; d > 0 && this.stackException[d] === 0; d--) {
      if (this.stackReturn[d] === pc) {
        this.popTo(d);
        return;
      }
    }
    const fn = this.functionAt(pc);
    if (fn !== this.unknownFn && this.fnStart[fn] === pc) {
      // Tail call: the new function returns where the replaced one would have.
      const ret = this.stackReturn[this.depth - 1]!;
      if (this.depth > 1 && this.stackException[this.depth - 1] === 0) this.popTo(this.depth - 1);
      this.enterFunction(fn, pc, ret);
      return;
    }
    for (let d = this.depth - 1; d > 0 && this.stackException[d] === 0 && fn !== this.unknownFn; d--) {
      if (this.nodeFn[this.stackNode[d]!] === fn) {
        this.popTo(d + 1); // back into a caller's body (longjmp)
        return;
      }
    }
    // A jump into the middle of another function: the top frame continues there.
    const top = this.depth - 1;
    const node = this.child(top > 0 ? this.stackNode[top - 1]! : this.stackNode[0]!, fn);
    if (top > 0) {
      this.stackNode[top] = node;
      this.setTopRange(fn);
    } else this.pushFrame(node, -1, 0, 0);
  }

  private enterFunction(fn: number, pc: number, returnAddress: number): void {
    const node = this.child(this.stackNode[this.depth - 1]!, fn);
    this.nodeCalls[node]++;
    this.pushFrame(node, returnAddress, 0, this.pendingR0);
    if (fn === this.mainFn && this.stackTop < 0) {
      // The stack is measured from main's entry: crt0 may move SP (semihosting HEAPINFO) before it.
      this.stackTop = this.pendingSp;
      this.windowMinSp = this.pendingSp;
      this.runMinSp = 0xffffffff;
    }
    void pc;
  }

  private functionAt(pc: number): number {
    let lo = 0;
    let hi = this.fnStart.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.fnStart[mid]! <= pc) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found >= 0 && pc < this.fnEnd[found]! ? found : this.unknownFn;
  }

  private setTopRange(fn: number): void {
    if (fn === this.unknownFn) { this.topStart = 0; this.topEnd = 0; return; }
    this.topStart = this.fnStart[fn]!;
    this.topEnd = this.fnEnd[fn]!;
  }

  private pushFrame(node: number, returnAddress: number, exception: number, arg: number): void {
    if (this.depth === this.stackNode.length) {
      this.stackNode = grow(this.stackNode, this.depth * 2);
      this.stackReturn = grow(this.stackReturn, this.depth * 2);
      this.stackException = grow(this.stackException, this.depth * 2);
      this.stackArg = grow(this.stackArg, this.depth * 2);
    }
    const d = this.depth++;
    this.stackNode[d] = node;
    this.stackReturn[d] = returnAddress;
    this.stackException[d] = exception;
    this.stackArg[d] = arg;
    this.setTopRange(this.nodeFn[node]!);
  }

  /** Pops frames down to depth `d` (frames d and above go), noting returns from _sbrk. */
  private popTo(d: number): void {
    for (let k = this.depth - 1; k >= d; k--) {
      if (this.nodeFn[this.stackNode[k]!] === this.sbrkFn && this.stackException[k] === 0) this.noteSbrk(this.stackArg[k]!, this.pendingR0);
    }
    this.depth = Math.max(1, d);
    this.setTopRange(this.nodeFn[this.stackNode[this.depth - 1]!]!);
  }

  /** _sbrk(increment) returned the previous break (or -1 when refused). */
  private noteSbrk(increment: number, previous: number): void {
    if (previous === 0xffffffff) return;
    if (this.heapStart < 0) this.heapStart = previous;
    const end = previous + (increment | 0);
    if (end > this.heapHighEnd) this.heapHighEnd = end;
  }

  private child(parent: number, fn: number): number {
    const key = parent * 1048576 + fn;
    const found = this.children.get(key);
    if (found !== undefined) return found;
    const node = this.newNode(parent, fn);
    this.children.set(key, node);
    return node;
  }

  private newNode(parent: number, fn: number): number {
    if (this.nodeCount === this.nodeFn.length) {
      const n = this.nodeCount * 2;
      this.nodeFn = grow(this.nodeFn, n);
      this.nodeParent = grow(this.nodeParent, n);
      this.nodeCalls = grow(this.nodeCalls, n);
      this.nodeCycles = grow(this.nodeCycles, n);
      this.nodeInstructions = grow(this.nodeInstructions, n);
      this.nodeStalls = grow(this.nodeStalls, n * N_CAUSES);
    }
    const k = this.nodeCount++;
    this.nodeFn[k] = fn;
    this.nodeParent[k] = parent;
    return k;
  }

  private readonly stallNow = new Float64Array(N_CAUSES);

  private readStalls(into: Float64Array): void {
    if (this.stallSource) into.set(this.stallSource);
    into[N_CAUSES - 1] = this.cpu.stalls.sleep;
  }

  /** Charges everything since the segment started to the frame on top. */
  private closeSegment(): void {
    const cpu = this.cpu;
    const node = this.stackNode[this.depth - 1]!;
    this.nodeCycles[node] += cpu.cycles - this.segCycles;
    this.nodeInstructions[node] += cpu.instructions - this.segInstructions;
    this.segCycles = cpu.cycles;
    this.segInstructions = cpu.instructions;
    const now = this.stallNow;
    this.readStalls(now);
    const base = node * N_CAUSES;
    for (let i = 0; i < N_CAUSES; i++) {
      this.nodeStalls[base + i] += now[i]! - this.segStalls[i]!;
      this.segStalls[i] = now[i]!;
    }
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
