/**
 * The Cortex-M4 MPU (ARMv7-M ARM DDI 0403E B3.5; Cortex-M4 TRM §4.5): eight regions, each a base
 * (MPU_RBAR) and attributes (MPU_RASR: XN, AP, SRD, SIZE, ENABLE), selected by MPU_RNR or by the
 * RBAR.VALID/REGION write shortcut; the three RBAR/RASR alias pairs reach the same registers.
 *
 * Checking (B3.5.1-B3.5.4): the highest-numbered enabled region holding the address decides, unless
 * its sub-region (SRD bit (address - base) / (size / 8), regions of 256 bytes and more) is disabled;
 * with no region, privileged accesses use the default map when PRIVDEFENA is set, everything else
 * faults. The MPU is bypassed while it is off, for accesses to the PPB (0xE0000000-0xE00FFFFF) and
 * vector reads, and at execution priority below 0 (HardFault, NMI, FAULTMASK) unless HFNMIENA.
 * Instruction fetches need read permission and XN clear. A data violation is a MemManage DACCVIOL
 * with MMFAR, a fetch violation IACCVIOL (src/cpu/exceptions.ts takes them; MSTKERR/MUNSTKERR come
 * from the exception unit's own stacking).
 *
 * LDRT/STRT and their byte/halfword forms (A7.7, MemU_unpriv) are checked as unprivileged accesses
 * even in privileged code, through the core's readUnprivileged/writeUnprivileged.
 *
 * Cost: nothing while the MPU is off. Turning it on installs checking versions of the core's six
 * data access methods and of its fetch on the Cpu object (its prototype's stay untouched), and
 * forgets the decode cache, whose entries were fetched without a check; the cache is forgotten again
 * whenever the regions change while it is on, or the core drops to a state with fewer permissions (privileged to
 * unprivileged, out of HardFault/NMI/FAULTMASK), checked at the exception boundary decorator below.
 */
import { Cpu } from '../../cpu/cpu.js';
import type { ExceptionModel } from '../../cpu/exception-model.js';
import { EXC } from '../../cpu/exception-numbers.js';
import { Fault, FaultSignal } from '../../cpu/faults.js';
import type { MemoryBus, MemoryRegion } from '../../cpu/memory.js';

const CTRL_ENABLE = 1;
const CTRL_HFNMIENA = 2;
const CTRL_PRIVDEFENA = 4;
const REGIONS = 8;

/** AP[2:0] (B3.5.9 Table B3-15) -> [privileged read, privileged write, unprivileged read, unprivileged write]. */
const AP_PERMISSIONS: readonly (readonly [boolean, boolean, boolean, boolean])[] = [
  [false, false, false, false], // 000 no access
  [true, true, false, false], // 001 privileged RW
  [true, true, true, false], // 010 unprivileged read-only
  [true, true, true, true], // 011 full access
  [false, false, false, false], // 100 reserved (UNPREDICTABLE): no access, as QEMU
  [true, false, false, false], // 101 privileged read-only
  [true, false, true, false], // 110 read-only
  [true, false, true, false], // 111 read-only
];

/** What the exception unit exposes that the bypass rule needs. */
export interface ExecutionState {
  readonly active: Uint8Array;
}

type Access = 0 | 1 | 2; // read, write, fetch

export class Mpu {
  ctrl = 0;
  rnr = 0;
  readonly rbar = new Uint32Array(REGIONS);
  readonly rasr = new Uint32Array(REGIONS);
  /** Permission level the decode cache was filled at: 0 unprivileged, 1 privileged, 2 bypassed. */
  private cacheLevel = 2;
  private installed = false;

  constructor(
    private readonly cpu: Cpu,
    private readonly unit: ExecutionState,
    private readonly bus: MemoryBus & { regions: readonly MemoryRegion[] },
  ) {}

  reset(): void {
    this.ctrl = this.rnr = 0;
    this.rbar.fill(0);
    this.rasr.fill(0);
    this.configured();
  }

  // ---- registers (SCS offsets 0xD90-0xDBB) ---------------------------------------------------

