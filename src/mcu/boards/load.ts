/**
 * Loads a board profile: `<name>.json` in this folder, following its `"extends"` chain (a board
 * extends a chip file in ./chips, which may extend a family file), deep-merging objects (a later file
 * wins; `null` removes an inherited entry), then checking and converting every field into `Board`.
 * Addresses are "0x..." strings, sizes "512K" / "4M" / numbers; errors name the file and field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UserError } from '../../common/errors.js';
import type { Board, BoardAlias, BoardMemory, ClockData, FlashTiming, PeripheralInstance, WaitStateRow } from './types.js';

export const DEFAULT_BOARD = 'stm32f411re';
export const PERIPHERAL_MODELS = ['rcc', 'flash', 'pwr', 'gpio', 'usart', 'cmsdk-uart', 'mps2-scc', 'mps2-fpgaio', 'signature', 'dbgmcu'] as const;
export type PeripheralModel = (typeof PERIPHERAL_MODELS)[number];

/** Where the shipped profiles live; tests may load from another folder with the same layout. */
export const BOARD_DIR = fileURLToPath(new URL('.', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Board names: the JSON files in this folder (chips live in ./chips). */
export function listBoards(dir = BOARD_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

function readProfile(dir: string, rel: string, chain: string[]): Obj {
  if (chain.includes(rel)) throw new UserError(`board profile ${chain[0]}: "extends" loops through ${rel}`);
  const file = join(dir, `${rel}.json`);
  if (!existsSync(file)) throw new UserError(`board profile ${chain[0] ?? rel}: ${rel}.json not found in ${dir}`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`board profile ${rel}.json: invalid JSON (${(e as Error).message})`);
  }
  if (!isObj(data)) throw new UserError(`board profile ${rel}.json: expected a JSON object`);
  const parent = data['extends'];
  if (parent === undefined) return data;
  if (typeof parent !== 'string') throw new UserError(`board profile ${rel}.json: "extends" must be a file name`);
  const base = readProfile(dir, parent, [...chain, rel]);
  const { extends: _drop, ...own } = data;
  return merge(base, own);
}

function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isObj(v) && isObj(out[k])) out[k] = merge(out[k] as Obj, v);
    else out[k] = v;
  }
  return out;
}

/** Field readers that throw one line naming the board and the field path. */
class Reader {
  constructor(private readonly board: string) {}
  fail(path: string, want: string, got: unknown): never {
    throw new UserError(`board profile ${this.board}: ${path}: expected ${want}, got ${JSON.stringify(got) ?? 'nothing'}`);
  }
  obj(o: Obj, key: string, path: string): Obj {
    const v = o[key];
    return isObj(v) ? v : this.fail(`${path}${key}`, 'an object', v);
  }
  str(o: Obj, key: string, path: string): string {
    const v = o[key];
    return typeof v === 'string' && v !== '' ? v : this.fail(`${path}${key}`, 'a string', v);
  }
  oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
    const v = o[key];
    return allowed.includes(v as T) ? (v as T) : this.fail(`${path}${key}`, `one of ${allowed.join(', ')}`, v);
  }
  bool(o: Obj, key: string, path: string, dflt?: boolean): boolean {
    const v = o[key];
    if (v === undefined && dflt !== undefined) return dflt;
    return typeof v === 'boolean' ? v : this.fail(`${path}${key}`, 'true or false', v);
  }
  num(o: Obj, key: string, path: string): number {
    const v = o[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(`${path}${key}`, 'a number', v);
  }
  /** "0x08000000", "512K", "4M" or a plain non-negative integer. */
  u32(o: Obj, key: string, path: string): number {
    const v = o[key];
    let n = NaN;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string') {
      const m = /^(\d+)([KM])$/.exec(v);
      if (m) n = Number(m[1]) * (m[2] === 'K' ? 1024 : 1024 * 1024);
      else if (/^0x[0-9a-fA-F]+$/.test(v) || /^\d+$/.test(v)) n = Number(v);
    }
    return Number.isInteger(n) && n >= 0 && n <= 0x1_0000_0000 ? n : this.fail(`${path}${key}`, 'an address or size ("0x40023800", "512K", 1024)', v);
  }
  numbers(o: Obj, key: string, path: string): number[] {
    const v = o[key];
    return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : this.fail(`${path}${key}`, 'a list of numbers', v);
  }
}

export function loadBoard(name: string, dir = BOARD_DIR): Board {
  const boardName = name.toLowerCase();
  const known = listBoards(dir);
  if (!known.includes(boardName)) throw new UserError(`unknown board '${name}' (known: ${known.join(', ')})`);
  return convert(boardName, readProfile(dir, boardName, []));
}

