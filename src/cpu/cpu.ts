/**
 * The Cortex-M4 core: architectural state (ARMv7-M ARM B1.4), the fetch/decode cache and the run
 * loop. Instruction semantics live in src/cpu/handlers (selected by isa/), exception entry/return in
 * the ExceptionModel, cycle costs in the cycle model. Hot-path rules: no allocation per instruction,
 * flags as small integers, decoded instructions cached per halfword address.
 */
import { type MemoryBus, type MemoryRegion, HOST_LITTLE_ENDIAN, createRegion, BusError } from './memory.js';
import { type Decoder, thumbDecoder, is32BitPrefix } from './decoder.js';
import { type ExceptionModel, stopOnException } from './exception-model.js';
import { Fault, FaultSignal, StopSignal } from './faults.js';
import { Insn } from './insn.js';
import { M4CycleModel } from './cycle-model.js';
import { HOT_THRESHOLD, heatScaleAfter, translateBlock } from './block-compiler.js';
import type { ExecutionObserver } from './observer.js';
import { conditionPassed, itAdvance } from './instruction-protocol.js';

/** Exception-model events that cost cycles (Cortex-M4 TRM §3.9.1); see src/cpu/cycle-model.ts. */
export type ExceptionEvent = 'entry' | 'entryFp' | 'return' | 'returnFp' | 'tailChain' | 'lazyFpSave';

/** Per-instruction cost hook (issue 3's cycle model, src/cpu/cycle-model.ts). Called after each executed instruction. */
export interface CycleModel {
  /** Cycles for `insn`, just executed (cpu.branched tells whether it wrote the PC). */
  cost(cpu: Cpu, insn: Insn, passed: boolean): number;
  /** Adds the cycles of an exception entry/return/tail-chain/lazy FP save to cpu.cycles. */
  exceptionEvent?(cpu: Cpu, event: ExceptionEvent): void;
  /**
   * For translated blocks: the source of a call (with `model` and `cpu` in scope, `passed` the
   * source of the condition result) returning cost(cpu, insn, passed) for `insn` at `pc`, or
   * undefined to have the block call cost() itself. `previous`: the instruction the block retires
   * just before this one, if any (what the model may settle at translation time, such as no fetch-line change).
   */
  blockCostCall?(insn: Insn, pc: number, passed: string, previous?: { pc: number; size: number }): string | undefined;
}

/** The empty data window (size 0: every access misses). */
const NO_REGION = createRegion('none', 0, 0, 'sram');

export class Cpu {
  /** r[0..12], r[13] = the active SP, r[14] = LR; r[15] reads as this instruction's address + 4. */
  readonly r = new Uint32Array(16);
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  q = 0;
  /** APSR.GE[3:0] */
  ge = 0;
  /** EPSR.IT[7:0]: firstcond[3:0]:mask[3:0] as in ITSTATE (0 = not in an IT block). */
  itstate = 0;
  /** 1 while executing an instruction inside an IT block (InITBlock()). */
  inIT = 0;
  /** IPSR: the current exception number, 0 in Thread mode. */
  ipsr = 0;
  msp = 0;
  psp = 0;
  primask = 0;
  faultmask = 0;
  basepri = 0;
  /**
   * The implemented BASEPRI bits: the top `priority bits` of the byte (ARMv7-M ARM B1.4.3; the
   * others read as zero and ignore writes). Set from the board's NVIC priority bits.
   */
  basepriMask = 0xff;
  /** CONTROL: bit0 nPRIV, bit1 SPSEL, bit2 FPCA. */
  control = 0;

  /** S0..S31 as raw bits (NaN payloads preserved) with a float view on the same storage. */
  readonly sBits = new Uint32Array(32);
  readonly s = new Float32Array(this.sBits.buffer);
  fpscr = 0;

  /** Address of the instruction being executed. */
  pc = 0;
  /** Where execution continues after this instruction; handlers set it through the *WritePC helpers. */
  nextPC = 0;
  /** The current instruction wrote the PC (taken branch, load to PC, exception return). */
  branched = false;

