/**
 * A snapshot of a machine's state, restored in place: every data field reachable from the roots
 * (core registers and counters, memory contents, peripherals, SCS, exception unit, cycle model and
 * flash accelerator state, semihosting handles), found by walking the object graph rather than by a
 * list per device, so a field someone adds to a peripheral tomorrow is covered without touching this
 * file. Restoring writes the saved values back into the same objects (the wiring between them,
 * which is functions and object identities, never changes after the machine is built).
 *
 * What is deliberately NOT saved or restored: caches that stay valid across runs of the same
 * firmware and are the point of keeping a machine (the decode cache per region, the decoded
 * instructions with their translated blocks and links, the decoder tables), the bus's code epoch
 * (it only ever grows, so links made before a code write stay untrusted) and the attached observer.
 * Functions are wiring, not state. State held only in closures is invisible to the walk: keep
 * device state in fields (the session test compares snapshot runs with full runs to catch it).
 */
import { EventEmitter } from 'node:events';
import { Insn } from '../cpu/insn.js';

/** Fields that are caches kept across runs (see the header), by name, wherever they occur. */
const KEPT_FIELDS = new Set(['decoder', 'decoded', 'insnIndex', 'codeIndex', 'codeDecoded', 'translatedHeads', 'codeEpoch', 'observer']);

type Slot = { target: Record<string, unknown>; fields: string[]; values: unknown[] };
type ArraySlot = { target: unknown[]; items: unknown[] };
type MapSlot = { target: Map<unknown, unknown>; entries: [unknown, unknown][] };
type SetSlot = { target: Set<unknown>; items: unknown[] };

/**
 * Large buffers (board memory: mps2-an386 has 24 MB of RAM) are saved in pages, and a page that is
 * all zero at snapshot time is not copied: on restore it is compared with zeros and cleared only if a
 * run wrote to it. A whole copy would make every untouched (never resident) page of RAM resident
 * twice, in the copy and again in the memory at each restore: ~48 MB of RSS for a session on
 * mps2-an386, against the few pages a firmware really uses. The comparison is memcmp (Buffer.compare)
 * a chunk of pages at a time, so an untouched chunk costs one call; reading an untouched page maps
 * the kernel's shared zero page and does not make it resident.
 */
const PAGE_BYTES = 4096;
const PAGES_PER_CHUNK = 16;
const CHUNK_BYTES = PAGE_BYTES * PAGES_PER_CHUNK;
const ZEROS = new Uint8Array(CHUNK_BYTES);

/** A saved buffer: one copy, or its pages (undefined: the page was all zero). */
type BufferCopy = { whole: Uint8Array } | { pages: (Uint8Array | undefined)[] };

const isZero = (bytes: Uint8Array, off: number, length: number): boolean =>
  Buffer.compare(bytes.subarray(off, off + length), ZEROS.subarray(0, length)) === 0;

function copyBuffer(buffer: ArrayBufferLike): BufferCopy {
  if (buffer.byteLength < CHUNK_BYTES || buffer.byteLength % CHUNK_BYTES !== 0) return { whole: new Uint8Array(buffer.slice(0)) };
  const bytes = new Uint8Array(buffer);
  const pages: (Uint8Array | undefined)[] = [];
  for (let off = 0; off < bytes.length; off += PAGE_BYTES) {
    pages.push(isZero(bytes, off, PAGE_BYTES) ? undefined : bytes.slice(off, off + PAGE_BYTES));
  }
  return { pages };
}

