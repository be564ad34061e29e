// Board profiles against their oracles: QEMU's own memory tree for mps2-an386 (`info mtree -f`),
// and for the STM32 boards the figures of the datasheets/RMs and the wait-state tables quoted in
// isa/TIMING.md §9 (the reference manuals' tables), written out by hand here.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { BOARD_DIR, DEFAULT_BOARD, listBoards, loadBoard } from '../../../src/mcu/boards/load.js';
import { waitStatesRequired } from '../../../src/mcu/boards/flash-timing.js';
import type { Board } from '../../../src/mcu/boards/types.js';

const K = 1024;
const M = 1024 * 1024;
const mem = (b: Board, name: string) => b.memory.find((m) => m.name === name)!;
const peri = (b: Board, name: string) => b.peripherals.find((p) => p.name === name)!;

describe('board list', () => {
  it('has the issue\'s seven boards, stm32f411re by default', () => {
    expect(listBoards()).toEqual(['mps2-an386', 'stm32f401re', 'stm32f411re', 'stm32f446re', 'stm32l432kc', 'stm32l476rg', 'stm32l4r5zi']);
    expect(DEFAULT_BOARD).toBe('stm32f411re');
    expect(loadBoard('STM32F411RE').name).toBe('stm32f411re');
  });

  it('an unknown board is one line naming the known ones', () => {
    expect(() => loadBoard('stm32h743zi')).toThrow(UserError);
    expect(() => loadBoard('stm32h743zi')).toThrow(/^unknown board 'stm32h743zi' \(known: mps2-an386, stm32f401re, .*stm32l4r5zi\)$/);
  });
});

describe('STM32 memory maps (datasheets, RM memory-map chapters)', () => {
  const cases: [string, number, [string, number, number][]][] = [
    ['stm32f401re', 512 * K, [['sram', 0x20000000, 96 * K]]],
    ['stm32f411re', 512 * K, [['sram', 0x20000000, 128 * K]]],
    ['stm32f446re', 512 * K, [['sram1', 0x20000000, 112 * K], ['sram2', 0x2001c000, 16 * K]]],
    ['stm32l432kc', 256 * K, [['sram1', 0x20000000, 48 * K], ['sram2', 0x10000000, 16 * K]]],
    ['stm32l476rg', 1 * M, [['sram1', 0x20000000, 96 * K], ['sram2', 0x10000000, 32 * K]]],
    ['stm32l4r5zi', 2 * M, [['sram1', 0x20000000, 192 * K], ['sram2', 0x10000000, 64 * K], ['sram3', 0x20040000, 384 * K]]],
  ];
  it.each(cases)('%s: flash and SRAM', (name, flashBytes, srams) => {
    const b = loadBoard(name);
    expect(mem(b, 'flash')).toMatchObject({ base: 0x08000000, size: flashBytes, kind: 'flash', bus: 'icode-dcode' });
    for (const [sram, base, size] of srams) expect(mem(b, sram)).toMatchObject({ base, size, kind: 'sram' });
    // Boot from main flash: flash aliased at 0 (RM0383 §2.4, RM0351 §2.6).
    expect(b.aliases.find((a) => a.name === 'boot')).toMatchObject({ base: 0, target: 'flash', size: flashBytes });
    expect(b.bootAddress).toBe(0x08000000);
    expect(b.cpu).toMatchObject({ cpuid: 0x410fc241, nvicPriorityBits: 4, fpu: true, bitBanding: true });
  });

  it('L4 SRAM2 is also seen right after SRAM1 (RM0351 §2.2.2: 0x20018000 on L476)', () => {
    expect(loadBoard('stm32l476rg').aliases.find((a) => a.target === 'sram2')).toMatchObject({ base: 0x20018000, size: 32 * K });
    expect(loadBoard('stm32l432kc').aliases.find((a) => a.target === 'sram2')).toMatchObject({ base: 0x2000c000, size: 16 * K });
    const l4r5 = loadBoard('stm32l4r5zi');
    expect(l4r5.aliases.find((a) => a.target === 'sram2')).toMatchObject({ base: 0x20030000, size: 64 * K });
    expect(l4r5.memory.filter((m) => m.kind === 'sram').reduce((s, m) => s + m.size, 0)).toBe(640 * K);
  });

  it('peripheral bases (RM register boundary tables) and USART2 IRQ 38 on every STM32 board', () => {
    for (const name of listBoards().filter((n) => n.startsWith('stm32'))) {
      const b = loadBoard(name);
      const f4 = b.family === 'stm32f4';
      expect([peri(b, 'rcc').base, peri(b, 'flash').base, peri(b, 'pwr').base, peri(b, 'gpioa').base]).toEqual(
        f4 ? [0x40023800, 0x40023c00, 0x40007000, 0x40020000] : [0x40021000, 0x40022000, 0x40007000, 0x48000000],
      );
      expect(peri(b, 'usart2')).toMatchObject({ model: 'usart', base: 0x40004400, irqs: { irq: 38 }, clock: 'APB1' });
      expect(peri(b, 'usart1')).toMatchObject({ base: f4 ? 0x40011000 : 0x40013800, irqs: { irq: 37 }, clock: 'APB2' });
    }
  });

  it('NVIC sizes: last IRQ in the CMSIS device headers + 1', () => {
    const expected: Record<string, number> = { stm32f401re: 85, stm32f411re: 86, stm32f446re: 97, stm32l432kc: 83, stm32l476rg: 82, stm32l4r5zi: 95, 'mps2-an386': 32 };
    for (const [name, irqs] of Object.entries(expected)) expect([name, loadBoard(name).cpu.nvicIrqs]).toEqual([name, irqs]);
  });

  it('clock data: F4 starts on HSI 16 MHz, L4 on MSI 4 MHz; maximum HCLK per datasheet', () => {
    const max = Object.fromEntries(listBoards().map((n) => [n, loadBoard(n).clocks.maxHz / 1e6]));
    expect(max).toEqual({ 'mps2-an386': 25, stm32f401re: 84, stm32f411re: 100, stm32f446re: 180, stm32l432kc: 80, stm32l476rg: 80, stm32l4r5zi: 120 });
    expect(loadBoard('stm32f411re').clocks).toMatchObject({ pll: 'f4', resetSource: 'HSI', resetHz: 16e6, hseHz: 8e6 });
    expect(loadBoard('stm32l476rg').clocks).toMatchObject({ pll: 'l4', resetSource: 'MSI', resetHz: 4e6 });
    expect(loadBoard('stm32l476rg').clocks.msiRangesHz[6]).toBe(4e6);
  });

  it('flash timing: line width, ART geometry, ACR reset (reference §1.3, §1.4)', () => {
    expect(loadBoard('stm32f411re').flash).toMatchObject({ lineBits: 128, acrReset: 0, art: { icacheLines: 64, dcacheLines: 8, cacheLineBits: 128 } });
    expect(loadBoard('stm32l476rg').flash).toMatchObject({ lineBits: 64, acrReset: 0x600, art: { icacheLines: 32, dcacheLines: 8 } });
    expect(loadBoard('mps2-an386').flash).toBeNull();
    for (const n of listBoards()) {
      const f = loadBoard(n).flash;
      if (f) expect(f.waitStates.source).toMatch(/RM0|LL driver/);
    }
  });
});

