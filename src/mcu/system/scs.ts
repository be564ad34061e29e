/**
 * The System Control Space at 0xE000E000 (ARMv7-M ARM B3.2-B3.4, Cortex-M4 TRM §4): SCB, NVIC,
 * SysTick, the FP control registers, CPACR and the MPU's registers. The registers are views onto the
 * ExceptionUnit's state; writes that can unmask or pend an exception ask the CPU to check.
 */
import type { Cpu } from '../../cpu/cpu.js';
import { EXC, FPCCR_STATE, type ExceptionUnit } from '../../cpu/exceptions.js';
import type { Peripheral } from '../peripheral.js';
import { BusError } from '../../cpu/memory.js';
import type { SysTick } from './systick.js';

export interface ScsConfig {
  cpuid: number;
  irqCount: number;
  /** Report an access the model does not implement (address, write, value). */
  unmodelled: (address: number, write: boolean, value: number) => void;
  /** SCB.AIRCR.SYSRESETREQ: the runner resets the machine. */
  resetRequest: () => void;
  /** After a write to ACTLR (its DISFOLD bit turns IT folding off in the core's timing). */
  actlrWritten?: (actlr: number) => void;
}

/** ID_PFR0..ID_ISAR4 and MVFR0/1 of the Cortex-M4 with FPU (TRM §4.1 Table 4-1, §7.3 Table 7-4). */
const FEATURE_REGS: Record<number, number> = {
  0xd40: 0x00000030, 0xd44: 0x00000200, 0xd48: 0x00100000, 0xd4c: 0x00000000,
  0xd50: 0x00100030, 0xd54: 0x00000000, 0xd58: 0x00000000, 0xd5c: 0x00000000,
  0xd60: 0x01101110, 0xd64: 0x02111000, 0xd68: 0x21112231, 0xd6c: 0x01111110, 0xd70: 0x01310132,
  0xf40: 0x10110021, 0xf44: 0x11000011,
};

export class SystemControlSpace implements Peripheral {
  readonly name = 'scs';
  readonly base = 0xe000e000;
  readonly size = 0x1000;
  actlr = 0;
  scr = 0;
  cpacr = 0;
  ccr = 0x200; // STKALIGN set at reset on r0p1
  demcr = 0;
  readonly mpu = new Uint32Array(0x30 / 4);

  constructor(
    private readonly cpu: Cpu,
    private readonly exc: ExceptionUnit,
    private readonly systick: SysTick,
    private readonly config: ScsConfig,
  ) {}

  reset(): void {
    this.actlr = this.scr = this.cpacr = this.demcr = 0;
    this.exc.sleepOnExit = false;
    this.ccr = 0x200;
    this.mpu.fill(0);
    this.applyCcr();
    this.cpu.fpuEnabled = false;
  }

  /**
   * The SCS is privileged-only (B3.2.1): an unprivileged access is a precise BusFault, except a
   * write to STIR when CCR.USERSETMPEND allows it (QEMU 7.2 does the same).
   */
  private checkPrivilege(offset: number, write: boolean): void {
    const cpu = this.cpu;
    if (cpu.ipsr !== 0 || (cpu.control & 1) === 0) return;
    if (write && (offset & ~3) === 0xf00 && this.ccr & 2) return;
    throw new BusError(this.base + offset, write, 'unprivileged access to the System Control Space');
  }

  read(offset: number, width: 1 | 2 | 4): number {
    this.checkPrivilege(offset, false);
    const word = this.readWord(offset & ~3);
    return width === 4 ? word : (word >>> (8 * (offset & 3))) & (width === 1 ? 0xff : 0xffff);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    this.checkPrivilege(offset, true);
    if (width !== 4 && this.writeBytes(offset, width, value)) return;
    this.writeWord(offset & ~3, value >>> 0);
  }