function convert(name: string, d: Obj): Board {
  const r = new Reader(name);
  const cpuO = r.obj(d, 'cpu', '');
  const memO = r.obj(d, 'memory', '');
  const memory: BoardMemory[] = Object.keys(memO).map((k) => {
    const m = r.obj(memO, k, 'memory.');
    const p = `memory.${k}.`;
    return {
      name: k,
      base: r.u32(m, 'base', p),
      size: r.u32(m, 'size', p),
      kind: r.oneOf(m, 'kind', p, ['flash', 'sram', 'ccm', 'rom'] as const),
      bus: r.oneOf(m, 'bus', p, ['icode-dcode', 'system'] as const),
      bitBand: r.bool(m, 'bitBand', p, false),
    };
  });
  const aliasO = isObj(d['aliases']) ? d['aliases'] : {};
  const aliases: BoardAlias[] = Object.keys(aliasO).map((k) => {
    const a = r.obj(aliasO, k, 'aliases.');
    const p = `aliases.${k}.`;
    const target = r.str(a, 'target', p);
    const t = memory.find((m) => m.name === target) ?? r.fail(`${p}target`, `a memory name (${memory.map((m) => m.name).join(', ')})`, target);
    const size = r.u32(a, 'size', p);
    if (size > t.size) r.fail(`${p}size`, `at most the size of ${target} (${t.size})`, size);
    return { name: k, base: r.u32(a, 'base', p), target, size, bus: r.oneOf(a, 'bus', p, ['icode-dcode', 'system'] as const), bitBand: r.bool(a, 'bitBand', p, false) };
  });
  const spans = [...memory, ...aliases].sort((a, b) => a.base - b.base);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.base < spans[i - 1]!.base + spans[i - 1]!.size) r.fail(`memory/aliases ${spans[i]!.name}`, `no overlap with ${spans[i - 1]!.name}`, spans[i]!.base);
  }
  const periO = r.obj(d, 'peripherals', '');
  const peripherals: PeripheralInstance[] = Object.keys(periO).map((k) => readPeripheral(r, k, r.obj(periO, k, 'peripherals.')));
  const nvicIrqs = r.num(cpuO, 'nvicIrqs', 'cpu.');
  for (const p of peripherals) {
    for (const [line, irq] of Object.entries(p.irqs)) {
      if (!Number.isInteger(irq) || irq < 0 || irq >= nvicIrqs) r.fail(`peripherals.${p.name}.irq${line === 'irq' ? '' : `s.${line}`}`, `an IRQ below nvicIrqs (${nvicIrqs})`, irq);
    }
  }
  const supplyO = r.obj(d, 'supply', '');
  const console = d['console'];
  if (console !== undefined && !peripherals.some((p) => p.name === console)) r.fail('console', 'the name of a peripheral', console);
  const razO = isObj(d['readAsZero']) ? d['readAsZero'] : {};
  return {
    name,
    description: r.str(d, 'description', ''),
    chip: r.str(d, 'chip', ''),
    family: r.oneOf(d, 'family', '', ['stm32f4', 'stm32l4', 'mps2'] as const),
    ...(typeof d['qemuMachine'] === 'string' ? { qemuMachine: d['qemuMachine'] } : {}),
    cpu: {
      core: r.oneOf(cpuO, 'core', 'cpu.', ['cortex-m4'] as const),
      cpuid: r.u32(cpuO, 'cpuid', 'cpu.'),
      fpu: r.bool(cpuO, 'fpu', 'cpu.'),
      nvicIrqs,
      nvicPriorityBits: r.num(cpuO, 'nvicPriorityBits', 'cpu.'),
      bitBanding: r.bool(cpuO, 'bitBanding', 'cpu.'),
    },
    bootAddress: r.u32(d, 'bootAddress', ''),
    memory,
    aliases,
    clocks: readClocks(r, r.obj(d, 'clocks', '')),
    supply: {
      vddV: r.num(supplyO, 'vddV', 'supply.'),
      ...(supplyO['vcoreRangeAtReset'] !== undefined ? { vcoreRangeAtReset: r.num(supplyO, 'vcoreRangeAtReset', 'supply.') } : {}),
    },
    flash: d['flash'] === undefined ? null : readFlash(r, r.obj(d, 'flash', '')),
    peripherals,
    ...(typeof console === 'string' ? { console } : {}),
    readAsZero: Object.keys(razO).map((k) => {
      const z = r.obj(razO, k, 'readAsZero.');
      return { name: k, base: r.u32(z, 'base', `readAsZero.${k}.`), size: r.u32(z, 'size', `readAsZero.${k}.`) };
    }),
    sources: Array.isArray(d['sources']) ? d['sources'].filter((s): s is string => typeof s === 'string') : [],
    ...(d['power'] !== undefined ? { power: d['power'] } : {}),
  };
}