  cycles = 0;
  instructions = 0;
  /** Address of the last data access (readU/readA/writeU/writeA), for the cycle model's memory timing. */
  dataAddress = 0;
  /** SDIV/UDIV operands, recorded by their handlers before the result is written (the divide's cycles depend on them). */
  operandA = 0;
  operandB = 0;
  /**
   * Extra-cycle totals by cause, kept by the cycle model, read by DWT's 8-bit counters (CPICNT,
   * EXCCNT, SLEEPCNT, LSUCNT, FOLDCNT: ARMv7-M ARM C1.8) and by the stall breakdown of the report.
   */
  readonly stalls = { cpi: 0, exc: 0, sleep: 0, lsu: 0, fold: 0 };
  /** The cycle count at which a device wants attention (SysTick reload, ...). */
  nextEventCycle = Infinity;
  /** The run's cycle limit and instruction count to stop at, for translated blocks. */
  cycleStop = Infinity;
  instructionStop = Infinity;
  /** Translate hot straight-line code into JavaScript functions (src/cpu/block-compiler.ts). */
  translateBlocks = true;
  /** Runs of an instruction (as a dispatch target) before its block is translated; tests use 1. */
  get blockThreshold(): number {
    return this.plainThreshold;
  }

  set blockThreshold(runs: number) {
    this.plainThreshold = runs;
    this.translateAt = runs * this.heatScale;
  }

  private plainThreshold = HOT_THRESHOLD;
  /** blockThreshold's multiplier, raised as the translated blocks add up (heatScaleAfter). */
  private heatScale = 1;
  /** blockThreshold x heatScale, kept up to date so the run loop's hot check is one compare. */
  private translateAt = HOT_THRESHOLD;
  /** Set by devices/NVIC when an exception may have become pending or unmasked. */
  exceptionCheck = false;
  halted = false;
  sleeping = false;
  stopReason = '';

  exceptions: ExceptionModel = stopOnException;
  /** The Cortex-M4 cycle model (isa/TIMING.md); zero wait states until the machine gives it its memory timing. */
  cycleModel: CycleModel = new M4CycleModel();
  /** BKPT handler (semihosting answers BKPT 0xAB); returns false when the BKPT is not handled. */
  onBreakpoint: (cpu: Cpu, imm8: number) => boolean = () => false;
  /** Called when cycles reach nextEventCycle. */
  onEvent: (cpu: Cpu) => void = (cpu) => { cpu.nextEventCycle = Infinity; };
  /** The attached execution observer (src/cpu/observer.ts), or null; set it with setObserver(). */
  observer: ExecutionObserver | null = null;

  /**
   * Attaches an execution observer (null detaches it). Translated blocks are built with or without
   * observer calls, so the existing ones are dropped and rebuilt the next time they run.
   */
  setObserver(observer: ExecutionObserver | null): void {
    if (observer === this.observer) return;
    this.observer = observer;
    for (const head of this.translatedHeads) head.block = null;
    this.translatedHeads.clear();
    this.setHeatScale(1);
  }

  private setHeatScale(scale: number): void {
    this.heatScale = scale;
    this.translateAt = this.plainThreshold * scale;
  }

  /** The instructions that got a translated block, so setObserver() can drop them all. */
  private readonly translatedHeads = new Set<Insn>();

  private codeRegion: MemoryRegion | undefined;
  private codeBase = 0;
  private codeEnd = 0;
  /** Stands for "no previous instruction" in the run loop: its link caches the first fetch. */
  private readonly startLink = new Insn(() => false, 'none', '-', 0, 2, 0);
  /** The code region's decode cache, for the run loop's inline lookup (empty until the first fetch). */
  private codeIndex: Int32Array = new Int32Array(0);
  private codeDecoded: Insn[] = [];

  constructor(
    readonly bus: MemoryBus,
    readonly decoder: Decoder = thumbDecoder(),
  ) {}

