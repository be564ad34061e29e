/**
 * The System Control Space at 0xE000E000 (ARMv7-M ARM B3.2-B3.4, Cortex-M4 TRM §4): SCB, NVIC,
 * SysTick, the FP control registers, CPACR and the MPU's registers. The registers are declared once
 * as a register map (`SCS_REGISTERS`, like the peripherals' maps: src/mcu/register-map.ts); most are
 * views onto the ExceptionUnit's or SysTick's state, so each register also has a behaviour (how it
 * reads, what a write does). Writes that can unmask or pend an exception ask the CPU to check.
 */
import type { Cpu } from '../../cpu/cpu.js';
import { EXC, FPCCR_STATE, type ExceptionUnit } from '../../cpu/exceptions.js';
import type { Peripheral } from '../peripheral.js';
import { BusError } from '../../cpu/memory.js';
import { applyWrite, registerMap, type RegisterInfo, type RegisterSpec } from '../register-map.js';
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
  /** The MPU (src/mcu/system/mpu.ts): its registers at 0xD90-0xDBB are views onto it. */
  mpu?: { read(offset: number): number; write(offset: number, value: number): void };
}

const ro = (offset: number, reset = 0): RegisterSpec => ({ offset, reset, access: 'r' });
const rw = (offset: number, writeMask?: number, reset = 0): RegisterSpec => ({ offset, reset, access: 'rw', ...(writeMask === undefined ? {} : { writeMask }) });

/** `count` word registers NAME0, NAME1, ... from `offset` (the NVIC's per-interrupt arrays). */
function wordArray(name: string, offset: number, count: number, access: RegisterSpec['access']): Record<string, RegisterSpec> {
  return Object.fromEntries(Array.from({ length: count }, (_, n) => [`${name}${n}`, { offset: offset + 4 * n, reset: 0, access }]));
}

/** Where each NVIC array starts and how many words it has (496 interrupts; IPR: 124 words of 4). */
const NVIC_ARRAYS = {
  NVIC_ISER: { offset: 0x100, words: 16 },
  NVIC_ICER: { offset: 0x180, words: 16 },
  NVIC_ISPR: { offset: 0x200, words: 16 },
  NVIC_ICPR: { offset: 0x280, words: 16 },
  NVIC_IABR: { offset: 0x300, words: 16 },
  NVIC_IPR: { offset: 0x400, words: 124 },
} as const;

/**
 * Every register of the SCS that the model answers, with ARMv7-M ARM names. Reset values are those
 * of the registers that hold plain state here; views (ICSR, SHCSR, the NVIC arrays, SysTick) read
 * their owner's state. Feature registers: TRM §4.1 Table 4-1 and §7.3 Table 7-4 (Cortex-M4 with FPU).
 */
