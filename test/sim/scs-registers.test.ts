// The SCS as a register map (src/mcu/system/scs.ts): the fault status sub-registers are byte and
// halfword accessible (ARMv7-M ARM B3.2.15: MMFSR at 0xE000ED28, BFSR at 0xED29, UFSR at 0xED2A,
// write-one-to-clear), so a byte write clears bits of its own sub-register only; an offset the
// map does not declare is reported as unmodelled, never answered with an invented value.
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { buildMachine } from '../../src/sim/machine.js';

const CFSR = 0xe000ed28;

function machine() {
  const unmodelled: number[] = [];
  const m = buildMachine(loadBoard('stm32f411re'), {
    unmodelled: (address) => unmodelled.push(address), itm: () => {}, transmit: () => {}, warning: () => {},
  });
  return { m, unmodelled };
}

describe('SCS registers', () => {
  it('clears fault status bits per sub-register on byte and halfword writes', () => {
    const { m } = machine();
    const all = 0x2_0000 | 0x8200 | 0x82; // UFSR.INVSTATE, BFSR.BFARVALID|PRECISERR, MMFSR.MMARVALID|DACCVIOL
    m.exceptions.cfsr = all;
    m.bus.write(CFSR + 1, 1, 0x82); // BFSR
    expect(m.bus.read(CFSR, 4)).toBe(all & ~0x8200);
    m.bus.write(CFSR + 2, 2, 0x0002); // UFSR.INVSTATE
    expect(m.bus.read(CFSR, 4)).toBe(0x82);
    m.bus.write(CFSR, 1, 0x02); // MMFSR.DACCVIOL
    expect(m.bus.read(CFSR, 4)).toBe(0x80);
    expect(m.bus.read(CFSR, 1)).toBe(0x80);
  });

  it('reports an undeclared offset as unmodelled', () => {
    const { m, unmodelled } = machine();
    expect(m.bus.read(0xe000edbc, 4)).toBe(0); // reserved, after MPU_RASR_A3
    m.bus.write(0xe000ed00, 4, 0); // CPUID is read-only
    expect(unmodelled).toEqual([0xe000edbc, 0xe000ed00]);
    expect(m.bus.read(0xe000ed00, 4) >>> 0).toBe(loadBoard('stm32f411re').cpu.cpuid >>> 0);
  });
});
