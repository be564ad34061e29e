/**
 * The ARMv7-M exception model (ARMv7-M ARM DDI 0403E B1.5): priorities, pending/active state,
 * fault escalation to HardFault, lockup, exception entry with stacking (including the FP context,
 * lazily reserved per FPCCR), exception return, tail-chaining by taking the next pending exception at
 * the return boundary. The NVIC/SCB registers (src/mcu/system) are views onto this state.
 */
import type { Cpu } from './cpu.js';
import type { ExceptionModel } from './exception-model.js';
import { Fault, FAULT_NAMES, FaultSignal, StopSignal } from './faults.js';
import { BusError } from './memory.js';

import {
  BFARVALID, CFSR_BIT, EXC, FPCCR_STATE, HFSR_DEBUGEVT, HFSR_FORCED, HFSR_VECTTBL, MMARVALID, faultException,
} from './exception-numbers.js';

import { executeFpCheck, lazyStateBits } from './exception-fp.js';

export { EXC, FPCCR_STATE } from './exception-numbers.js';

export class ExceptionUnit implements ExceptionModel {
  readonly count: number;
  readonly pending: Uint8Array;
  readonly active: Uint8Array;
  /** IRQ enable (NVIC_ISER) per exception number; system exceptions are always "enabled" here. */
  readonly enabled: Uint8Array;
  /** Configured priority byte per exception number (Reset/NMI/HardFault fixed at -3/-2/-1). */
  readonly priority: Int16Array;
  /** Implemented priority bits (the top bits of each 8-bit field), from the board: 4 on STM32, 8 in QEMU 7.2 mps2-an386. */
  readonly priorityMask: number;
  vtor = 0;
  prigroup = 0;
  /** SHCSR enable bits: MEMFAULTENA (16), BUSFAULTENA (17), USGFAULTENA (18) and the active/pended views. */
  shcsrEnables = 0;
  cfsr = 0;
  hfsr = 0;
  mmfar = 0;
  bfar = 0;
  /** CCR.STKALIGN (reset 1 on r0p1); DIV_0_TRP and UNALIGN_TRP live on the CPU. */
  stkAlign = true;
  /** CCR.NONBASETHRDENA: Thread mode may be returned to with other exceptions still active. */
  nonBaseThreadEnable = false;
  /** SCR.SLEEPONEXIT: the core sleeps when it returns to Thread mode from the last active exception. */
  sleepOnExit = false;
  /** FPCCR: ASPEN (31), LSPEN (30), LSPACT (0) + the ready bits recorded at lazy reservation. */
  fpccr = 0xc0000000;
  fpcar = 0;
  /** FPDSCR: the FPSCR defaults loaded on exception entry (AHP, DN, FZ, RMode). */
  fpdscr = 0;
  /** Counters for the report and DWT.EXCCNT. */
  taken = 0;
  lockedUp = false;

  constructor(
    private readonly cpu: Cpu,
    irqCount: number,
    priorityBits: number,
  ) {
    this.count = 16 + irqCount;
    this.pending = new Uint8Array(this.count);
    this.active = new Uint8Array(this.count);
    this.enabled = new Uint8Array(this.count);
    this.priority = new Int16Array(this.count);
    this.priorityMask = (0xff << (8 - priorityBits)) & 0xff;
    for (let k = 0; k < 16; k++) this.enabled[k] = 1;
    this.priority[EXC.Reset] = -3;
    this.priority[EXC.NMI] = -2;
    this.priority[EXC.HardFault] = -1;
  }

  reset(): void {
    this.pending.fill(0);
    this.active.fill(0);
    for (let k = 16; k < this.count; k++) this.enabled[k] = 0;
    for (let k = 4; k < this.count; k++) this.priority[k] = 0;
    this.vtor = 0;
    this.prigroup = 0;
    this.shcsrEnables = 0;
    this.cfsr = this.hfsr = this.mmfar = this.bfar = 0;
    this.fpccr = 0xc0000000;
    this.fpcar = 0;
    this.fpdscr = 0;
    this.lockedUp = false;
    this.tailChaining = false;
  }

  /** Group priority of a priority value under AIRCR.PRIGROUP (B1.5.4). */
  groupPriority(p: number): number {
    if (p < 0) return p;
    const subBits = this.prigroup + 1;
    return p & ~((1 << subBits) - 1) & 0xff;
  }

