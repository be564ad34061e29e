/**
 * The memory interface the core needs, owned by the core: RAM/flash regions it reads and writes
 * directly through typed arrays, the bus it calls for everything else, and the error a failed
 * access raises. src/mcu implements the bus (src/mcu/bus.ts); the core imports nothing from src/mcu.
 */
import type { Insn } from './insn.js';

export interface MemoryRegion {
  name: string;
  base: number;
  size: number;
  /** 'flash' is read-only to the CPU; writes raise BusFault. */
  kind: 'flash' | 'sram' | 'ccm' | 'rom';
  bytes: Uint8Array;
  view: DataView;
  /**
   * Decode cache: 1 + index into `decoded` per halfword (0 = not decoded), allocated on the first
   * fetch from the region. An Int32Array, not a sparse Array: V8 keeps large holey arrays in slow
   * dictionary mode, which costed a third of the run time.
   */
  insnIndex: Int32Array | undefined;
  decoded: Insn[];
  /** Word and halfword views of `bytes` for the CPU's aligned fast path (little-endian hosts only). */
  words: Uint32Array;
  halves: Uint16Array;
}

export function createRegion(name: string, base: number, size: number, kind: MemoryRegion['kind']): MemoryRegion {
  const bytes = new Uint8Array(size);
  return {
    name, base, size, kind, bytes, view: new DataView(bytes.buffer), insnIndex: undefined, decoded: [],
    words: new Uint32Array(bytes.buffer, 0, size >>> 2), halves: new Uint16Array(bytes.buffer, 0, size >>> 1),
  };
}

/** Typed-array views use the host's byte order; the aligned fast paths need it to be little-endian. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What the core asks of the system bus. A failed access throws `BusError`. */
export interface MemoryBus {
  read(addr: number, width: 1 | 2 | 4): number;
  write(addr: number, width: 1 | 2 | 4, value: number): void;
  readBytes(addr: number, length: number): Uint8Array;
  /** The region and offset for an address, or undefined when it is not RAM/flash. */
  regionAt(addr: number): { region: MemoryRegion; offset: number } | undefined;
  /**
   * The region mapped at `addr` without allocating (undefined for devices and unmapped space); sets
   * `foundBase` to the address that region's offset 0 is mapped at (aliases map one region twice).
   */
  regionFor(addr: number): MemoryRegion | undefined;
  /** Out-value of regionFor. */
  readonly foundBase: number;
  /**
   * Bumped whenever decoded instructions are forgotten (a store over code, a loader write): the CPU's
   * links from one decoded instruction to the next are only trusted while it is unchanged.
   */
  readonly codeEpoch: number;
  /** A store of `width` bytes at region offset `off`: forget the decoded instructions it overlaps. */
  forgetCode(cache: Int32Array, off: number, width: number): void;
}

/**
 * A failed bus access. Thrown by the bus or a device and caught by the CPU, which turns it into a
 * BusFault (precise, BFAR valid) per ARMv7-M ARM B3.2.15. Not derived from Error on purpose: it is a
 * control-flow signal, and capturing a JavaScript stack trace for it would only cost time.
 */
export class BusError {
  constructor(
    readonly address: number,
    readonly write: boolean,
    readonly reason: string,
  ) {}
}