describe('wait states required (reference §1.2 and §1.4 tables)', () => {
  const ws = (board: string, mhz: number, vddV = 3.3, vcoreRange?: number) =>
    waitStatesRequired(loadBoard(board).flash!, mhz * 1e6, { vddV, ...(vcoreRange ? { vcoreRange } : {}) });
  it('F4 at 3.3 V', () => {
    expect([ws('stm32f411re', 16), ws('stm32f411re', 30), ws('stm32f411re', 31), ws('stm32f411re', 64), ws('stm32f411re', 84), ws('stm32f411re', 100)]).toEqual([0, 0, 1, 1, 2, 3]);
    expect([ws('stm32f401re', 84), ws('stm32f446re', 168), ws('stm32f446re', 180)]).toEqual([2, 5, 5]);
    expect(ws('stm32f411re', 101)).toBeUndefined();
  });
  it('F4 at lower VDD', () => {
    expect([ws('stm32f411re', 100, 2.5), ws('stm32f411re', 100, 2.2), ws('stm32f411re', 100, 1.8)]).toEqual([4, 5, 6]);
    expect(ws('stm32f446re', 180, 2.2)).toBe(8);
  });
  it('L4 per VCORE range', () => {
    expect([ws('stm32l476rg', 80, 3.3, 1), ws('stm32l476rg', 48, 3.3, 1), ws('stm32l476rg', 26, 3.3, 2), ws('stm32l476rg', 16, 3.3, 1)]).toEqual([4, 2, 3, 0]);
    expect([ws('stm32l4r5zi', 120, 3.3, 1), ws('stm32l4r5zi', 80, 3.3, 1)]).toEqual([5, 3]);
    expect(ws('stm32l476rg', 30, 3.3, 2)).toBeUndefined();
  });
});