function readPeripheral(r: Reader, name: string, o: Obj): PeripheralInstance {
  const p = `peripherals.${name}.`;
  const irqs: Record<string, number> = {};
  if (o['irq'] !== undefined) irqs['irq'] = r.num(o, 'irq', p);
  if (o['irqs'] !== undefined) {
    const io = r.obj(o, 'irqs', p);
    for (const k of Object.keys(io)) irqs[k] = r.num(io, k, `${p}irqs.`);
  }
  const resets: Record<string, number> = {};
  if (o['resets'] !== undefined) {
    const ro = r.obj(o, 'resets', p);
    for (const k of Object.keys(ro)) resets[k] = r.u32(ro, k, `${p}resets.`);
  }
  const size = o['size'] === undefined ? 0x400 : r.u32(o, 'size', p);
  const base = r.u32(o, 'base', p);
  if (base % 0x400 !== 0 || size % 0x400 !== 0) r.fail(`${p}base`, 'a 1 KB aligned base and size (the bus maps 1 KB pages)', o['base']);
  return {
    name,
    model: r.oneOf(o, 'model', p, PERIPHERAL_MODELS),
    base,
    size,
    irqs,
    ...(o['clock'] !== undefined ? { clock: r.oneOf(o, 'clock', p, ['AHB', 'APB1', 'APB2', 'SYSCLK'] as const) } : {}),
    ...(o['variant'] !== undefined ? { variant: r.str(o, 'variant', p) } : {}),
    resets,
  };
}

function readClocks(r: Reader, c: Obj): ClockData {
  const p = 'clocks.';
  const ref = r.obj(c, 'systickReference', p);
  return {
    pll: r.oneOf(c, 'pll', p, ['f4', 'l4', 'none'] as const),
    hsiHz: r.num(c, 'hsiHz', p),
    hseHz: r.num(c, 'hseHz', p),
    lseHz: r.num(c, 'lseHz', p),
    lsiHz: r.num(c, 'lsiHz', p),
    msiRangesHz: c['msiRangesHz'] === undefined ? [] : r.numbers(c, 'msiRangesHz', p),
    resetSource: r.oneOf(c, 'resetSource', p, ['HSI', 'MSI', 'SYSCLK'] as const),
    resetHz: r.num(c, 'resetHz', p),
    maxHz: r.num(c, 'maxHz', p),
    systickReference: ref['hclkDivider'] !== undefined ? { hclkDivider: r.num(ref, 'hclkDivider', `${p}systickReference.`) } : { hz: r.num(ref, 'hz', `${p}systickReference.`) },
  };
}

function readFlash(r: Reader, f: Obj): FlashTiming {
  const p = 'flash.';
  const ws = r.obj(f, 'waitStates', p);
  const selector = r.oneOf(ws, 'selector', `${p}waitStates.`, ['vdd', 'vcore-range'] as const);
  const rowsJ = ws['rows'];
  if (!Array.isArray(rowsJ) || rowsJ.length === 0) r.fail(`${p}waitStates.rows`, 'a non-empty list', rowsJ);
  const rows: WaitStateRow[] = (rowsJ as Json[]).map((row, i) => {
    const rp = `${p}waitStates.rows[${i}].`;
    if (!isObj(row)) return r.fail(rp, 'an object', row);
    const maxMhz = r.numbers(row, 'maxHclkMhz', rp);
    if (maxMhz.some((v, j) => j > 0 && v <= maxMhz[j - 1]!)) r.fail(`${rp}maxHclkMhz`, 'increasing bounds', maxMhz);
    const out: WaitStateRow = { label: r.str(row, 'label', rp), maxHclkHz: maxMhz.map((m) => Math.round(m * 1e6)), prefetchAllowed: r.bool(row, 'prefetchAllowed', rp, true) };
    if (selector === 'vdd') {
      out.vddMinV = r.num(row, 'vddMinV', rp);
      out.vddMaxV = r.num(row, 'vddMaxV', rp);
    } else out.vcoreRange = r.num(row, 'vcoreRange', rp);
    return out;
  });
  const art = r.obj(f, 'art', p);
  return {
    lineBits: r.num(f, 'lineBits', p),
    waitStates: { selector, rows, source: r.str(ws, 'source', `${p}waitStates.`) },
    art: {
      icacheLines: r.num(art, 'icacheLines', `${p}art.`),
      dcacheLines: r.num(art, 'dcacheLines', `${p}art.`),
      cacheLineBits: r.num(art, 'cacheLineBits', `${p}art.`),
      source: r.str(art, 'source', `${p}art.`),
    },
    prefetch: r.bool(f, 'prefetch', p),
    acrReset: r.u32(f, 'acrReset', p),
    latencyBits: r.num(f, 'latencyBits', p),
  };
}
