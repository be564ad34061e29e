/**
 * The ELF symbol table (System V ABI ch. 4 "Symbol Table") and an address -> symbol index for the
 * profiler. ARM IHI 0044 §5.5.3: a Thumb function's st_value has bit 0 set; we store the address with
 * bit 0 cleared and `thumb: true`, so addresses compare with the PC directly. Mapping symbols
 * ($t, $a, $d: ARM IHI 0044 §5.5.5) are kept in `symbols` but never name an address.
 */
export type SymbolType = 'NOTYPE' | 'OBJECT' | 'FUNC' | 'SECTION' | 'FILE' | 'COMMON' | 'TLS' | 'OTHER';
export type SymbolBinding = 'LOCAL' | 'GLOBAL' | 'WEAK' | 'OTHER';

export interface ElfSymbol {
  name: string;
  /** Address (bit 0 cleared for Thumb functions). */
  value: number;
  size: number;
  type: SymbolType;
  binding: SymbolBinding;
  /** st_shndx: section index, 0 undefined, 0xfff1 absolute, 0xfff2 common. */
  sectionIndex: number;
  /** A Thumb function (st_value had bit 0 set). */
  thumb: boolean;
}

const TYPES: readonly SymbolType[] = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];
const BINDINGS: readonly SymbolBinding[] = ['LOCAL', 'GLOBAL', 'WEAK'];

/** Reads `size / 16` Elf32_Sym entries from `offset` (bounds already checked by the caller). */
export function readSymbols(dv: DataView, offset: number, size: number, nameAt: (at: number) => string): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  for (let o = offset; o + 16 <= offset + size; o += 16) {
    const info = dv.getUint8(o + 12);
    const type = TYPES[info & 0xf] ?? 'OTHER';
    const raw = dv.getUint32(o + 4, true);
    const thumb = type === 'FUNC' && (raw & 1) === 1;
    out.push({
      name: nameAt(dv.getUint32(o, true)),
      value: thumb ? (raw & ~1) >>> 0 : raw,
      size: dv.getUint32(o + 8, true),
      type,
      binding: BINDINGS[info >> 4] ?? 'OTHER',
      sectionIndex: dv.getUint16(o + 14, true),
      thumb,
    });
  }
  return out;
}

/** Rank when two symbols start at the same address: functions over data, global over weak over local. */
function preference(s: ElfSymbol): number {
  return (s.type === 'FUNC' ? 8 : 0) + (s.binding === 'GLOBAL' ? 4 : s.binding === 'WEAK' ? 2 : 0) + (s.size > 0 ? 1 : 0);
}

/**
 * Functions and data objects sorted by address; `lookup` is a binary search, no allocation, so the
 * profiler can call it per sample.
 */
export class SymbolIndex {
  readonly entries: readonly ElfSymbol[];
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;

  constructor(symbols: readonly ElfSymbol[]) {
    const named = symbols.filter(
      (s) => (s.type === 'FUNC' || s.type === 'OBJECT') && s.name !== '' && !s.name.startsWith('$') && s.sectionIndex !== 0,
    );
    named.sort((a, b) => a.value - b.value || preference(b) - preference(a));
    // Keep one symbol per start address (the preferred one): aliases like weak handlers share one.
    this.entries = named.filter((s, i) => i === 0 || named[i - 1]!.value !== s.value);
    this.starts = Float64Array.from(this.entries, (s) => s.value);
    this.ends = Float64Array.from(this.entries, (s) => s.value + Math.max(s.size, 1));
  }

  /** Index into `entries` of the symbol holding `address`, or -1. */
  lookup(address: number): number {
    const a = address >>> 0;
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= a) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // A symbol starting inside a bigger one (rare: a label-sized object in a function) hides it; look back a little.
    for (let i = found; i >= 0 && i > found - 4; i--) if (a < this.ends[i]!) return i;
    return -1;
  }

  symbol(address: number): ElfSymbol | undefined {
    const i = this.lookup(address);
    return i < 0 ? undefined : this.entries[i];
  }

  /** `name` at the symbol's first byte, `name+0x1a` inside it. */
  describe(address: number): string | undefined {
    const i = this.lookup(address);
    if (i < 0) return undefined;
    const s = this.entries[i]!;
    const off = (address >>> 0) - s.value;
    return off === 0 ? s.name : `${s.name}+0x${off.toString(16)}`;
  }
}
