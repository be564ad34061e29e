/**
 * The system bus: routes every data access to RAM/flash (typed arrays, the fast path) or to a
 * memory-mapped device (`Peripheral`). Address decoding is a two-level table of 1 KB pages, which is
 * the finest granularity STM32 peripherals are placed at. Unmapped addresses throw `BusError`, which
 * the CPU turns into a BusFault. Writes into a RAM page that holds decoded instructions invalidate
 * them (self-modifying code and code copied to RAM stay correct). It implements the core's memory
 * interface (src/cpu/memory.ts).
 */
import { BusError, type MemoryBus, type MemoryRegion } from '../cpu/memory.js';
import type { Peripheral } from './peripheral.js';

const PAGE_BITS = 10;
const PAGES_PER_MB = 1 << (20 - PAGE_BITS);
const PAGE_BYTES = 1 << PAGE_BITS;
const MB = 1 << 20;

export class Bus implements MemoryBus {
  readonly regions: MemoryRegion[] = [];
  readonly devices: Peripheral[] = [];
  /** top[addr >>> 20] -> per-page entries: k > 0 region k-1 (entry also keeps the alias base), k < 0 device -k-1. */
  private readonly top: (Int32Array | undefined)[] = new Array(4096);
  /** Base address that page maps to region offset 0 (aliases map the same region at two bases). */
  private readonly pageBase: (Uint32Array | undefined)[] = new Array(4096);

  /** Maps `region` at its own base, or at `alias` too (flash aliased at 0x00000000). */
  mapRegion(region: MemoryRegion, at = region.base): void {
    if (!this.regions.includes(region)) this.regions.push(region);
    const id = this.regions.indexOf(region) + 1;
    this.fill(at, region.size, id, at);
  }

  mapDevice(device: Peripheral): void {
    this.devices.push(device);
    this.fill(device.base, device.size, -this.devices.length, device.base);
  }

  /**
   * Maps `device` on the pages of its range that nothing else occupies (fallback ranges: reserved
   * space that reads as zero, hundreds of MB on some boards). Not written into the page table: an
   * access the table does not answer looks here, on the miss path only, so a fallback costs neither
   * start-up time nor page-table memory.
   */
  mapDeviceWhereFree(device: Peripheral): void {
    this.devices.push(device);
    this.fallbacks.push(device);
  }

  private readonly fallbacks: Peripheral[] = [];

  /** The fallback device holding `addr` (already known to be on no page of the table). */
  private fallbackAt(addr: number): Peripheral | undefined {
    for (const d of this.fallbacks) if (((addr - d.base) >>> 0) < d.size) return d;
    return undefined;
  }

  /** Maps [base, base + size) to `id`, a megabyte's pages at a time (typed-array fills: start-up time). */
  private fill(base: number, size: number, id: number, mapBase: number): void {
    if (base % PAGE_BYTES !== 0 || size % PAGE_BYTES !== 0) {
      throw new Error(`bus: ${base.toString(16)}+${size.toString(16)} is not 1 KB aligned`);
    }
    const end = base + size;
    for (let a = base; a < end; ) {
      const mb = a >>> 20;
      const next = Math.min(end, (mb + 1) * MB);
      const first = (a >>> PAGE_BITS) & (PAGES_PER_MB - 1);
      const last = first + (next - a) / PAGE_BYTES;
      let l2 = this.top[mb];
      if (l2 === undefined) {
        l2 = this.top[mb] = new Int32Array(PAGES_PER_MB);
        this.pageBase[mb] = new Uint32Array(PAGES_PER_MB);
      } else {
        for (let page = first; page < last; page++) {
          if (l2[page] !== 0) throw new Error(`bus: overlapping mapping at 0x${((mb << 20) + page * PAGE_BYTES >>> 0).toString(16)}`);
        }
      }
      l2.fill(id, first, last);
      this.pageBase[mb]!.fill(mapBase, first, last);
      a = next;
    }
  }

  /** The region and offset for an address, or undefined when it is not RAM/flash. */
  regionAt(addr: number): { region: MemoryRegion; offset: number } | undefined {
    const l2 = this.top[addr >>> 20];
    if (!l2) return undefined;
    const page = (addr >>> PAGE_BITS) & (PAGES_PER_MB - 1);
    const id = l2[page]!;
    if (id <= 0) return undefined;
    return { region: this.regions[id - 1]!, offset: (addr - this.pageBase[addr >>> 20]![page]!) >>> 0 };
  }

  /**
   * The region mapped at `addr` without allocating (undefined for devices and unmapped space); sets
   * `foundBase` to the address that region's offset 0 is mapped at (aliases map one region twice).
   */
  regionFor(addr: number): MemoryRegion | undefined {
    addr >>>= 0;
    const l2 = this.top[addr >>> 20];
    if (!l2) return undefined;
    const page = (addr >>> PAGE_BITS) & (PAGES_PER_MB - 1);
    const id = l2[page]!;
    if (id <= 0) return undefined;
    this.foundBase = this.pageBase[addr >>> 20]![page]!;
    return this.regions[id - 1]!;
  }

  /** Out-value of regionFor. */
  foundBase = 0;

  deviceAt(addr: number): Peripheral | undefined {
    addr >>>= 0;
    const l2 = this.top[addr >>> 20];
    const id = l2 ? l2[(addr >>> PAGE_BITS) & (PAGES_PER_MB - 1)]! : 0;
    return id < 0 ? this.devices[-id - 1] : id === 0 ? this.fallbackAt(addr) : undefined;
  }