  /** The current execution priority (B1.5.4 ExecutionPriority). */
  executionPriority(): number {
    let highest = 256;
    for (let k = 1; k < this.count; k++) {
      if (this.active[k] && this.groupPriority(this.priority[k]!) < highest) highest = this.groupPriority(this.priority[k]!);
    }
    const cpu = this.cpu;
    let boosted = 256;
    if (cpu.basepri !== 0) boosted = this.groupPriority(cpu.basepri & this.priorityMask);
    if (cpu.primask & 1) boosted = 0;
    if (cpu.faultmask & 1) boosted = -1;
    return Math.min(highest, boosted);
  }

  setPending(exc: number): void {
    this.pending[exc] = 1;
    this.cpu.exceptionCheck = true;
  }

  /**
   * The highest-priority pending enabled exception (B1.5.4: lowest priority value, group and
   * subpriority together, then lowest number), or 0. Masking is not applied here (ICSR.VECTPENDING).
   */
  highestPending(): number {
    let best = 0;
    let bestPrio = 1 << 10;
    for (let k = 2; k < this.count; k++) {
      if (!this.pending[k] || !this.enabled[k]) continue;
      const p = this.priority[k]!;
      if (p < bestPrio) {
        best = k;
        bestPrio = p;
      }
    }
    return best;
  }

  /** The pending exception that would be taken now (its group priority pre-empts the current), or 0. */
  bestPending(): number {
    const best = this.highestPending();
    if (best === 0 || this.groupPriority(this.priority[best]!) >= this.executionPriority()) return 0;
    return best;
  }

  // ---- ExceptionModel ------------------------------------------------------------------------

  wakeupPending(): boolean {
    const best = this.highestPending();
    if (best === 0) return false;
    const cpu = this.cpu;
    const primask = cpu.primask;
    cpu.primask = 0;
    const wakes = this.groupPriority(this.priority[best]!) < this.executionPriority();
    cpu.primask = primask;
    return wakes;
  }

  takePending(): void {
    const exc = this.bestPending();
    if (exc === 0) return;
    this.cpu.sleeping = false;
    this.pending[exc] = 0;
    // An interrupt is taken between instructions: the return address is the next instruction.
    this.enter(exc, this.cpu.pc);
  }

  fault(fault: Fault, address: number): void {
    const cpu = this.cpu;
    let exc = faultException(fault);
    this.cfsr |= CFSR_BIT[fault];
    if (address >= 0 && exc === EXC.BusFault && fault === Fault.PRECISERR) {
      this.bfar = address >>> 0;
      this.cfsr |= BFARVALID;
    }
    if (address >= 0 && exc === EXC.MemManage && fault === Fault.DACCVIOL) {
      this.mmfar = address >>> 0;
      this.cfsr |= MMARVALID;
    }
    if (fault === Fault.VECTTBL) this.hfsr |= HFSR_VECTTBL;
    if (fault === Fault.DEBUGEVT) this.hfsr |= HFSR_DEBUGEVT;
    if (exc !== EXC.HardFault) {
      const enableBit = exc === EXC.MemManage ? 16 : exc === EXC.BusFault ? 17 : 18;
      const canTake = (this.shcsrEnables >>> enableBit) & 1 && this.groupPriority(this.priority[exc]!) < this.executionPriority();
      if (!canTake) {
        exc = EXC.HardFault;
        this.hfsr |= HFSR_FORCED;
      }
    }
    if (exc === EXC.HardFault && this.executionPriority() <= -1) {
      this.lockup(`${FAULT_NAMES[fault]} while at priority ${this.executionPriority()} (in HardFault or NMI)`);
    }
    // A synchronous fault returns to the faulting instruction. INVSTATE means EPSR.T was 0, and the
    // stacked xPSR says so (a handler that resumes must set T again).
    this.enter(exc, cpu.pc, fault !== Fault.INVSTATE);
  }

  supervisorCall(): void {
    const cpu = this.cpu;
    if (this.groupPriority(this.priority[EXC.SVCall]!) >= this.executionPriority()) {
      this.hfsr |= HFSR_FORCED;
      if (this.executionPriority() <= -1) this.lockup('SVC while in HardFault or NMI');
      this.enter(EXC.HardFault, cpu.nextPC);
    } else {
      this.enter(EXC.SVCall, cpu.nextPC);
    }
    cpu.branched = true;
  }

  beforeFpInstruction(): void {
    executeFpCheck(this, this.cpu);
  }