/** QEMU's flattened system memory map (`info mtree -f` in its monitor); one retry budget for a slow start. */
function qemuMemoryTree(): string {
  let out = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = spawnSync('qemu-system-arm', ['-M', 'mps2-an386', '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-S'], {
      input: 'info mtree -f\nquit\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    out = `${run.stdout ?? ''}`;
    // The flat views come in no fixed order; take the system address space ("memory").
    const view = out.split('FlatView #').find((v) => v.includes('AS "memory"') && v.includes('mps.ssram1'));
    if (view) return view;
  }
  throw new Error(`qemu-system-arm gave no memory tree: ${out.slice(0, 400)}`);
}

describe('mps2-an386 against QEMU 7.2 (`info mtree -f`)', () => {
  const view = qemuMemoryTree();
  const entries = [...view.matchAll(/([0-9a-f]{16})-([0-9a-f]{16}) \(prio (-?\d+), ([\w/]+)\): (\S+)/g)].map((m) => ({
    base: parseInt(m[1]!, 16),
    end: parseInt(m[2]!, 16) + 1,
    prio: Number(m[3]),
    kind: m[4]!,
    name: m[5]!,
  }));
  const b = loadBoard('mps2-an386');

  it('RAM regions and mirrors match QEMU\'s RAM exactly', () => {
    const qemuRam = entries.filter((e) => e.kind === 'ram').map((e) => [e.base, e.end]);
    const ours = [...b.memory, ...b.aliases].map((m) => [m.base, m.base + m.size]).sort((x, y) => x[0]! - y[0]!);
    expect(ours).toEqual(qemuRam);
  });

  it('UARTs, FPGAIO and SCC sit where QEMU maps them', () => {
    const at = (name: string) => entries.filter((e) => e.name === name).map((e) => [e.base, e.end - e.base]);
    const uarts = b.peripherals.filter((p) => p.model === 'cmsdk-uart').map((p) => [p.base, p.size]);
    expect(uarts).toEqual(at('uart'));
    expect([[peri(b, 'fpgaio').base, peri(b, 'fpgaio').size]]).toEqual(at('mps2-fpgaio'));
    expect([[peri(b, 'scc').base, peri(b, 'scc').size]]).toEqual(at('mps2-scc'));
  });

  it('read-as-zero ranges are QEMU unimplemented-device ranges (priority -1000) or devices, never RAM', () => {
    for (const z of b.readAsZero) {
      const overlapping = entries.filter((e) => e.base < z.base + z.size && e.end > z.base);
      expect(overlapping.length).toBeGreaterThan(0);
      expect(overlapping.every((e) => e.kind === 'i/o')).toBe(true);
      expect(overlapping.some((e) => e.prio === -1000)).toBe(true);
      expect(Math.min(...overlapping.map((e) => e.base))).toBeLessThanOrEqual(z.base);
      expect(Math.max(...overlapping.map((e) => e.end))).toBeGreaterThanOrEqual(z.base + z.size);
    }
  });

  it('CPU, boot address and console', () => {
    expect(b.cpu.cpuid).toBe(0x410fc240);
    expect(b.bootAddress).toBe(0);
    expect(b.console).toBe('uart0');
    expect(b.clocks.systickReference).toEqual({ hz: 1_000_000 });
  });
});

describe('loading: extends chain and validation', () => {
  it('a board inherits from its chip file, which inherits from the family file', () => {
    const b = loadBoard('stm32f446re');
    expect(b.clocks.hseHz).toBe(8e6); // board file
    expect(b.cpu.nvicIrqs).toBe(97); // chip file
    expect(peri(b, 'rcc').base).toBe(0x40023800); // family file
    expect(peri(b, 'pwr')).toMatchObject({ variant: 'overdrive', resets: { CR: 0xc000 } }); // chip merged into family
  });

  function scratchDir(edit: (dir: string) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-boards-'));
    cpSync(BOARD_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    edit(dir);
    return dir;
  }

  it('bad fields give one line naming the board and the field', () => {
    const dir = scratchDir((d) => {
      writeFileSync(join(d, 'bad-size.json'), JSON.stringify({ extends: 'chips/stm32f411xe', description: 'x', memory: { sram: { size: 'lots' } } }));
      writeFileSync(join(d, 'bad-irq.json'), JSON.stringify({ extends: 'chips/stm32f411xe', description: 'x', peripherals: { usart2: { irq: 200 } } }));
      writeFileSync(join(d, 'bad-model.json'), JSON.stringify({ extends: 'chips/stm32f411xe', description: 'x', peripherals: { spi1: { model: 'spi', base: '0x40013000' } } }));
      writeFileSync(join(d, 'loop-a.json'), JSON.stringify({ extends: 'loop-b' }));
      writeFileSync(join(d, 'loop-b.json'), JSON.stringify({ extends: 'loop-a' }));
      writeFileSync(join(d, 'overlap.json'), JSON.stringify({ extends: 'chips/stm32f411xe', description: 'x', memory: { sram: { base: '0x08010000' } } }));
    });
    expect(() => loadBoard('bad-size', dir)).toThrow(/^board profile bad-size: memory\.sram\.size: expected an address or size .*, got "lots"$/);
    expect(() => loadBoard('bad-irq', dir)).toThrow(/^board profile bad-irq: peripherals\.usart2\.irq: expected an IRQ below nvicIrqs \(86\), got 200$/);
    expect(() => loadBoard('bad-model', dir)).toThrow(/peripherals\.spi1\.model: expected one of rcc, flash, pwr, gpio, usart/);
    expect(() => loadBoard('loop-a', dir)).toThrow(/"extends" loops through loop-a/);
    expect(() => loadBoard('overlap', dir)).toThrow(/no overlap with flash/);
  });

  it('null in a board removes an inherited peripheral', () => {
    const dir = scratchDir((d) => writeFileSync(join(d, 'no-usart6.json'), JSON.stringify({ extends: 'stm32f411re', peripherals: { usart6: null } })));
    const b = loadBoard('no-usart6', dir);
    expect(b.peripherals.map((p) => p.name)).not.toContain('usart6');
    expect(b.peripherals.map((p) => p.name)).toContain('usart2');
  });
});