  // ---- APSR / xPSR -------------------------------------------------------------------------

  get apsr(): number {
    return ((this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28) | (this.q << 27) | (this.ge << 16)) >>> 0;
  }

  set apsr(value: number) {
    this.n = (value >>> 31) & 1;
    this.z = (value >>> 30) & 1;
    this.c = (value >>> 29) & 1;
    this.v = (value >>> 28) & 1;
    this.q = (value >>> 27) & 1;
    this.ge = (value >>> 16) & 0xf;
  }

  /** xPSR as stacked on exception entry: APSR | EPSR (T=1, IT) | IPSR. */
  get xpsr(): number {
    const it = this.itstate;
    return (this.apsr | (1 << 24) | ((it & 3) << 25) | ((it >>> 2) << 10) | this.ipsr) >>> 0;
  }

  setNZ(result: number): void {
    this.n = result >>> 31;
    this.z = result === 0 ? 1 : 0;
  }

  /** ConditionPassed for a 4-bit condition (ARM ARM A7.3.1; src/cpu/instruction-protocol.ts). */
  conditionPassed(cond: number): boolean {
    return conditionPassed(cond, this.n, this.z, this.c, this.v);
  }

  // ---- stack pointers and modes --------------------------------------------------------------

  get handlerMode(): boolean {
    return this.ipsr !== 0;
  }

  /** True when SP_process is the active stack (Thread mode with CONTROL.SPSEL). */
  get usingPsp(): boolean {
    return this.ipsr === 0 && (this.control & 2) !== 0;
  }

  /** Writes CONTROL, switching the banked SP when SPSEL changes. */
  setControl(value: number): void {
    const wasPsp = this.usingPsp;
    if (wasPsp) this.psp = this.r[13]!; else this.msp = this.r[13]!;
    this.control = value & 7;
    this.r[13] = this.usingPsp ? this.psp : this.msp;
  }

  /** Makes `sp` current after ipsr/control changed (exception entry/return). */
  syncStackPointer(wasPsp: boolean): void {
    if (wasPsp) this.psp = this.r[13]!; else this.msp = this.r[13]!;
    this.r[13] = this.usingPsp ? this.psp : this.msp;
  }

  get mspValue(): number {
    return this.usingPsp ? this.msp : this.r[13]!;
  }

  get pspValue(): number {
    return this.usingPsp ? this.r[13]! : this.psp;
  }

  setMsp(v: number): void {
    if (this.usingPsp) this.msp = v & ~3; else this.r[13] = v & ~3;
  }

  setPsp(v: number): void {
    if (this.usingPsp) this.r[13] = v & ~3; else this.psp = v & ~3;
  }

  // ---- register writes and PC writes (ARM ARM A2.3.1) -----------------------------------------

  /** R[d] = value, with the ARM ARM's ALUWritePC when d is 15 and the SP's low bits cleared. */
  setReg(d: number, value: number): void {
    if (d === 15) this.branchWritePC(value);
    else if (d === 13) this.r[13] = value & ~3;
    else this.r[d] = value;
  }

  /** BranchWritePC / ALUWritePC: bit 0 ignored. */
  branchWritePC(address: number): void {
    this.nextPC = (address & ~1) >>> 0;
    this.branched = true;
  }

  /** BXWritePC / BLXWritePC / LoadWritePC: EXC_RETURN in Handler mode, else interworking rules. */
  bxWritePC(address: number): void {
    address >>>= 0;
    this.branched = true;
    if (this.ipsr !== 0 && address >>> 28 === 0xf) {
      this.nextPC = address;
      this.exceptions.exceptionReturn(address);
      return;
    }
    if ((address & 1) === 0) {
      // Clearing EPSR.T: the next instruction faults with INVSTATE (ARM ARM A2.3.1 note).
      this.nextPC = address;
      this.pendingInvState = true;
      return;
    }
    this.nextPC = (address & ~1) >>> 0;
  }