  private readWord(o: number): number {
    const e = this.exc;
    if (o >= 0x100 && o < 0x140) return this.irqBits(e.enabled, o - 0x100);
    if (o >= 0x180 && o < 0x1c0) return this.irqBits(e.enabled, o - 0x180);
    if (o >= 0x200 && o < 0x240) return this.irqBits(e.pending, o - 0x200);
    if (o >= 0x280 && o < 0x2c0) return this.irqBits(e.pending, o - 0x280);
    if (o >= 0x300 && o < 0x340) return this.irqBits(e.active, o - 0x300);
    if (o >= 0x400 && o < 0x5f0) {
      let v = 0;
      for (let b = 0; b < 4; b++) v |= this.priorityByte(16 + (o - 0x400) + b) << (8 * b);
      return v >>> 0;
    }
    if (o >= 0xd90 && o < 0xdc0) return o === 0xd90 ? 0x800 : this.mpu[(o - 0xd90) >>> 2]!; // MPU_TYPE: 8 regions
    if (FEATURE_REGS[o] !== undefined) return FEATURE_REGS[o]!;
    switch (o) {
      case 0x004: return Math.max(0, Math.ceil(this.config.irqCount / 32) - 1); // ICTR
      case 0x008: return this.actlr;
      case 0x010: return this.systick.readCsr();
      case 0x014: return this.systick.rvr;
      case 0x018: return this.systick.readCvr();
      case 0x01c: return this.systick.calib;
      case 0xd00: return this.config.cpuid;
      case 0xd04: return this.icsr();
      case 0xd08: return e.vtor;
      case 0xd0c: return (0xfa050000 | (e.prigroup << 8)) >>> 0;
      case 0xd10: return this.scr;
      case 0xd14: return this.ccr;
      case 0xd18: case 0xd1c: case 0xd20: {
        let v = 0;
        for (let b = 0; b < 4; b++) v |= this.priorityByte(4 + (o - 0xd18) + b) << (8 * b);
        return v >>> 0;
      }
      case 0xd24: return this.shcsr();
      case 0xd28: return e.cfsr >>> 0;
      case 0xd2c: return e.hfsr >>> 0;
      case 0xd30: return 0; // DFSR: no debugger attached
      case 0xd34: return e.mmfar;
      case 0xd38: return e.bfar;
      case 0xd3c: return 0; // AFSR: IMPLEMENTATION DEFINED, none on Cortex-M4
      case 0xd88: return this.cpacr;
      case 0xdf0: return 0; // DHCSR: no debugger
      case 0xdfc: return this.demcr;
      case 0xf34: return e.fpccr >>> 0;
      case 0xf38: return e.fpcar;
      case 0xf3c: return e.fpdscr;
    }
    if (o >= 0xfd0) return 0; // peripheral/component ID registers read as 0 here
    this.config.unmodelled(this.base + o, false, 0);
    return 0;
  }