  read(offset: number): number {
    switch (offset) {
      case 0xd90: return REGIONS << 8; // MPU_TYPE: DREGION = 8, unified
      case 0xd94: return this.ctrl;
      case 0xd98: return this.rnr;
      case 0xd9c: case 0xda4: case 0xdac: case 0xdb4: return (this.rbar[this.rnr]! | this.rnr) >>> 0;
      case 0xda0: case 0xda8: case 0xdb0: case 0xdb8: return this.rasr[this.rnr]!;
    }
    return 0;
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case 0xd94: this.ctrl = value & 7; break;
      case 0xd98: this.rnr = value & 0xff & (REGIONS - 1); break;
      case 0xd9c: case 0xda4: case 0xdac: case 0xdb4:
        if (value & 0x10) this.rnr = value & (REGIONS - 1); // VALID: REGION selects the region
        this.rbar[this.rnr] = value & ~0x1f;
        break;
      case 0xda0: case 0xda8: case 0xdb0: case 0xdb8:
        this.rasr[this.rnr] = value & 0x173fff3f;
        break;
      default: return;
    }
    this.configured();
  }

  // ---- checking -------------------------------------------------------------------------------

  get enabled(): boolean {
    return (this.ctrl & CTRL_ENABLE) !== 0;
  }

  /**
   * During an exception return, the privilege of the mode returned to (-1 otherwise): ExceptionReturn
   * (B1.5.8) sets the mode before PopStack, so the frame is read with the target's privilege.
   */
  unstackingLevel = -1;

  /** 0 unprivileged, 1 privileged, 2 MPU bypassed (priority below 0 without HFNMIENA). */
  private level(): number {
    const cpu = this.cpu;
    if (this.unstackingLevel >= 0) return this.unstackingLevel;
    if (!(this.ctrl & CTRL_HFNMIENA) && (cpu.faultmask & 1 || this.unit.active[EXC.HardFault] || this.unit.active[EXC.NMI])) return 2;
    return cpu.ipsr !== 0 || (cpu.control & 1) === 0 ? 1 : 0;
  }

  /**
   * Whether `access` at `address` is allowed at `level` (now, by default). LDRT/STRT pass
   * unprivileged(): checked as unprivileged in privileged code, still bypassed where the MPU is.
   */
  allows(address: number, access: Access, level = this.level()): boolean {
    address >>>= 0;
    if ((address >>> 20) === 0xe00) return true; // PPB: default map always
    if (level === 2) return true;
    const privileged = level === 1;
    for (let n = REGIONS - 1; n >= 0; n--) {
      const rasr = this.rasr[n]!;
      if (!(rasr & 1)) continue;
      const sizeBits = ((rasr >>> 1) & 0x1f) + 1;
      if (sizeBits < 5) continue; // below 32 bytes: UNPREDICTABLE, ignored
      const base = this.rbar[n]!;
      const span = 2 ** sizeBits;
      if (base % span !== 0) continue; // misaligned base: the region matches nothing (QEMU does the same)
      const offset = address - base;
      if (offset < 0 || offset >= span) continue;
      if (sizeBits >= 8 && (rasr >>> (8 + Math.floor(offset / (span / 8)))) & 1) continue; // sub-region disabled
      const p = AP_PERMISSIONS[(rasr >>> 24) & 7]!;
      if (access === 2 && rasr & (1 << 28)) return false; // XN
      return privileged ? (access === 1 ? p[1] : p[0]) : access === 1 ? p[3] : p[2];
    }
    return privileged && (this.ctrl & CTRL_PRIVDEFENA) !== 0;
  }

  /** The level of an LDRT/STRT access (ARM ARM A7.7 MemU_unpriv; QEMU's MUser index keeps NEGPRI). */
  private unprivileged(): number {
    return this.level() === 2 ? 2 : 0;
  }

  private check(address: number, width: number, access: 0 | 1, level = this.level()): void {
    if (!this.allows(address, access, level) || (width > 1 && !this.allows(address + width - 1, access, level))) {
      throw new FaultSignal(Fault.DACCVIOL, address >>> 0);
    }
  }

  // ---- installation ---------------------------------------------------------------------------

  /** After any register write: install or remove the checks, and forget what was fetched unchecked. */
  private configured(): void {
    if (!this.enabled) {
      // Turning it off only widens permissions: what is decoded stays valid.
      if (this.installed) this.uninstall();
      return;
    }
    if (!this.installed) this.install();
    this.forgetDecodedCode();
  }

  private install(): void {
    const cpu = this.cpu as unknown as Record<string, unknown>;
    const proto = Cpu.prototype;
    const self = this;
    cpu['readU'] = function (this: Cpu, a: number, w: 1 | 2 | 4) { self.check(a, w, 0); return proto.readU.call(this, a, w); };
    cpu['readA'] = function (this: Cpu, a: number, w: 1 | 2 | 4) { self.check(a, w, 0); return proto.readA.call(this, a, w); };
    cpu['writeU'] = function (this: Cpu, a: number, w: 1 | 2 | 4, v: number) { self.check(a, w, 1); proto.writeU.call(this, a, w, v); };
    cpu['writeA'] = function (this: Cpu, a: number, w: 1 | 2 | 4, v: number) { self.check(a, w, 1); proto.writeA.call(this, a, w, v); };
    cpu['readUnprivileged'] = function (this: Cpu, a: number, w: 1 | 2 | 4) { self.check(a, w, 0, self.unprivileged()); return proto.readU.call(this, a, w); };
    cpu['writeUnprivileged'] = function (this: Cpu, a: number, w: 1 | 2 | 4, v: number) { self.check(a, w, 1, self.unprivileged()); proto.writeU.call(this, a, w, v); };
    cpu['fetch'] = function (this: Cpu, pc: number) {
      if (!self.allows(pc, 2)) throw new FaultSignal(Fault.IACCVIOL);
      return proto.fetch.call(this, pc);
    };
    this.installed = true;
  }

  private uninstall(): void {
    const cpu = this.cpu as unknown as Record<string, unknown>;
    for (const k of ['readU', 'readA', 'writeU', 'writeA', 'readUnprivileged', 'writeUnprivileged', 'fetch']) delete cpu[k];
    this.installed = false;
  }

  /** Every decoded instruction is fetched again (through the check) before it runs next. */
  private forgetDecodedCode(): void {
    for (const r of this.bus.regions) {
      r.insnIndex?.fill(0);
      r.decoded.length = 0;
    }
    (this.bus as { codeEpoch: number }).codeEpoch++;
    this.cacheLevel = this.level();
  }

  /** At an exception boundary: a drop to fewer permissions than the cache was filled at forgets it. */
  boundary(): void {
    if (!this.installed) return;
    const level = this.level();
    if (level < this.cacheLevel) this.forgetDecodedCode();
    else this.cacheLevel = level;
  }
}

/** The exception model with the MPU's boundary check after every change of mode, mask or privilege. */
export class MpuBoundaries implements ExceptionModel {
  constructor(
    private readonly inner: ExceptionModel,
    private readonly mpu: Mpu,
    private readonly cpu: Cpu,
  ) {}

  takePending(): void {
    this.inner.takePending();
    this.mpu.boundary();
  }

  fault(...a: Parameters<ExceptionModel['fault']>): void { this.inner.fault(...a); }
  supervisorCall(): void { this.inner.supervisorCall(); }
  exceptionReturn(excReturn: number): void {
    // Back to Thread mode with CONTROL.nPRIV set: the frame is popped unprivileged.
    this.mpu.unstackingLevel = excReturn & 8 && this.cpu.control & 1 ? 0 : 1;
    try {
      this.inner.exceptionReturn(excReturn);
    } finally {
      this.mpu.unstackingLevel = -1;
    }
  }

  beforeFpInstruction(): void { this.inner.beforeFpInstruction(); }
  wakeupPending(): boolean { return this.inner.wakeupPending(); }
}