  exceptionReturn(excReturn: number): void {
    const cpu = this.cpu;
    const exc = cpu.ipsr;
    const toThread = (excReturn & 8) !== 0;
    // B1.5.8: bits [27:5] all ones, [3:0] one of 0001 (Handler), 1001 (Thread, MSP), 1101 (Thread,
    // PSP); the returning exception active; back to Thread only from the last active exception
    // unless CCR.NONBASETHRDENA.
    if ((excReturn & 0x0fffffe0) !== 0x0fffffe0 || ((0x2202 >>> (excReturn & 0xf)) & 1) === 0 || !this.active[exc]
      || (toThread && !this.nonBaseThreadEnable && this.activeCount() !== 1)) {
      this.invalidReturn(excReturn, exc);
      return;
    }
    const usePsp = (excReturn & 4) !== 0;
    const wasPsp = cpu.usingPsp;
    const frameAddr = usePsp ? cpu.pspValue : cpu.mspValue;
    // PopStack (B1.5.8): read the whole frame first, so a bus error leaves the registers untouched.
    const fpFrame = (excReturn & 0x10) === 0;
    const restoreFp = fpFrame && (this.fpccr & 1) === 0; // LSPACT: the FP state was never written
    const frame = this.popBuffer;
    try {
      for (let k = 0; k < 8; k++) frame[k] = cpu.readA(frameAddr + 4 * k, 4);
      if (restoreFp) for (let k = 8; k < 25; k++) frame[k] = cpu.readA(frameAddr + 4 * k, 4);
    } catch (e) {
      // An MPU violation (a memory-protection check on the core's accesses) is MUNSTKERR instead.
      const mpu = e instanceof FaultSignal && e.fault === Fault.DACCVIOL;
      if (!mpu && !(e instanceof BusError)) throw e;
      this.unstackingFault(excReturn, exc, mpu);
      return;
    }
    const psr = frame[7]!;
    // The stacked IPSR must agree with the mode returned to (B1.5.8), else INVPC with the frame left
    // in place (the ARM ARM pops it and pushes it again).
    if (toThread ? (psr & 0x1ff) !== 0 : (psr & 0x1ff) === 0) {
      this.invalidReturn(excReturn, exc);
      return;
    }
    this.deactivate(exc);
    for (let k = 0; k < 4; k++) cpu.r[k] = frame[k]!;
    cpu.r[12] = frame[4]!;
    cpu.r[14] = frame[5]!;
    const returnAddress = frame[6]!;
    let frameSize = 0x20;
    if (fpFrame) {
      if (restoreFp) {
        for (let k = 0; k < 16; k++) cpu.sBits[k] = frame[8 + k]!;
        cpu.fpscr = frame[24]!;
      } else this.fpccr &= ~1;
      frameSize = 0x68;
    }
    const fpRestored = restoreFp;
    if (psr & (1 << 9) && (this.stkAlign || frameSize === 0x68)) frameSize += 4;
    const newSp = (frameAddr + frameSize) >>> 0;
    cpu.apsr = psr;
    cpu.ipsr = toThread ? 0 : psr & 0x1ff;
    cpu.itstate = ((psr >>> 25) & 3) | (((psr >>> 10) & 0x3f) << 2);
    cpu.control = (cpu.control & ~2) | (toThread && usePsp ? 2 : 0);
    cpu.control = (cpu.control & ~4) | ((excReturn & 0x10) === 0 ? 4 : 0);
    cpu.syncStackPointer(wasPsp);
    if (usePsp) cpu.setPsp(newSp); else cpu.setMsp(newSp);
    cpu.nextPC = returnAddress & ~1;
    if (((psr >>> 24) & 1) === 0) cpu.pendingInvState = true;
    // ExceptionReturn ends with ClearExclusiveLocal, SetEventRegister and, back in Thread mode with
    // nothing active, SleepOnExit (B1.5.8): the next interrupt is taken before Thread mode runs again.
    cpu.exclusiveAddress = -1;
    cpu.eventRegister = 1;
    if (toThread && this.sleepOnExit && this.activeCount() === 0) cpu.sleeping = true;
    cpu.exceptionCheck = true;
    // Timing (TRM §3.9.1): a pending exception that now wins is tail-chained (6 cycles, no unstack and
    // restack); otherwise the return costs 10, or 27 when the FP registers are restored.
    this.tailChaining = this.bestPending() !== 0;
    cpu.cycleModel.exceptionEvent?.(cpu, this.tailChaining ? 'tailChain' : fpRestored ? 'returnFp' : 'return');
    cpu.observer?.exceptionReturn(excReturn);
  }