  read(addr: number, width: 1 | 2 | 4): number {
    addr >>>= 0;
    const mb = addr >>> 20;
    const l2 = this.top[mb];
    let id = 0;
    if (l2 !== undefined) {
      const page = (addr >>> PAGE_BITS) & (PAGES_PER_MB - 1);
      id = l2[page]!;
      if (id > 0) {
        const r = this.regions[id - 1]!;
        const off = addr - this.pageBase[mb]![page]!;
        if (off + width <= r.size) {
          if (width === 4) return r.view.getUint32(off, true);
          if (width === 2) return r.view.getUint16(off, true);
          return r.bytes[off]!;
        }
      } else if (id < 0) {
        const d = this.devices[-id - 1]!;
        return d.read(addr - d.base, width) >>> 0;
      }
    }
    const f = id === 0 ? this.fallbackAt(addr) : undefined;
    if (f !== undefined) return f.read(addr - f.base, width) >>> 0;
    this.onUnanswered?.(addr, false);
    throw new BusError(addr, false, 'no memory or device at this address');
  }

  /**
   * Told of every access no memory or device answers, before its BusError is thrown (the run
   * summary lists the first ones: a BusFault the firmware's own handler swallows is otherwise silent).
   */
  onUnanswered: ((address: number, write: boolean) => void) | undefined = undefined;

  write(addr: number, width: 1 | 2 | 4, value: number): void {
    addr >>>= 0;
    const mb = addr >>> 20;
    const l2 = this.top[mb];
    let id = 0;
    if (l2 !== undefined) {
      const page = (addr >>> PAGE_BITS) & (PAGES_PER_MB - 1);
      id = l2[page]!;
      if (id > 0) {
        const r = this.regions[id - 1]!;
        const off = addr - this.pageBase[mb]![page]!;
        if (r.kind === 'flash') throw new BusError(addr, true, 'write to flash memory (read-only to the CPU)');
        if (off + width <= r.size) {
          if (width === 4) r.view.setUint32(off, value, true);
          else if (width === 2) r.view.setUint16(off, value, true);
          else r.bytes[off] = value;
          if (r.insnIndex !== undefined) this.forgetCode(r.insnIndex, off, width);
          return;
        }
      } else if (id < 0) {
        const d = this.devices[-id - 1]!;
        d.write(addr - d.base, width, value >>> 0);
        return;
      }
    }
    const f = id === 0 ? this.fallbackAt(addr) : undefined;
    if (f !== undefined) {
      f.write(addr - f.base, width, value >>> 0);
      return;
    }
    this.onUnanswered?.(addr, true);
    throw new BusError(addr, true, 'no memory or device at this address');
  }

  /**
   * Bumped whenever decoded instructions are forgotten (a store over code, a loader write): the CPU's
   * links from one decoded instruction to the next are only trusted while it is unchanged.
   */
  codeEpoch = 0;

  /** A store of `width` bytes at region offset `off`: forget the decoded instructions it overlaps. */
  forgetCode(cache: Int32Array, off: number, width: number): void {
    const h = off >>> 1;
    const last = width === 4 ? h + 1 : h;
    const first = h > 0 ? h - 1 : 0;
    for (let k = first; k <= last; k++) {
      if (cache[k] !== 0) {
        cache[k] = 0;
        this.codeEpoch++;
      }
    }
  }

  /** Loader/debugger access: writes flash too, never faults on RAM/flash, throws on unmapped. */
  writeBytes(addr: number, data: Uint8Array): void {
    for (let k = 0; k < data.length; ) {
      const hit = this.regionAt(addr + k);
      if (!hit) throw new BusError((addr + k) >>> 0, true, 'no memory at this address');
      const n = Math.min(data.length - k, hit.region.size - hit.offset);
      hit.region.bytes.set(data.subarray(k, k + n), hit.offset);
      hit.region.insnIndex?.fill(0, Math.max(0, (hit.offset >>> 1) - 1), (hit.offset + n + 1) >>> 1);
      this.codeEpoch++;
      k += n;
    }
  }

  readBytes(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let k = 0; k < length; k++) out[k] = this.read(addr + k, 1);
    return out;
  }
}

/**
 * Bit-band alias (ARMv7-M ARM B3.5.3 / Cortex-M4 TRM §3.7): each word of the 32 MB alias maps one bit
 * of the 1 MB region at `targetBase`.
 */
export class BitBandAlias implements Peripheral {
  readonly size = 0x02000000;
  constructor(
    readonly name: string,
    readonly base: number,
    private readonly targetBase: number,
    private readonly bus: Bus,
  ) {}
  read(offset: number): number {
    const byteAddr = this.targetBase + (offset >>> 5);
    return (this.bus.read(byteAddr, 1) >>> ((offset >>> 2) & 7)) & 1;
  }
  write(offset: number, _width: 1 | 2 | 4, value: number): void {
    const byteAddr = this.targetBase + (offset >>> 5);
    const bit = (offset >>> 2) & 7;
    const old = this.bus.read(byteAddr, 1);
    this.bus.write(byteAddr, 1, value & 1 ? old | (1 << bit) : old & ~(1 << bit));
  }
  reset(): void {}
}