  /** EPSR.T was cleared by an interworking branch; the next fetch raises INVSTATE. */
  pendingInvState = false;

  // ---- memory access (ARM ARM B2.3.x MemA / MemU) ---------------------------------------------

  /** CCR.UNALIGN_TRP, mirrored here by the SCB so the hot path does not ask it. */
  unalignTrap = false;

  /** CCR.DIV_0_TRP: SDIV/UDIV by zero raise UsageFault DIVBYZERO instead of returning 0. */
  divZeroTrap = false;
  /** CPACR grants CP10/CP11 (full access): otherwise FP instructions raise UsageFault NOCP. */
  fpuEnabled = false;
  /** Local exclusive monitor (ARM ARM A3.4): the tagged address, or -1 when Open Access. */
  exclusiveAddress = -1;
  /** The event register of WFE/SEV (ARM ARM B1.5.18): 1 = an event is latched, WFE consumes it. */
  eventRegister = 0;

  /** MemU: unaligned allowed (LDR/STR/LDRH/STRH/LDRT...), unless CCR.UNALIGN_TRP. */
  readU(address: number, width: 1 | 2 | 4): number {
    this.dataAddress = address;
    const off = (address - this.readBase) >>> 0;
    if (off < this.readSize && (address & (width - 1)) === 0) return this.readWindow(off, width);
    if (width !== 1 && (address & (width - 1)) !== 0) {
      if (this.unalignTrap) throw new FaultSignal(Fault.UNALIGNED, address >>> 0);
      return this.readUnaligned(address, width);
    }
    return this.readBus(address, width);
  }

  writeU(address: number, width: 1 | 2 | 4, value: number): void {
    this.dataAddress = address;
    const off = (address - this.writeBase) >>> 0;
    if (off < this.writeSize && (address & (width - 1)) === 0) {
      this.writeWindow(off, width, value);
      return;
    }
    if (width !== 1 && (address & (width - 1)) !== 0) {
      if (this.unalignTrap) throw new FaultSignal(Fault.UNALIGNED, address >>> 0);
      for (let k = 0; k < width; k++) this.bus.write(address + k, 1, (value >>> (8 * k)) & 0xff);
      return;
    }
    this.writeBus(address, width, value);
  }

  /**
   * The unprivileged accesses of LDRT/STRT and their byte/halfword forms (ARM ARM A7.7: MemU_unpriv):
   * checked as if unprivileged even when the core is privileged. Without an MPU the privilege changes
   * nothing, so these are MemU; the MPU installs checking versions on the Cpu object while enabled.
   */
  readUnprivileged(address: number, width: 1 | 2 | 4): number {
    return this.readU(address, width);
  }

  writeUnprivileged(address: number, width: 1 | 2 | 4, value: number): void {
    this.writeU(address, width, value);
  }

  /** MemA: must be aligned (LDM/STM, LDRD/STRD, LDREX/STREX, VLDR/VSTR, stacking) or UsageFault. */
  readA(address: number, width: 1 | 2 | 4): number {
    this.dataAddress = address;
    if ((address & (width - 1)) !== 0) throw new FaultSignal(Fault.UNALIGNED, address >>> 0);
    const off = (address - this.readBase) >>> 0;
    if (off < this.readSize) return this.readWindow(off, width);
    return this.readBus(address, width);
  }

  writeA(address: number, width: 1 | 2 | 4, value: number): void {
    this.dataAddress = address;
    if ((address & (width - 1)) !== 0) throw new FaultSignal(Fault.UNALIGNED, address >>> 0);
    const off = (address - this.writeBase) >>> 0;
    if (off < this.writeSize) this.writeWindow(off, width, value);
    else this.writeBus(address, width, value);
  }