  private readonly popBuffer = new Uint32Array(25);

  /**
   * A bus error while popping the frame (B1.5.8): the returning exception is deactivated, BFSR.UNSTKERR
   * set, and BusFault (HardFault when it cannot be taken) is taken at once with LR holding the
   * EXC_RETURN value and nothing stacked, as for an illegal return.
   */
  private unstackingFault(excReturn: number, exc: number, mpu = false): void {
    this.deactivate(exc);
    this.cfsr |= CFSR_BIT[mpu ? Fault.MUNSTKERR : Fault.UNSTKERR];
    const target = this.escalate(mpu ? EXC.MemManage : EXC.BusFault);
    if (target === EXC.HardFault && this.executionPriority() <= -1) this.lockup('bus fault while unstacking in HardFault or NMI');
    this.exceptionTaken(target, (0xf0000000 | excReturn) >>> 0, this.cpu.usingPsp);
    this.cpu.cycleModel.exceptionEvent?.(this.cpu, 'tailChain');
    this.cpu.observer?.exceptionEntry(target, (0xf0000000 | excReturn) >>> 0);
  }

  /** DeActivate (B1.5.8): FAULTMASK clears on leaving any exception but NMI. */
  private deactivate(exc: number): void {
    this.active[exc] = 0;
    if (exc !== EXC.NMI) this.cpu.faultmask = 0;
  }

  private activeCount(): number {
    let n = 0;
    for (let k = 1; k < this.count; k++) n += this.active[k]!;
    return n;
  }

  /**
   * An illegal exception return (B1.5.8): the returning exception is deactivated, UFSR.INVPC set,
   * LR keeps the EXC_RETURN value, and UsageFault (or HardFault by escalation) is taken at once,
   * without stacking: the interrupted context's frame stays where it was.
   */
  private invalidReturn(excReturn: number, exc: number): void {
    const cpu = this.cpu;
    this.deactivate(exc);
    this.cfsr |= CFSR_BIT[Fault.INVPC];
    const target = this.escalate(EXC.UsageFault);
    if (target === EXC.HardFault && this.executionPriority() <= -1) this.lockup('INVPC (illegal exception return) in HardFault or NMI');
    this.exceptionTaken(target, (0xf0000000 | excReturn) >>> 0, cpu.usingPsp);
    cpu.cycleModel.exceptionEvent?.(cpu, 'tailChain');
    cpu.observer?.exceptionEntry(target, (0xf0000000 | excReturn) >>> 0);
  }

  /** The return just done tail-chains into the next entry, whose cycles it already counted. */
  private tailChaining = false;

  // ---- entry ---------------------------------------------------------------------------------

  private escalate(exc: number): number {
    const enableBit = exc === EXC.MemManage ? 16 : exc === EXC.BusFault ? 17 : 18;
    if ((this.shcsrEnables >>> enableBit) & 1 && this.groupPriority(this.priority[exc]!) < this.executionPriority()) return exc;
    this.hfsr |= HFSR_FORCED;
    return EXC.HardFault;
  }

  private lockup(reason: string): never {
    this.lockedUp = true;
    throw new StopSignal(`lockup: ${reason}`);
  }