  private writeWord(o: number, v: number): void {
    const e = this.exc;
    const cpu = this.cpu;
    if (o >= 0x100 && o < 0x140) return this.setIrqBits(e.enabled, o - 0x100, v, 1);
    if (o >= 0x180 && o < 0x1c0) return this.setIrqBits(e.enabled, o - 0x180, v, 0);
    if (o >= 0x200 && o < 0x240) return this.setIrqBits(e.pending, o - 0x200, v, 1);
    if (o >= 0x280 && o < 0x2c0) return this.setIrqBits(e.pending, o - 0x280, v, 0);
    if (o >= 0x400 && o < 0x5f0) {
      for (let b = 0; b < 4; b++) this.setPriority(16 + (o - 0x400) + b, (v >>> (8 * b)) & 0xff);
      return;
    }
    if (o >= 0xd94 && o < 0xdc0) {
      this.mpu[(o - 0xd90) >>> 2] = v;
      // The MPU's registers hold their values but regions are not enforced: turning it on is reported.
      if (o === 0xd94 && v & 1) this.config.unmodelled(this.base + o, true, v);
      return;
    }
    switch (o) {
      case 0x008: this.actlr = v & 0x307; this.config.actlrWritten?.(this.actlr); return;
      case 0x010: this.systick.writeCsr(v); this.rescheduled(); return;
      case 0x014: this.systick.sync(); this.systick.rvr = v & 0xffffff; this.rescheduled(); return;
      case 0x018: this.systick.writeCvr(); this.rescheduled(); return;
      case 0xd04: return this.writeIcsr(v);
      case 0xd08: e.vtor = v & 0xffffff80; return;
      case 0xd0c:
        if (v >>> 16 !== 0x05fa) return; // VECTKEY must match, else the write is ignored
        e.prigroup = (v >>> 8) & 7;
        if (v & 4) this.config.resetRequest();
        cpu.exceptionCheck = true;
        return;
      case 0xd10: this.scr = v & 0x16; e.sleepOnExit = (v & 2) !== 0; return;
      case 0xd14: this.ccr = v & 0x31b; this.applyCcr(); return; // STKALIGN is RW on the M4 r0p1 (and in QEMU)
      case 0xd18: case 0xd1c: case 0xd20:
        for (let b = 0; b < 4; b++) this.setPriority(4 + (o - 0xd18) + b, (v >>> (8 * b)) & 0xff);
        return;
      case 0xd24: e.shcsrEnables = v & 0x70000; this.writeShcsrState(v); cpu.exceptionCheck = true; return;
      case 0xd28: e.cfsr &= ~v; return; // write-one-to-clear
      case 0xd2c: e.hfsr &= ~v; return;
      case 0xd34: e.mmfar = v; return;
      case 0xd38: e.bfar = v; return;
      case 0xd88:
        this.cpacr = v & 0x00f00000;
        cpu.fpuEnabled = ((v >>> 20) & 0xf) === 0xf || ((v >>> 20) & 0xf) === 0x5;
        return;
      case 0xdfc: this.demcr = v & 0x010f07f1; return;
      case 0xf00: // STIR: software trigger interrupt
        if ((v & 0x1ff) < this.config.irqCount) e.setPending(16 + (v & 0x1ff));
        return;
      case 0xf34: e.fpccr = (v & (0xc0000000 | FPCCR_STATE)) >>> 0; return; // ASPEN, LSPEN and the state bits are RW
      case 0xf38: e.fpcar = v & ~7; return;
      case 0xf3c: e.fpdscr = v & 0x07c00000; return;
    }
    this.config.unmodelled(this.base + o, true, v);
  }

  /** Byte/halfword writes to the byte-addressable priority registers. */
  private writeBytes(offset: number, width: 1 | 2, value: number): boolean {
    const ipr = offset >= 0x400 && offset < 0x5f0;
    const shpr = offset >= 0xd18 && offset < 0xd24;
    if (!ipr && !shpr) return false;
    for (let b = 0; b < width; b++) {
      const exc = ipr ? 16 + (offset - 0x400) + b : 4 + (offset - 0xd18) + b;
      this.setPriority(exc, (value >>> (8 * b)) & 0xff);
    }
    return true;
  }

  private irqBits(arr: Uint8Array, byteOffset: number): number {
    let v = 0;
    const first = 16 + byteOffset * 8;
    for (let k = 0; k < 32; k++) if (first + k < this.exc.count && arr[first + k]) v |= 1 << k;
    return v >>> 0;
  }

  private setIrqBits(arr: Uint8Array, byteOffset: number, v: number, to: number): void {
    const first = 16 + byteOffset * 8;
    for (let k = 0; k < 32; k++) if ((v >>> k) & 1 && first + k < this.exc.count) arr[first + k] = to;
    this.cpu.exceptionCheck = true;
  }

  private priorityByte(exc: number): number {
    if (exc >= this.exc.count || exc < 4) return 0;
    return this.exc.priority[exc]! & 0xff;
  }

