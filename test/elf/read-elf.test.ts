// readElf on real arm-none-eabi-gcc output, checked field by field against arm-none-eabi-readelf.
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/elf/index.js';
import { buildFixture, F411_LAYOUT, readBytes, readelf } from './fixtures.js';

const elfPath = buildFixture('f411', F411_LAYOUT);
const image = readElf(readBytes(elfPath), 'f411.elf');

const SHF_LETTERS: [number, string][] = [[1, 'W'], [2, 'A'], [4, 'X']];

describe('readElf against arm-none-eabi-readelf', () => {
  it('reads the entry point of the ELF header', () => {
    const m = /Entry point address:\s+0x([0-9a-f]+)/.exec(readelf(['-h'], elfPath))!;
    expect(image.entry).toBe(parseInt(m[1]!, 16));
  });

  it('reads every program header', () => {
    const rows = readelf(['-l'], elfPath)
      .split('\n')
      .map((l) => /^\s*(\w+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) ([RWE ]{3}) 0x([0-9a-f]+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(rows.length).toBeGreaterThan(0);
    expect(image.programHeaders).toHaveLength(rows.length);
    rows.forEach((m, i) => {
      const p = image.programHeaders[i]!;
      const flags = (m[7]!.includes('R') ? 4 : 0) | (m[7]!.includes('W') ? 2 : 0) | (m[7]!.includes('E') ? 1 : 0);
      expect([p.offset, p.vaddr, p.paddr, p.filesz, p.memsz, p.flags, p.align]).toEqual([
        ...[2, 3, 4, 5, 6].map((g) => parseInt(m[g]!, 16)),
        flags,
        parseInt(m[8]!, 16),
      ]);
      expect(p.type === 1).toBe(m[1] === 'LOAD');
    });
    // .data is loaded at its flash LMA (paddr) while it lives in RAM (vaddr).
    expect(image.segments.some((s) => s.vaddr >= 0x20000000 && s.paddr < 0x20000000 && s.filesz > 0)).toBe(true);
  });

  it('reads every section header', () => {
    const rows = readelf(['-S'], elfPath)
      .split('\n')
      .map((l) => /^\s*\[\s*(\d+)\]\s+(\S*)\s+([A-Z_]+)\s+([0-9a-f]{8}) ([0-9a-f]{6}) ([0-9a-f]{6}) [0-9a-f]{2}\s+([A-Z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(rows.length).toBeGreaterThan(8);
    expect(image.sections).toHaveLength(rows.length);
    for (const m of rows) {
      const s = image.sections[Number(m[1])]!;
      const letters = SHF_LETTERS.filter(([bit]) => s.flags & bit).map(([, l]) => l).join('');
      const oracleLetters = [...m[7]!].filter((c) => 'WAX'.includes(c)).join('');
      expect([s.name, s.typeName, s.addr, s.offset, s.size, letters, s.link, s.info]).toEqual([
        m[2] === 'NULL' ? '' : m[2],
        m[2] === 'NULL' ? 'NULL' : m[3],
        parseInt(m[4]!, 16),
        parseInt(m[5]!, 16),
        parseInt(m[6]!, 16),
        oracleLetters,
        Number(m[8]),
        Number(m[9]),
      ]);
    }
  });

  it('reads every symbol, with the Thumb bit moved into `thumb`', () => {
    const rows = readelf(['-s'], elfPath)
      .split('\n')
      .map((l) => /^\s*(\d+): ([0-9a-f]{8})\s+(\d+|0x[0-9a-f]+) (\w+)\s+(\w+)\s+\w+\s+(\S+)\s?(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(image.symbols).toHaveLength(rows.length);
    for (const m of rows) {
      const s = image.symbols[Number(m[1])]!;
      const raw = parseInt(m[2]!, 16);
      expect(s.name).toBe(m[7]);
      expect((s.value | (s.thumb ? 1 : 0)) >>> 0).toBe(raw);
      expect(s.size).toBe(Number(m[3]));
      expect(s.type).toBe(m[4]);
      expect(s.binding).toBe(m[5]);
      if (s.type === 'FUNC') expect(s.thumb).toBe((raw & 1) === 1);
    }
    const compute = image.symbols.find((s) => s.name === 'compute')!;
    expect(compute).toMatchObject({ type: 'FUNC', binding: 'GLOBAL', thumb: true });
    expect(compute.value & 1).toBe(0);
  });

  it('symbolAt names the function or object holding an address', () => {
    const funcs = image.symbols.filter((s) => s.type === 'FUNC' && s.size > 4);
    expect(funcs.map((f) => f.name)).toEqual(expect.arrayContaining(['compute', 'helper', 'Reset_Handler']));
    for (const f of funcs) {
      expect(image.symbolAt(f.value)).toBe(f.name);
      expect(image.symbolAt(f.value + 2)).toBe(`${f.name}+0x2`);
      expect(image.symbolAt(f.value + f.size - 2)).toBe(`${f.name}+0x${(f.size - 2).toString(16)}`);
    }
    const table = image.symbols.find((s) => s.name === 'table')!;
    expect(image.symbolAt(table.value + 8)).toBe('table+0x8');
    expect(image.symbolAt(0x30000000)).toBeUndefined();
  });

  it('symbolAt agrees with arm-none-eabi-addr2line -f on every halfword of compute', async () => {
    const { execFileSync } = await import('node:child_process');
    const compute = image.symbols.find((s) => s.name === 'compute')!;
    const addrs = [];
    for (let a = compute.value; a < compute.value + compute.size; a += 2) addrs.push(`0x${a.toString(16)}`);
    const out = execFileSync('arm-none-eabi-addr2line', ['-f', '-e', elfPath, ...addrs], { encoding: 'utf8' }).trim().split('\n');
    const oracleNames = out.filter((_, i) => i % 2 === 0);
    expect(addrs.map((a) => image.symbolAt(Number(a))!.split('+')[0])).toEqual(oracleNames);
  });
});
