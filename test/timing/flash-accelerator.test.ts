// The ART model's cache geometry and FLASH_ACR handling against RM0090 §3.5.2 / RM0383 §3.5:
// 64 I-cache lines of 128 bits (so a loop over 64 lines hits after the first pass, over 65 lines with
// LRU replacement never does), 8 D-cache lines, ICRST emptying the I-cache, LATENCY 0 = no stalls.
import { describe, expect, it } from 'vitest';
import { FlashAccelerator, type FlashAcrState } from '../../src/mcu/flash-accelerator.js';
import { loadBoard } from '../../src/mcu/boards/load.js';

function acr(over: Partial<FlashAcrState>): FlashAcrState {
  return { waitStates: 3, prefetch: false, icache: true, dcache: true, icacheResets: 0, dcacheResets: 0, ...over };
}

/** Stall cycles of one pass that jumps to the first word of each of `lines` lines. */
function pass(a: FlashAccelerator, lines: number, base = 0x08000000): number {
  let stall = 0;
  for (let k = 0; k < lines; k++) stall += a.fetchLine(base + 16 * k, 1000 * k);
  return stall;
}

describe('FlashAccelerator (STM32F411 ART)', () => {
  const board = loadBoard('stm32f411re');

  it('holds 64 lines in the I-cache: the second pass over 64 lines hits, over 65 lines (LRU) misses', () => {
    const a = new FlashAccelerator(board, acr({}));
    expect(pass(a, 64)).toBe(64 * 3);
    expect(pass(a, 64)).toBe(0);
    const b = new FlashAccelerator(board, acr({}));
    expect(pass(b, 65)).toBe(65 * 3);
    expect(pass(b, 65)).toBe(65 * 3);
  });

  it('sees flash through the boot alias at 0 as the same lines', () => {
    const a = new FlashAccelerator(board, acr({}));
    expect(pass(a, 4, 0x08000000)).toBe(12);
    expect(pass(a, 4, 0x00000000)).toBe(0);
  });

  it('costs nothing for SRAM and at LATENCY 0', () => {
    expect(pass(new FlashAccelerator(board, acr({})), 8, 0x20000000)).toBe(0);
    expect(pass(new FlashAccelerator(board, acr({ waitStates: 0, icache: false })), 8)).toBe(0);
  });

  it('holds 8 lines in the D-cache', () => {
    const a = new FlashAccelerator(board, acr({}));
    let first = 0, second = 0;
    for (let k = 0; k < 8; k++) first += a.dataRead(0x08001000 + 16 * k, k);
    for (let k = 0; k < 8; k++) second += a.dataRead(0x08001000 + 16 * k, k);
    expect([first, second]).toEqual([24, 0]);
    const b = new FlashAccelerator(board, acr({}));
    for (let round = 0; round < 2; round++) for (let k = 0; k < 9; k++) second = b.dataRead(0x08001000 + 16 * k, k);
    expect(second).toBe(3);
  });

  it('empties the I-cache when ICRST was written, and follows FLASH_ACR on sync()', () => {
    const state = { ...acr({}) };
    const a = new FlashAccelerator(board, state);
    pass(a, 4);
    expect(pass(a, 4)).toBe(0);
    state.icacheResets = 1;
    a.sync();
    expect(pass(a, 4)).toBe(12);
    state.icache = false;
    a.sync();
    expect(pass(a, 4)).toBe(12);
  });
});