export const SCS_REGISTERS = registerMap('SCS', {
  ICTR: ro(0x004),
  ACTLR: rw(0x008, 0x307),
  SYST_CSR: rw(0x010),
  SYST_RVR: rw(0x014),
  SYST_CVR: rw(0x018),
  SYST_CALIB: ro(0x01c),
  ...wordArray('NVIC_ISER', NVIC_ARRAYS.NVIC_ISER.offset, NVIC_ARRAYS.NVIC_ISER.words, 'rw'),
  ...wordArray('NVIC_ICER', NVIC_ARRAYS.NVIC_ICER.offset, NVIC_ARRAYS.NVIC_ICER.words, 'rw'),
  ...wordArray('NVIC_ISPR', NVIC_ARRAYS.NVIC_ISPR.offset, NVIC_ARRAYS.NVIC_ISPR.words, 'rw'),
  ...wordArray('NVIC_ICPR', NVIC_ARRAYS.NVIC_ICPR.offset, NVIC_ARRAYS.NVIC_ICPR.words, 'rw'),
  ...wordArray('NVIC_IABR', NVIC_ARRAYS.NVIC_IABR.offset, NVIC_ARRAYS.NVIC_IABR.words, 'r'),
  ...wordArray('NVIC_IPR', NVIC_ARRAYS.NVIC_IPR.offset, NVIC_ARRAYS.NVIC_IPR.words, 'rw'),
  CPUID: ro(0xd00),
  ICSR: rw(0xd04),
  VTOR: rw(0xd08, 0xffffff80),
  AIRCR: rw(0xd0c),
  SCR: rw(0xd10, 0x16),
  // STKALIGN is set at reset on r0p1 and RW on the M4 (and in QEMU).
  CCR: rw(0xd14, 0x31b, 0x200),
  SHPR1: rw(0xd18),
  SHPR2: rw(0xd1c),
  SHPR3: rw(0xd20),
  SHCSR: rw(0xd24),
  CFSR: { offset: 0xd28, reset: 0, access: 'rc_w1' },
  HFSR: { offset: 0xd2c, reset: 0, access: 'rc_w1' },
  DFSR: ro(0xd30), // no debugger attached
  MMFAR: rw(0xd34),
  BFAR: rw(0xd38),
  AFSR: ro(0xd3c), // IMPLEMENTATION DEFINED, none on Cortex-M4
  ID_PFR0: ro(0xd40, 0x00000030),
  ID_PFR1: ro(0xd44, 0x00000200),
  ID_DFR0: ro(0xd48, 0x00100000),
  ID_AFR0: ro(0xd4c),
  ID_MMFR0: ro(0xd50, 0x00100030),
  ID_MMFR1: ro(0xd54),
  ID_MMFR2: ro(0xd58),
  ID_MMFR3: ro(0xd5c),
  ID_ISAR0: ro(0xd60, 0x01101110),
  ID_ISAR1: ro(0xd64, 0x02111000),
  ID_ISAR2: ro(0xd68, 0x21112231),
  ID_ISAR3: ro(0xd6c, 0x01111110),
  ID_ISAR4: ro(0xd70, 0x01310132),
  CPACR: rw(0xd88, 0x00f00000),
  MPU_TYPE: ro(0xd90, 0x800), // 8 regions
  MPU_CTRL: rw(0xd94),
  MPU_RNR: rw(0xd98),
  MPU_RBAR: rw(0xd9c),
  MPU_RASR: rw(0xda0),
  MPU_RBAR_A1: rw(0xda4),
  MPU_RASR_A1: rw(0xda8),
  MPU_RBAR_A2: rw(0xdac),
  MPU_RASR_A2: rw(0xdb0),
  MPU_RBAR_A3: rw(0xdb4),
  MPU_RASR_A3: rw(0xdb8),
  DHCSR: ro(0xdf0), // no debugger
  DEMCR: rw(0xdfc, 0x010f07f1),
  STIR: { offset: 0xf00, reset: 0, access: 'w' },
  // ASPEN, LSPEN and the lazy-stacking state bits are RW.
  FPCCR: rw(0xf34, (0xc0000000 | FPCCR_STATE) >>> 0),
  FPCAR: rw(0xf38, 0xfffffff8),
  FPDSCR: rw(0xf3c, 0x07c00000),
  MVFR0: ro(0xf40, 0x10110021),
  MVFR1: ro(0xf44, 0x11000011),
  // Peripheral and component ID registers read as 0 here.
  ...wordArray('ID', 0xfd0, 12, 'r'),
});

/** How one register reads and what a write of `written` (bytes in place, in `laneMask`) does. */
interface Behaviour {
  read(): number;
  write(written: number, laneMask: number): void;
}

export class SystemControlSpace implements Peripheral {
  readonly name = 'scs';
  readonly base = 0xe000e000;
  readonly size = 0x1000;
  /** Values of the registers that hold plain state here, by RegisterInfo.index. */
  private readonly values = Uint32Array.from(SCS_REGISTERS.registers, (r) => r.reset);
  private readonly behaviours: Behaviour[];

  constructor(
    private readonly cpu: Cpu,
    private readonly exc: ExceptionUnit,
    private readonly systick: SysTick,
    private readonly config: ScsConfig,
  ) {
    this.behaviours = SCS_REGISTERS.registers.map((r) => this.behaviourOf(r));
  }

  get actlr(): number { return this.stored('ACTLR'); }
  get demcr(): number { return this.stored('DEMCR'); }

  reset(): void {
    for (const r of SCS_REGISTERS.registers) this.values[r.index] = r.reset;
    this.exc.sleepOnExit = false;
    this.applyCcr();
    this.cpu.fpuEnabled = false;
  }

  read(offset: number, width: 1 | 2 | 4): number {
    this.checkPrivilege(offset, false);
    const reg = registerAt(offset, width);
    if (reg === undefined || reg.access === 'w') {
      this.config.unmodelled(this.base + offset, false, 0);
      return 0;
    }
    const word = this.behaviours[reg.index]!.read() >>> 0;
    return width === 4 ? word : (word >>> (8 * (offset & 3))) & (width === 1 ? 0xff : 0xffff);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    this.checkPrivilege(offset, true);
    const reg = registerAt(offset, width);
    if (reg === undefined || reg.access === 'r') {
      this.config.unmodelled(this.base + offset, true, value >>> 0);
      return;
    }
    const shift = (offset & 3) * 8;
    const laneMask = width === 4 ? 0xffffffff : ((width === 1 ? 0xff : 0xffff) << shift) >>> 0;
    this.behaviours[reg.index]!.write(((value << shift) & laneMask) >>> 0, laneMask);
  }

