/**
 * Builds the Thumb decoder from isa/*.isa (STYLE.md §2): checks every line (bits, handler and timing
 * names, declared overlaps), then answers decode(hw1, hw2) with a fresh `Insn` whose slots hold the
 * encoding's decoded operands. 16-bit opcodes go through a 64 K table; 32-bit opcodes through a list
 * of candidates per first halfword, in priority order. Callers cache the result per address.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { checkoutPath } from '../common/checkout.js';
import { join } from 'node:path';
import { Insn, SETFLAGS_OUTSIDE_IT, type Handler } from './insn.js';
import { type IsaEntry, IsaFormatError, parseIsaText } from './isa-format.js';
import { compileExpr, type FieldValues } from './isa-expr.js';
import { handlers } from './handlers/index.js';
import { timingClassId } from './timing-classes.js';

export const ISA_DIR = `${checkoutPath('isa')}/`;

/** Slots filled from a field of the same role when no attribute names them. */
const DEFAULT_SLOTS: [field: string, slots: (keyof Insn)[]][] = [
  ['Rd', ['d']], ['Rdn', ['d', 'n']], ['Rdm', ['d', 'm']], ['Rn', ['n']], ['Rm', ['m']], ['Ra', ['a']],
  ['Rt', ['t']], ['Rt2', ['t2']], ['RdLo', ['dLo']], ['RdHi', ['dHi']], ['register_list', ['list']],
  ['cond', ['cond']],
];

interface CompiledEntry {
  entry: IsaEntry;
  exec: Handler;
  timing: number;
  setters: ((insn: Insn, f: FieldValues) => void)[];
}

const undefinedHandler: Handler = () => false;

export class Decoder {
  readonly entries: CompiledEntry[];
  private readonly table16: Int32Array;
  private readonly candidates32 = new Map<number, CompiledEntry[]>();

  constructor(isaEntries: IsaEntry[]) {
    const compiled = isaEntries.map(compileEntry);
    checkUniqueNames(isaEntries);
    this.entries = orderByPreference(compiled);
    checkOverlaps(this.entries);
    this.table16 = new Int32Array(0x10000).fill(-1);
    // Lowest priority first, so that the preferred encoding overwrites.
    for (let k = this.entries.length - 1; k >= 0; k--) {
      const { entry } = this.entries[k]!;
      if (entry.size !== 2) continue;
      forEachMatch16(entry.mask, entry.value, (hw) => { this.table16[hw] = k; });
    }
    for (const ce of this.entries) {
      if (ce.entry.size !== 4) continue;
      const mask1 = ce.entry.mask >>> 16;
      const value1 = ce.entry.value >>> 16;
      forEachMatch16(mask1, value1, (hw1) => {
        if (!is32BitPrefix(hw1)) return;
        let list = this.candidates32.get(hw1);
        if (!list) this.candidates32.set(hw1, (list = []));
        list.push(ce);
      });
    }
  }

  /** Decodes the instruction whose first halfword is hw1 (hw2 is ignored for 16-bit opcodes). */
  decode(hw1: number, hw2: number): Insn {
    const wide = is32BitPrefix(hw1);
    const opcode = wide ? ((hw1 << 16) | hw2) >>> 0 : hw1;
    const ce = this.match(hw1, opcode);
    return ce === undefined ? undefinedInsn(opcode, wide ? 4 : 2) : build(ce, opcode);
  }

  /** The isa/ line that decodes this opcode, or undefined (for tests, disassembly and `mcusim isa`). */
  entryFor(hw1: number, hw2: number): IsaEntry | undefined {
    return this.match(hw1, is32BitPrefix(hw1) ? ((hw1 << 16) | hw2) >>> 0 : hw1)?.entry;
  }

  private match(hw1: number, opcode: number): CompiledEntry | undefined {
    if (!is32BitPrefix(hw1)) {
      const k = this.table16[hw1]!;
      return k < 0 ? undefined : this.entries[k];
    }
    for (const ce of this.candidates32.get(hw1) ?? []) {
      if (((opcode & ce.entry.mask) >>> 0) === ce.entry.value) return ce;
    }
    return undefined;
  }
}

/** Halfwords 0b11101, 0b11110, 0b11111 in bits [15:11] start a 32-bit instruction (ARM ARM A5.1). */
export function is32BitPrefix(hw1: number): boolean {
  return hw1 >>> 11 >= 0x1d;
}

function undefinedInsn(opcode: number, size: number): Insn {
  return new Insn(undefinedHandler, 'UNDEFINED', '-', timingClassId('alu'), size, opcode);
}

function build(ce: CompiledEntry, opcode: number): Insn {
  const { entry } = ce;
  const insn = new Insn(ce.exec, entry.mnemonic, entry.encoding, ce.timing, entry.size, opcode);
  const f: FieldValues = {};
  for (const field of entry.fields) f[field.name] = (opcode >>> field.lsb) & ((1 << field.width) - 1);
  insn.fields = f;
  for (const set of ce.setters) set(insn, f);
  return insn;
}