function restoreBuffer(buffer: ArrayBufferLike, copy: BufferCopy): void {
  const bytes = new Uint8Array(buffer);
  if ('whole' in copy) {
    bytes.set(copy.whole);
    return;
  }
  const { pages } = copy;
  for (let first = 0; first < pages.length; first += PAGES_PER_CHUNK) {
    let saved = false;
    for (let k = first; k < first + PAGES_PER_CHUNK; k++) saved ||= pages[k] !== undefined;
    // A chunk that was all zero and still is: nothing to do (most of a large RAM).
    if (!saved && isZero(bytes, first * PAGE_BYTES, CHUNK_BYTES)) continue;
    for (let k = first; k < first + PAGES_PER_CHUNK; k++) {
      const off = k * PAGE_BYTES;
      const page = pages[k];
      if (page !== undefined) bytes.set(page, off);
      else if (!isZero(bytes, off, PAGE_BYTES)) bytes.fill(0, off, off + PAGE_BYTES);
    }
  }
}

export class MachineSnapshot {
  private readonly objects: Slot[] = [];
  private readonly arrays: ArraySlot[] = [];
  private readonly maps: MapSlot[] = [];
  private readonly sets: SetSlot[] = [];
  /** A copy of every typed array's buffer (memory regions and their views share one). */
  private readonly buffers = new Map<ArrayBufferLike, BufferCopy>();

  /** Saves the state reachable from `roots`; objects in `exclude` are neither saved nor entered. */
  constructor(roots: object[], exclude: ReadonlySet<object> = new Set()) {
    const seen = new Set<object>(exclude);
    const pending: object[] = [...roots];
    const visit = (v: unknown): void => {
      // Host objects (streams, sockets: EventEmitters) are never machine state: leave them alone.
      if (typeof v !== 'object' || v === null || seen.has(v) || v instanceof Insn || v instanceof EventEmitter) return;
      pending.push(v);
    };
    while (pending.length > 0) {
      const o = pending.pop()!;
      if (seen.has(o)) continue;
      seen.add(o);
      if (ArrayBuffer.isView(o)) {
        if (!this.buffers.has(o.buffer)) this.buffers.set(o.buffer, copyBuffer(o.buffer));
      } else if (Array.isArray(o)) {
        this.arrays.push({ target: o, items: o.slice() });
        o.forEach(visit);
      } else if (o instanceof Map) {
        const entries = [...o.entries()];
        this.maps.push({ target: o, entries });
        for (const [k, v] of entries) { visit(k); visit(v); }
      } else if (o instanceof Set) {
        this.sets.push({ target: o, items: [...o] });
        o.forEach(visit);
      } else if (!(o instanceof ArrayBuffer) && !(o instanceof SharedArrayBuffer)) {
        const rec = o as Record<string, unknown>;
        const slot: Slot = { target: rec, fields: [], values: [] };
        for (const key of Object.keys(rec)) {
          if (KEPT_FIELDS.has(key)) continue;
          const d = Object.getOwnPropertyDescriptor(rec, key)!;
          if (!('value' in d) || !d.writable || typeof d.value === 'function' || d.value instanceof Insn) continue;
          slot.fields.push(key);
          slot.values.push(d.value);
          visit(d.value);
        }
        if (slot.fields.length > 0) this.objects.push(slot);
      }
    }
  }

  /** Puts every saved value back into the objects it came from. */
  restore(): void {
    for (const [buffer, copy] of this.buffers) restoreBuffer(buffer, copy);
    for (const { target, fields, values } of this.objects) {
      for (let k = 0; k < fields.length; k++) target[fields[k]!] = values[k];
    }
    for (const { target, items } of this.arrays) {
      target.length = items.length;
      for (let k = 0; k < items.length; k++) target[k] = items[k];
    }
    for (const { target, entries } of this.maps) {
      target.clear();
      for (const [k, v] of entries) target.set(k, v);
    }
    for (const { target, items } of this.sets) {
      target.clear();
      for (const v of items) target.add(v);
    }
  }

  /** Bytes held by the copies of typed arrays (memory, mostly; all-zero pages are not copied). */
  get bytes(): number {
    let n = 0;
    for (const c of this.buffers.values()) {
      if ('whole' in c) n += c.whole.byteLength;
      else for (const p of c.pages) n += p?.byteLength ?? 0;
    }
    return n;
  }
}