  /**
   * The SCS is privileged-only (B3.2.1): an unprivileged access is a precise BusFault, except a
   * write to STIR when CCR.USERSETMPEND allows it (QEMU 7.2 does the same).
   */
  private checkPrivilege(offset: number, write: boolean): void {
    const cpu = this.cpu;
    if (cpu.ipsr !== 0 || (cpu.control & 1) === 0) return;
    if (write && (offset & ~3) === 0xf00 && this.stored('CCR') & 2) return;
    throw new BusError(this.base + offset, write, 'unprivileged access to the System Control Space');
  }

  private stored(name: keyof typeof SCS_REGISTERS.byName): number {
    return this.values[SCS_REGISTERS.byName[name]!.index]!;
  }

  /** A register whose value is kept here; `then` runs after every write with the new value. */
  private plain(reg: RegisterInfo, then?: (value: number) => void): Behaviour {
    return {
      read: () => this.values[reg.index]!,
      write: (written, laneMask) => {
        this.values[reg.index] = applyWrite(reg, this.values[reg.index]!, written, laneMask);
        then?.(this.values[reg.index]!);
      },
    };
  }

  /** A view onto state kept elsewhere: a partial write keeps the bytes it does not cover. */
  private view(read: () => number, write: (value: number) => void, writeMask = 0xffffffff): Behaviour {
    return { read, write: (written, laneMask) => write(((read() & ~laneMask) | (written & laneMask & writeMask)) >>> 0) };
  }

  private behaviourOf(reg: RegisterInfo): Behaviour {
    const e = this.exc;
    const cpu = this.cpu;
    const array = nvicArrayOf(reg);
    if (array !== undefined) return this.nvicBehaviour(array.name, array.word);
    const shpr = /^SHPR([123])$/.exec(reg.name);
    if (shpr) return this.priorityWord(4 * Number(shpr[1]));
    const mpu = this.config.mpu;
    if (mpu && reg.name.startsWith('MPU_')) return this.view(() => mpu.read(reg.offset), (v) => mpu.write(reg.offset, v));
    switch (reg.name) {
      case 'ICTR': return { read: () => Math.max(0, Math.ceil(this.config.irqCount / 32) - 1), write: () => {} };
      case 'ACTLR': return this.plain(reg, (v) => this.config.actlrWritten?.(v));
      case 'SYST_CSR': return this.view(() => this.systick.readCsr(), (v) => { this.systick.writeCsr(v); this.rescheduled(); });
      case 'SYST_RVR': return this.view(() => this.systick.rvr, (v) => { this.systick.sync(); this.systick.rvr = v & 0xffffff; this.rescheduled(); });
      case 'SYST_CVR': return { read: () => this.systick.readCvr(), write: () => { this.systick.writeCvr(); this.rescheduled(); } };
      case 'SYST_CALIB': return { read: () => this.systick.calib, write: () => {} };
      case 'CPUID': return { read: () => this.config.cpuid, write: () => {} };
      case 'ICSR': return { read: () => this.icsr(), write: (v) => this.writeIcsr(v) };
      case 'VTOR': return this.view(() => e.vtor, (v) => { e.vtor = v; }, reg.writeMask);
      case 'AIRCR': return this.view(() => (0xfa050000 | (e.prigroup << 8)) >>> 0, (v) => {
        if (v >>> 16 !== 0x05fa) return; // VECTKEY must match, else the write is ignored
        e.prigroup = (v >>> 8) & 7;
        if (v & 4) this.config.resetRequest();
        cpu.exceptionCheck = true;
      });
      case 'SCR': return this.plain(reg, (v) => { e.sleepOnExit = (v & 2) !== 0; });
      case 'CCR': return this.plain(reg, () => this.applyCcr());
      case 'SHCSR': return this.view(() => this.shcsr(), (v) => {
        e.shcsrEnables = v & 0x70000;
        this.writeShcsrState(v);
        cpu.exceptionCheck = true;
      });
      case 'CFSR': return { read: () => e.cfsr >>> 0, write: (v) => { e.cfsr &= ~v; } }; // write-one-to-clear, per byte lane
      case 'HFSR': return { read: () => e.hfsr >>> 0, write: (v) => { e.hfsr &= ~v; } };
      case 'MMFAR': return this.view(() => e.mmfar, (v) => { e.mmfar = v; });
      case 'BFAR': return this.view(() => e.bfar, (v) => { e.bfar = v; });
      case 'CPACR': return this.plain(reg, (v) => {
        const cp10 = (v >>> 20) & 0xf;
        cpu.fpuEnabled = cp10 === 0xf || cp10 === 0x5;
      });
      // The MPU's registers hold their values but regions are not enforced: turning it on is reported.
      case 'MPU_CTRL': return this.plain(reg, (v) => { if (v & 1) this.config.unmodelled(this.base + reg.offset, true, v); });
      case 'STIR': return { read: () => 0, write: (v) => { if ((v & 0x1ff) < this.config.irqCount) e.setPending(16 + (v & 0x1ff)); } };
      case 'FPCCR': return this.view(() => e.fpccr >>> 0, (v) => { e.fpccr = v >>> 0; }, reg.writeMask);
      case 'FPCAR': return this.view(() => e.fpcar, (v) => { e.fpcar = v; }, reg.writeMask);
      case 'FPDSCR': return this.view(() => e.fpdscr, (v) => { e.fpdscr = v; }, reg.writeMask);
    }
    return this.plain(reg);
  }

