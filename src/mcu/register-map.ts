/**
 * Registers as data (STYLE.md §4). A peripheral declares its registers once, with reference-manual
 * names, offsets, reset values and access types; `registerMap` checks the declaration and builds a
 * word-offset index so that a bus access finds its register without searching.
 *
 * Access types follow the STM32 reference manuals' conventions (RM0383 §1.1 "List of abbreviations
 * for registers"): rw, r (read-only: writes ignored), w (write-only: reads return 0),
 * rc_w0 (read, clear by writing 0), rc_w1 (read, clear by writing 1).
 */
export type RegisterAccess = 'rw' | 'r' | 'w' | 'rc_w0' | 'rc_w1';

export interface RegisterSpec {
  /** Byte offset from the peripheral base; a multiple of 4. */
  offset: number;
  /** Value after reset, as the RM states it (undefined bits taken as 0). */
  reset: number;
  access: RegisterAccess;
  /** Bits software can change; the others keep their value (reserved or hardware-owned). Default: all. */
  writeMask?: number;
}

export interface RegisterInfo extends Required<RegisterSpec> {
  name: string;
  /** Position in `RegisterMap.registers` (and in a device's value array). */
  index: number;
}

export interface RegisterMap<K extends string = string> {
  peripheral: string;
  registers: readonly RegisterInfo[];
  byName: Readonly<Record<K, RegisterInfo>>;
  /** Register index per word offset (offset >> 2), -1 for an unmodelled offset. */
  indexByWord: Int16Array;
}

export function registerMap<K extends string>(peripheral: string, specs: Record<K, RegisterSpec>): RegisterMap<K> {
  const registers: RegisterInfo[] = [];
  const byName = {} as Record<K, RegisterInfo>;
  let maxWord = 0;
  for (const name of Object.keys(specs) as K[]) {
    const s = specs[name];
    if (s.offset % 4 !== 0 || s.offset < 0) throw new Error(`${peripheral}.${name}: offset 0x${s.offset.toString(16)} is not word aligned`);
    const info: RegisterInfo = {
      name,
      index: registers.length,
      offset: s.offset,
      reset: s.reset >>> 0,
      access: s.access,
      writeMask: (s.writeMask ?? 0xffffffff) >>> 0,
    };
    registers.push(info);
    byName[name] = info;
    maxWord = Math.max(maxWord, s.offset >> 2);
  }
  const indexByWord = new Int16Array(maxWord + 1).fill(-1);
  for (const r of registers) {
    if (indexByWord[r.offset >> 2] !== -1) {
      throw new Error(`${peripheral}.${r.name}: offset 0x${r.offset.toString(16)} already used by ${registers[indexByWord[r.offset >> 2]!]!.name}`);
    }
    indexByWord[r.offset >> 2] = r.index;
  }
  return { peripheral, registers, byName, indexByWord };
}

/** A copy of `map` with some reset values replaced (chip-specific resets given by a board profile). */
export function withResetValues<K extends string>(map: RegisterMap<K>, resets: Partial<Record<string, number>>): RegisterMap<K> {
  const registers = map.registers.map((r) => {
    const v = resets[r.name];
    return v === undefined ? r : { ...r, reset: v >>> 0 };
  });
  for (const name of Object.keys(resets)) {
    if (!(name in map.byName)) throw new Error(`${map.peripheral}: no register ${name} to give a reset value`);
  }
  const byName = {} as Record<K, RegisterInfo>;
  for (const r of registers) byName[r.name as K] = r;
  return { peripheral: map.peripheral, registers, byName, indexByWord: map.indexByWord };
}

/** Value of a register after a write of `written` under `mask` (the byte lanes the access covered). */
export function applyWrite(reg: RegisterInfo, old: number, written: number, laneMask: number): number {
  const m = (reg.writeMask & laneMask) >>> 0;
  switch (reg.access) {
    case 'rw':
    case 'w':
      return ((old & ~m) | (written & m)) >>> 0;
    case 'r':
      return old;
    case 'rc_w0':
      // Writing 0 clears a bit, writing 1 leaves it unchanged.
      return (old & ~(~written & m)) >>> 0;
    case 'rc_w1':
      return (old & ~(written & m)) >>> 0;
  }
}