  // The data windows: the RAM/flash region of the last data read and of the last data write, accessed
  // directly through typed arrays when aligned (what Bus.read/write would do, without the page-table
  // walk). A region's mapping never changes once made, so a window stays valid; the write window never
  // holds flash (writes there are BusFaults, raised by the bus).
  private readBase = 0;
  private readSize = 0;
  private readRegion: MemoryRegion = NO_REGION;
  private writeBase = 0;
  private writeSize = 0;
  private writeRegion: MemoryRegion = NO_REGION;

  private readWindow(off: number, width: 1 | 2 | 4): number {
    const region = this.readRegion;
    if (width === 4) return region.words[off >>> 2]!;
    if (width === 2) return region.halves[off >>> 1]!;
    return region.bytes[off]!;
  }

  private writeWindow(off: number, width: 1 | 2 | 4, value: number): void {
    const region = this.writeRegion;
    if (width === 4) region.words[off >>> 2] = value;
    else if (width === 2) region.halves[off >>> 1] = value;
    else region.bytes[off] = value;
    // A store over decoded code: forget the instructions that overlap the written bytes (as Bus.write).
    if (region.insnIndex !== undefined) this.bus.forgetCode(region.insnIndex, off, width);
  }

  /**
   * Reads that went through the bus (outside the read window), the only reads that can reach a
   * device: a translated block re-checks for device events after a load only when this moved.
   */
  busReads = 0;

  /** An aligned access outside the read window: through the bus, then move the window to its region. */
  private readBus(address: number, width: 1 | 2 | 4): number {
    this.busReads++;
    const value = this.bus.read(address, width);
    const region = this.bus.regionFor(address);
    if (region !== undefined && HOST_LITTLE_ENDIAN) {
      this.readRegion = region;
      this.readBase = this.bus.foundBase;
      this.readSize = region.size;
    }
    return value;
  }

  private writeBus(address: number, width: 1 | 2 | 4, value: number): void {
    this.bus.write(address, width, value);
    const region = this.bus.regionFor(address);
    if (region !== undefined && region.kind !== 'flash' && HOST_LITTLE_ENDIAN) {
      this.writeRegion = region;
      this.writeBase = this.bus.foundBase;
      this.writeSize = region.size;
    }
  }

  private readUnaligned(address: number, width: 2 | 4): number {
    this.busReads++;
    let v = 0;
    for (let k = width - 1; k >= 0; k--) v = (v * 256) + this.bus.read(address + k, 1);
    return v >>> 0;
  }

  // ---- fetch and decode cache ----------------------------------------------------------------

  /** The decoded instruction at `pc` (cached per halfword; the bus clears entries on writes). */
  fetch(pc: number): Insn {
    let off = pc - this.codeBase;
    if (off < 0 || off >= this.codeEnd - this.codeBase || this.codeRegion === undefined) {
      // The default memory map marks Peripheral, Device and System space Execute Never
      // (ARMv7-M ARM B3.1.1 Table B3-1): fetching there is a MemManage IACCVIOL, not a bus error.
      const top = pc >>> 29;
      if (top === 2 || top >= 5) throw new FaultSignal(Fault.IACCVIOL);
      const hit = this.bus.regionAt(pc);
      if (!hit) throw new FaultSignal(Fault.IBUSERR, pc);
      this.codeRegion = hit.region;
      this.codeBase = pc - hit.offset;
      this.codeEnd = this.codeBase + hit.region.size;
      off = hit.offset;
    }
    const region = this.codeRegion;
    const cache = region.insnIndex ?? (region.insnIndex = new Int32Array(region.size >>> 1));
    this.codeIndex = cache;
    this.codeDecoded = region.decoded;
    const k = cache[off >>> 1]!;
    if (k !== 0) return region.decoded[k - 1]!;
    const hw1 = region.view.getUint16(off, true);
    let hw2 = 0;
    if (is32BitPrefix(hw1)) {
      if (off + 4 > region.size) throw new FaultSignal(Fault.IBUSERR, pc + 2);
      hw2 = region.view.getUint16(off + 2, true);
    }
    const insn = this.decoder.decode(hw1, hw2);
    region.decoded.push(insn);
    cache[off >>> 1] = region.decoded.length;
    return insn;
  }