  /** The NVIC's per-interrupt arrays: word `word` covers interrupts 32*word.. (bits) or 4*word.. (IPR bytes). */
  private nvicBehaviour(name: keyof typeof NVIC_ARRAYS, word: number): Behaviour {
    const e = this.exc;
    switch (name) {
      case 'NVIC_ISER': return { read: () => this.irqBits(e.enabled, word), write: (v) => this.setIrqBits(e.enabled, word, v, 1) };
      case 'NVIC_ICER': return { read: () => this.irqBits(e.enabled, word), write: (v) => this.setIrqBits(e.enabled, word, v, 0) };
      case 'NVIC_ISPR': return { read: () => this.irqBits(e.pending, word), write: (v) => this.setIrqBits(e.pending, word, v, 1) };
      case 'NVIC_ICPR': return { read: () => this.irqBits(e.pending, word), write: (v) => this.setIrqBits(e.pending, word, v, 0) };
      case 'NVIC_IABR': return { read: () => this.irqBits(e.active, word), write: () => {} };
      case 'NVIC_IPR': return this.priorityWord(16 + 4 * word);
    }
  }

  /** Four byte-wide priority fields, exceptions `first`..`first+3`; each byte lane written sets one. */
  private priorityWord(first: number): Behaviour {
    return {
      read: () => {
        let v = 0;
        for (let b = 0; b < 4; b++) v |= this.priorityByte(first + b) << (8 * b);
        return v >>> 0;
      },
      write: (v, laneMask) => {
        for (let b = 0; b < 4; b++) if ((laneMask >>> (8 * b)) & 0xff) this.setPriority(first + b, (v >>> (8 * b)) & 0xff);
      },
    };
  }

  private irqBits(arr: Uint8Array, word: number): number {
    let v = 0;
    const first = 16 + word * 32;
    for (let k = 0; k < 32; k++) if (first + k < this.exc.count && arr[first + k]) v |= 1 << k;
    return v >>> 0;
  }

  private setIrqBits(arr: Uint8Array, word: number, v: number, to: number): void {
    const first = 16 + word * 32;
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
    const ccr = this.stored('CCR');
    this.cpu.unalignTrap = (ccr & 8) !== 0;
    this.cpu.divZeroTrap = (ccr & 16) !== 0;
    this.exc.stkAlign = (ccr & 0x200) !== 0;
    this.exc.nonBaseThreadEnable = (ccr & 1) !== 0;
  }

  /** SysTick changed: the CPU recomputes when it next needs attention. */
  private rescheduled(): void {
    this.cpu.nextEventCycle = Math.min(this.cpu.nextEventCycle, this.systick.nextEventCycle());
  }
}

function registerAt(offset: number, width: number): RegisterInfo | undefined {
  const word = offset >>> 2;
  if (word >= SCS_REGISTERS.indexByWord.length || (offset & 3) + width > 4) return undefined;
  const i = SCS_REGISTERS.indexByWord[word]!;
  return i < 0 ? undefined : SCS_REGISTERS.registers[i];
}

/** The NVIC array a register belongs to and its word within it, or undefined. */
function nvicArrayOf(reg: RegisterInfo): { name: keyof typeof NVIC_ARRAYS; word: number } | undefined {
  for (const [name, a] of Object.entries(NVIC_ARRAYS) as [keyof typeof NVIC_ARRAYS, (typeof NVIC_ARRAYS)[keyof typeof NVIC_ARRAYS]][]) {
    if (reg.offset >= a.offset && reg.offset < a.offset + 4 * a.words) return { name, word: (reg.offset - a.offset) >>> 2 };
  }
  return undefined;
}