  /** ExceptionEntry (B1.5.6): push the frame, set LR to EXC_RETURN, jump to the vector. */
  enter(exc: number, returnAddress: number, thumb = true): void {
    const cpu = this.cpu;
    const fpFrame = (cpu.control & 4) !== 0;
    const wasPsp = cpu.usingPsp;
    let sp = cpu.r[13]!;
    const frameSize = fpFrame ? 0x68 : 0x20;
    // PushStack (B1.5.6): an FP frame is always 8-byte aligned, a basic one when CCR.STKALIGN.
    const align = (this.stkAlign || fpFrame) && ((sp - frameSize) & 4) !== 0 ? 4 : 0;
    sp = (sp - frameSize - align) >>> 0;
    const xpsr = (cpu.xpsr & ~(1 << 9) & ~(thumb ? 0 : 1 << 24)) | (align ? 1 << 9 : 0);
    let stackingFailed = false;
    let mpuViolation = false;
    try {
      for (let k = 0; k < 4; k++) cpu.writeA(sp + 4 * k, 4, cpu.r[k]!);
      cpu.writeA(sp + 16, 4, cpu.r[12]!);
      cpu.writeA(sp + 20, 4, cpu.r[14]!);
      cpu.writeA(sp + 24, 4, returnAddress >>> 0);
      cpu.writeA(sp + 28, 4, xpsr >>> 0);
      if (fpFrame) {
        if (this.fpccr & (1 << 30)) {
          // Lazy stacking: reserve the space, record where, defer the writes to the next FP use.
          this.fpcar = (sp + 0x20) >>> 0;
          this.fpccr = (this.fpccr & ~FPCCR_STATE) | lazyStateBits(this, cpu);
        } else {
          for (let k = 0; k < 16; k++) cpu.writeA(sp + 0x20 + 4 * k, 4, cpu.sBits[k]!);
          cpu.writeA(sp + 0x60, 4, cpu.fpscr);
        }
      }
    } catch (e) {
      // An MPU violation (a memory-protection check on the core's accesses) is MSTKERR instead.
      mpuViolation = e instanceof FaultSignal && e.fault === Fault.DACCVIOL;
      if (!mpuViolation && !(e instanceof BusError)) throw e;
      stackingFailed = true;
    }
    cpu.r[13] = sp;
    const excReturn = (0xffffffe1 | (fpFrame ? 0 : 0x10) | (cpu.ipsr === 0 ? 8 : 0) | (wasPsp ? 4 : 0)) >>> 0;
    // A failed push turns the entry into a derived BusFault/HardFault (or leaves it pending).
    if (stackingFailed) exc = this.stackingFault(exc, mpuViolation);
    this.exceptionTaken(exc, excReturn, wasPsp);
    if (this.tailChaining) this.tailChaining = false;
    else cpu.cycleModel.exceptionEvent?.(cpu, fpFrame && (this.fpccr & (1 << 30)) === 0 ? 'entryFp' : 'entry');
    cpu.observer?.exceptionEntry(cpu.ipsr, returnAddress >>> 0);
  }

  /**
   * A bus error while pushing the frame (the SP ran into unmapped memory): CFSR.STKERR, and a BusFault
   * (HardFault when BusFault cannot be taken) pended as a derived exception. The frame's contents are
   * UNKNOWN. Whichever of it and the exception being entered has the higher priority is taken; the
   * other stays pending (as QEMU 7.2 does).
   */
  private stackingFault(exc: number, mpu: boolean): number {
    this.cfsr |= CFSR_BIT[mpu ? Fault.MSTKERR : Fault.STKERR];
    const derived = this.escalate(mpu ? EXC.MemManage : EXC.BusFault);
    if (derived === EXC.HardFault && this.executionPriority() <= -1) this.lockup('bus fault while stacking in HardFault or NMI');
    this.pending[exc] = 1;
    this.pending[derived] = 1;
    const p = this.priority;
    return p[derived]! < p[exc]! || (p[derived] === p[exc] && derived < exc) ? derived : exc;
  }

  /** ExceptionTaken (B1.5.6): Handler mode on MSP, LR = EXC_RETURN, jump to the vector. */
  private exceptionTaken(exc: number, excReturn: number, wasPsp: boolean): void {
    const cpu = this.cpu;
    const vector = this.readVector(exc);
    cpu.r[14] = excReturn;
    cpu.ipsr = exc;
    cpu.itstate = 0;
    cpu.syncStackPointer(wasPsp);
    cpu.control &= ~(2 | 4);
    cpu.r[13] = cpu.msp;
    this.active[exc] = 1;
    this.pending[exc] = 0;
    cpu.exclusiveAddress = -1;
    cpu.nextPC = vector & ~1;
    cpu.pc = cpu.nextPC;
    cpu.branched = true;
    if ((vector & 1) === 0) cpu.pendingInvState = true;
    this.taken++;
    cpu.exceptionCheck = true;
  }

  private readVector(exc: number): number {
    try {
      return this.cpu.bus.read((this.vtor + 4 * exc) >>> 0, 4);
    } catch {
      this.hfsr |= HFSR_VECTTBL;
      if (exc === EXC.HardFault) this.lockup('vector table read failed for HardFault');
      return this.cpu.bus.read((this.vtor + 4 * EXC.HardFault) >>> 0, 4);
    }
  }
}
