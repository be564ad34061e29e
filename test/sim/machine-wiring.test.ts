// buildMachine wires devices to the core's timing through the devices' own hooks (no patched
// methods): a firmware write to ACTLR.DISFOLD turns IT folding off (Cortex-M4 TRM §4.3.1), and a
// write to FLASH_ACR reaches the flash timing model at once (RM0383 §3.4: LATENCY wait states on
// a fetch-line miss; ICEN caches the line).
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { buildMachine } from '../../src/sim/machine.js';

const ACTLR = 0xe000e008;
const FLASH_ACR = 0x40023c00;
const ACR_ICEN = 1 << 9;

function machine() {
  return buildMachine(loadBoard('stm32f411re'), { unmodelled: () => {}, itm: () => {}, transmit: () => {}, warning: () => {} });
}

describe('machine wiring', () => {
  it('ACTLR.DISFOLD switches IT folding off; reset switches it back on', () => {
    const m = machine();
    expect(m.timing.foldIt).toBe(true);
    m.bus.write(ACTLR, 4, 1 << 2);
    expect(m.timing.foldIt).toBe(false);
    m.bus.write(ACTLR, 4, 0);
    expect(m.timing.foldIt).toBe(true);
    m.bus.write(ACTLR, 4, 1 << 2);
    m.bus.writeBytes(0x08000000, new Uint8Array([0, 0, 1, 0x20, 9, 0, 0, 8])); // SP, reset vector
    m.reset();
    expect(m.timing.foldIt).toBe(true);
  });

  it('FLASH_ACR writes reach the flash timing model', () => {
    const m = machine();
    const art = m.flashAccelerator!;
    expect(art.fetchLine(0x08000100, 0)).toBe(0); // reset: LATENCY 0
    m.bus.write(FLASH_ACR, 4, 3);
    expect(art.fetchLine(0x08000200, 10)).toBe(3);
    expect(art.fetchLine(0x08000200, 20)).toBe(3); // no cache: the same line again pays again
    m.bus.write(FLASH_ACR, 4, 3 | ACR_ICEN);
    expect(art.fetchLine(0x08000300, 30)).toBe(3);
    expect(art.fetchLine(0x08000300, 40)).toBe(0);
  });
});