  private setPriority(exc: number, value: number): void {
    if (exc < 4 || exc >= this.exc.count) return;
    if (exc < 16 && ![EXC.MemManage, EXC.BusFault, EXC.UsageFault, EXC.SVCall, EXC.DebugMonitor, EXC.PendSV, EXC.SysTick].includes(exc as 4)) return;
    this.exc.priority[exc] = value & this.exc.priorityMask;
    this.cpu.exceptionCheck = true;
  }

  private icsr(): number {
    const e = this.exc;
    let v = this.cpu.ipsr & 0x1ff;
    let isrPending = 0;
    for (let k = 16; k < e.count; k++) if (e.pending[k] && e.enabled[k]) isrPending = 1;
    v |= e.highestPending() << 12;
    if (isrPending) v |= 1 << 22;
    let activeCount = 0;
    for (let k = 1; k < e.count; k++) if (e.active[k]) activeCount++;
    // RETTOBASE: no active exception besides the current one. UNKNOWN in Thread mode (B3.2.4); 1 there
    // too when none is active, as in QEMU 7.2.
    if (activeCount <= 1) v |= 1 << 11;
    if (e.pending[EXC.SysTick]) v |= 1 << 26;
    if (e.pending[EXC.PendSV]) v |= 1 << 28;
    if (e.pending[EXC.NMI]) v |= 1 << 31;
    return v >>> 0;
  }

  private writeIcsr(v: number): void {
    const e = this.exc;
    if (v & (1 << 31)) e.setPending(EXC.NMI);
    if (v & (1 << 28)) e.setPending(EXC.PendSV);
    if (v & (1 << 27)) e.pending[EXC.PendSV] = 0;
    if (v & (1 << 26)) e.setPending(EXC.SysTick);
    if (v & (1 << 25)) e.pending[EXC.SysTick] = 0;
  }

  private shcsr(): number {
    const e = this.exc;
    let v = e.shcsrEnables;
    const bit = (cond: number, b: number) => { if (cond) v |= 1 << b; };
    bit(e.active[EXC.MemManage]!, 0); bit(e.active[EXC.BusFault]!, 1); bit(e.active[EXC.UsageFault]!, 3);
    bit(e.active[EXC.SVCall]!, 7); bit(e.active[EXC.DebugMonitor]!, 8); bit(e.active[EXC.PendSV]!, 10);
    bit(e.active[EXC.SysTick]!, 11); bit(e.pending[EXC.UsageFault]!, 12); bit(e.pending[EXC.MemManage]!, 13);
    bit(e.pending[EXC.BusFault]!, 14); bit(e.pending[EXC.SVCall]!, 15);
    return v >>> 0;
  }

  private writeShcsrState(v: number): void {
    const e = this.exc;
    const set = (arr: Uint8Array, exc: number, b: number) => { arr[exc] = (v >>> b) & 1; };
    set(e.active, EXC.MemManage, 0); set(e.active, EXC.BusFault, 1); set(e.active, EXC.UsageFault, 3);
    set(e.active, EXC.SVCall, 7); set(e.active, EXC.DebugMonitor, 8); set(e.active, EXC.PendSV, 10);
    set(e.active, EXC.SysTick, 11); set(e.pending, EXC.UsageFault, 12); set(e.pending, EXC.MemManage, 13);
    set(e.pending, EXC.BusFault, 14); set(e.pending, EXC.SVCall, 15);
  }

  /** CCR bits the hot path needs live on the CPU (B3.2.8). */
  private applyCcr(): void {
    this.cpu.unalignTrap = (this.ccr & 8) !== 0;
    this.cpu.divZeroTrap = (this.ccr & 16) !== 0;
    this.exc.stkAlign = (this.ccr & 0x200) !== 0;
    this.exc.nonBaseThreadEnable = (this.ccr & 1) !== 0;
  }

  /** SysTick changed: the CPU recomputes when it next needs attention. */
  private rescheduled(): void {
    this.cpu.nextEventCycle = Math.min(this.cpu.nextEventCycle, this.systick.nextEventCycle());
  }
}