  /** Whether a 32-bit instruction starts at `address` (false when nothing is mapped there); never faults. */
  startsWide(address: number): boolean {
    const off = address - this.codeBase;
    if (this.codeRegion !== undefined && off >= 0 && off + 2 <= this.codeEnd - this.codeBase) {
      return is32BitPrefix(this.codeRegion.view.getUint16(off, true));
    }
    const hit = this.bus.regionAt(address);
    return hit !== undefined && hit.offset + 2 <= hit.region.size && is32BitPrefix(hit.region.view.getUint16(hit.offset, true));
  }

  // ---- execution -----------------------------------------------------------------------------

  /**
   * Runs until halted, `maxInstructions` executed, or `cycles` reaches `cycleLimit`. Faults inside
   * an instruction are turned into exceptions by the exception model; JavaScript errors from a
   * handler propagate (they are simulator bugs, reported by the runner with the PC).
   */
  run(maxInstructions: number, cycleLimit = Infinity): void {
    const stopAt = this.instructions + maxInstructions;
    while (!this.halted && this.instructions < stopAt && this.cycles < cycleLimit) {
      try {
        this.runInner(stopAt, cycleLimit);
      } catch (e) {
        this.handleSignal(e);
      }
    }
  }

  /** Turns a signal thrown inside an instruction into an exception, or a stop. */
  private handleSignal(e: unknown): void {
    try {
      if (e instanceof FaultSignal) {
        this.abandonInstruction();
        this.exceptions.fault(e.fault, e.address);
      } else if (e instanceof BusError) {
        this.abandonInstruction();
        this.exceptions.fault(Fault.PRECISERR, e.address);
      } else {
        throw e;
      }
    } catch (inner) {
      if (!(inner instanceof StopSignal)) throw inner;
      this.halted = true;
      this.stopReason = inner.reason;
    }
  }

  /** Executes exactly one instruction (or takes one pending exception). For tests and debuggers. */
  step(): void {
    this.run(1);
  }

  /** The faulting instruction did not complete: restore the IT state it started with. */
  private abandonInstruction(): void {
    this.itstate = this.itAtStart;
    this.nextPC = this.pc;
    this.branched = false;
  }

  itAtStart = 0;

  /**
   * Runs the translated block of `head`, then the blocks its exits lead to, for as long as nothing
   * needs the run loop's attention (a pending exception, a halt or sleep, an INVSTATE, an IT block,
   * a limit) and the next PC starts a valid block; leaves cpu.pc at the next instruction to run.
   */
  private runBlocks(head: Insn, stopAt: number, cycleLimit: number): void {
    this.itAtStart = 0;
    this.inIT = 0;
    let b = head;
    for (;;) {
      this.branched = false;
      b.block!(this);
      if (this.exceptionCheck || this.halted || this.sleeping || this.pendingInvState || this.itstate !== 0 || this.cycles >= cycleLimit) return;
      const pc = this.pc;
      let next: Insn | null;
      if (b.chainPC1 === pc) next = b.chain1;
      else if (b.chainPC2 === pc) next = b.chain2;
      else {
        const half = ((pc - this.codeBase) >>> 0) >>> 1;
        const k = half < this.codeIndex.length ? this.codeIndex[half]! : 0;
        if (k === 0) return;
        next = this.codeDecoded[k - 1]!;
        // keep the two most recent exits: the newest in slot 1
        b.chain2 = b.chain1;
        b.chainPC2 = b.chainPC1;
        b.chain1 = next;
        b.chainPC1 = pc;
      }
      if (next === null || next.block === null || next.blockEpoch !== this.bus.codeEpoch || next.blockPC !== pc ||
        this.instructions + next.blockLength > stopAt) return;
      b = next;
    }
  }