function compileEntry(entry: IsaEntry): CompiledEntry {
  const where = `${entry.source}:${entry.line}`;
  const exec = handlers[entry.handler];
  if (!exec) throw new IsaFormatError(`${where}: unknown handler '${entry.handler}'`);
  const timing = timingClassId(entry.timing);
  if (timing < 0) throw new IsaFormatError(`${where}: unknown timing class '${entry.timing}'`);
  const setters: CompiledEntry['setters'] = [];
  const fieldNames = new Set(entry.fields.map((f) => f.name));
  for (const [field, slots] of DEFAULT_SLOTS) {
    if (!fieldNames.has(field)) continue;
    for (const slot of slots) {
      if (entry.attributes.has(slot)) continue;
      setters.push((insn, f) => { (insn as unknown as Record<string, number>)[slot] = f[field]!; });
    }
  }
  for (const [key, expr] of entry.attributes) {
    if (key === 'setflags' && expr === '!InITBlock') {
      setters.push((insn) => { insn.setflags = SETFLAGS_OUTSIDE_IT; });
      continue;
    }
    const fn = compileExpr(expr, entry.fields, where);
    setters.push((insn, f) => { (insn as unknown as Record<string, number>)[key] = fn(f); });
  }
  return { entry, exec, timing, setters };
}

/** Every isa/ line has its own name (MNEMONIC.enc, src/cpu/isa-format.ts). */
function checkUniqueNames(entries: IsaEntry[]): void {
  const seen = new Map<string, IsaEntry>();
  for (const e of entries) {
    const other = seen.get(e.name);
    if (other !== undefined) {
      throw new IsaFormatError(`${e.source}:${e.line}: name ${e.name} already names ${other.source}:${other.line}; add a form (imm.T1, reg.T1)`);
    }
    seen.set(e.name, e);
  }
}

/** What a prefer: may name: the mnemonic (every line of it), MNEMONIC.ENC (every form) or the line's name. */
function names(e: IsaEntry): string[] {
  return [e.mnemonic, `${e.mnemonic}.${e.encoding}`, e.name];
}

/** `a` wins over `b` when b's line says prefer:<a>. */
function beats(a: IsaEntry, b: IsaEntry): boolean {
  const an = names(a);
  return b.prefer.some((p) => an.includes(p));
}

function overlap(a: IsaEntry, b: IsaEntry): boolean {
  if (a.size !== b.size) return false;
  return ((a.mask & b.mask & (a.value ^ b.value)) >>> 0) === 0;
}

/**
 * Topological order: every encoding comes after all encodings it prefers. Each entry visits only the
 * entries its prefer: names (looked up by name, taken in list order), not every other entry: the
 * all-pairs walk cost ~40 ms and ~17 MB of garbage at every process start (README "Speed").
 */
function orderByPreference(list: CompiledEntry[]): CompiledEntry[] {
  const byName = new Map<string, CompiledEntry[]>();
  for (const c of list) {
    for (const n of names(c.entry)) {
      let named = byName.get(n);
      if (named === undefined) byName.set(n, (named = []));
      if (named.at(-1) !== c) named.push(c);
    }
  }
  for (const c of list) {
    for (const p of c.entry.prefer) {
      if (!byName.has(p)) throw new IsaFormatError(`${c.entry.source}:${c.entry.line}: prefer:${p} names no encoding`);
    }
  }
  const position = new Map(list.map((c, k) => [c, k]));
  const preferred = (c: CompiledEntry): CompiledEntry[] =>
    [...new Set(c.entry.prefer.flatMap((p) => byName.get(p)!))].sort((a, b) => position.get(a)! - position.get(b)!);
  const out: CompiledEntry[] = [];
  const state = new Map<CompiledEntry, 1 | 2>();
  const visit = (c: CompiledEntry, path: string[]) => {
    const s = state.get(c);
    if (s === 2) return;
    if (s === 1) throw new IsaFormatError(`prefer: cycle ${[...path, c.entry.mnemonic].join(' -> ')}`);
    state.set(c, 1);
    for (const other of preferred(c)) {
      if (other !== c && overlap(other.entry, c.entry)) visit(other, [...path, c.entry.mnemonic]);
    }
    state.set(c, 2);
    out.push(c);
  };
  for (const c of list) visit(c, []);
  return out;
}

function checkOverlaps(list: CompiledEntry[]): void {
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!.entry;
    for (let j = i + 1; j < list.length; j++) {
      const b = list[j]!.entry;
      if (overlap(a, b) && !beats(a, b) && !beats(b, a)) {
        throw new IsaFormatError(
          `${b.source}:${b.line}: ${b.mnemonic} ${b.encoding} overlaps ${a.mnemonic} ${a.encoding} ` +
            `(${a.source}:${a.line}) with no prefer: declared`,
        );
      }
    }
  }
}

function forEachMatch16(mask: number, value: number, fn: (hw: number) => void): void {
  const free = ~mask & 0xffff;
  // Enumerate the subsets of the free bits (Gosper-style walk over a bit mask).
  let sub = 0;
  for (;;) {
    fn((value | sub) & 0xffff);
    if (sub === free) break;
    sub = (sub - free) & free;
  }
}

export function loadIsaEntries(dir = ISA_DIR): IsaEntry[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.isa')).sort();
  return files.flatMap((f) => parseIsaText(readFileSync(join(dir, f), 'utf8'), `isa/${f}`));
}

let shared: Decoder | undefined;
/** The decoder built from the shipped isa/ tables (built once per process). */
export function thumbDecoder(): Decoder {
  return (shared ??= new Decoder(loadIsaEntries()));
}