  /** Translates the block starting at `insn` (at `pc`), or marks it as not starting one. */
  private translate(insn: Insn, pc: number, epoch: number): void {
    const block = translateBlock(pc, (address) => this.fetch(address), this);
    // fetch() may have moved the code window to another region; the loop looks up `pc` again
    this.fetch(pc);
    if (block === null) {
      insn.heat = -1;
      return;
    }
    insn.block = block.fn;
    this.translatedHeads.add(insn);
    this.setHeatScale(heatScaleAfter(this.translatedHeads.size));
    insn.blockLength = block.length;
    insn.blockEpoch = epoch;
    insn.blockPC = pc;
  }

  private runInner(stopAt: number, cycleLimit: number): void {
    const r = this.r;
    const model = this.cycleModel;
    const bus = this.bus;
    const observer = this.observer;
    let prev = this.startLink;
    this.cycleStop = cycleLimit;
    this.instructionStop = stopAt;
    while (this.instructions < stopAt && this.cycles < cycleLimit && !this.halted) {
      if (this.exceptionCheck) {
        this.exceptionCheck = false;
        this.exceptions.takePending();
      }
      if (this.sleeping) {
        // A pending exception masked only by PRIMASK wakes the core without being taken (B1.5.19).
        if (this.exceptions.wakeupPending()) {
          this.sleeping = false;
          continue;
        }
        // WFI/WFE: time passes until the next device event wakes the core.
        if (this.nextEventCycle === Infinity) throw new StopSignal('WFI with no interrupt source enabled: the core sleeps for ever');
        const asleepFrom = this.cycles;
        this.cycles = Math.max(this.cycles, this.nextEventCycle);
        this.stalls.sleep += this.cycles - asleepFrom;
        this.onEvent(this);
        continue;
      }
      const pc = this.pc;
      if (this.pendingInvState) {
        this.pendingInvState = false;
        throw new FaultSignal(Fault.INVSTATE);
      }
      // The instruction that followed `prev` last time, when it is at this PC and no code was
      // overwritten since; else the decode cache of the current code region (fetch() on a miss).
      const epoch = bus.codeEpoch;
      let insn: Insn;
      if (prev.succPC === pc && prev.succEpoch === epoch) insn = prev.succ!;
      else {
        const half = ((pc - this.codeBase) >>> 0) >>> 1;
        const k = half < this.codeIndex.length ? this.codeIndex[half]! : 0;
        insn = k !== 0 ? this.codeDecoded[k - 1]! : this.fetch(pc);
        prev.succ = insn;
        prev.succPC = pc;
        prev.succEpoch = epoch;
      }
      const it = this.itstate;
      if (it === 0 && this.translateBlocks) {
        // A translated block from here (outside IT blocks only): it runs whole or stops where the
        // interpreter would look again, leaving cpu.pc at the next instruction to run.
        if (insn.block !== null && insn.blockEpoch === epoch && insn.blockPC === pc) {
          if (this.instructions + insn.blockLength <= stopAt) {
            this.runBlocks(insn, stopAt, cycleLimit);
            prev = this.startLink;
            continue;
          }
        } else if (insn.heat >= 0 && ++insn.heat >= this.translateAt) {
          this.translate(insn, pc, epoch);
          continue;
        }
      }
      prev = insn;
      r[15] = pc + 4;
      this.nextPC = pc + insn.size;
      this.branched = false;
      this.itAtStart = it;
      let passed = true;
      if (it !== 0) {
        this.inIT = 1;
        passed = this.conditionPassed(it >>> 4);
        this.itstate = itAdvance(it);
      } else {
        this.inIT = 0;
        if (insn.cond !== 14) passed = this.conditionPassed(insn.cond);
      }
      if (passed && !insn.exec(this, insn)) throw new FaultSignal(Fault.UNDEFINSTR);
      this.cycles += model.cost(this, insn, passed);
      this.instructions++;
      this.pc = this.nextPC;
      if (observer !== null) observer.retired(pc, pc, 1);
      if (this.cycles >= this.nextEventCycle) this.onEvent(this);
    }
  }
}

