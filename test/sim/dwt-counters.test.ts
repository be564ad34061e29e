// DWT counters per ARMv7-M ARM C1.8: CYCCNT and the 8-bit event counters count only while
// DEMCR.TRCENA and their own DWT_CTRL enable bit are set, hold their value otherwise, can be
// written, and the event counters wrap at 8 bits.
import { describe, expect, it } from 'vitest';
import { Dwt } from '../../src/mcu/system/dwt.js';
import type { Cpu } from '../../src/cpu/cpu.js';

function setup() {
  const cpu = { cycles: 0, pc: 0, stalls: { cpi: 0, exc: 0, sleep: 0, lsu: 0, fold: 0 } };
  let trace = false;
  const dwt = new Dwt(cpu as unknown as Cpu, () => trace, () => { throw new Error('unmodelled'); });
  return { cpu, dwt, setTrace: (on: boolean) => { trace = on; } };
}

const CTRL = 0x000, CYCCNT = 0x004, CPICNT = 0x008, LSUCNT = 0x014;
const CYCCNTENA = 1, CPIEVTENA = 1 << 17, LSUEVTENA = 1 << 20;

describe('DWT counters', () => {
  it('CYCCNT needs both TRCENA and CYCCNTENA, and holds its value while stopped', () => {
    const { cpu, dwt, setTrace } = setup();
    dwt.write(CTRL, 4, CYCCNTENA);
    cpu.cycles = 100;
    expect(dwt.read(CYCCNT)).toBe(0); // TRCENA still clear
    setTrace(true);
    dwt.read(CYCCNT); // starts at cycle 100
    cpu.cycles = 250;
    expect(dwt.read(CYCCNT)).toBe(150);
    dwt.write(CTRL, 4, 0);
    cpu.cycles = 1000;
    expect(dwt.read(CYCCNT)).toBe(150);
    dwt.write(CYCCNT, 4, 7);
    dwt.write(CTRL, 4, CYCCNTENA);
    cpu.cycles = 1010;
    expect(dwt.read(CYCCNT)).toBe(17);
  });

  it('event counters follow their cause only while enabled, wrap at 8 bits and can be written', () => {
    const { cpu, dwt, setTrace } = setup();
    setTrace(true);
    cpu.stalls.cpi = 40;
    cpu.stalls.lsu = 10;
    dwt.write(CTRL, 4, CPIEVTENA);
    cpu.stalls.cpi = 340; // +300 -> 300 & 0xff = 44
    cpu.stalls.lsu = 30;
    expect(dwt.read(CPICNT)).toBe(300 & 0xff);
    expect(dwt.read(LSUCNT)).toBe(0); // LSUEVTENA clear: held at its reset value
    dwt.write(CTRL, 4, CPIEVTENA | LSUEVTENA);
    cpu.stalls.lsu = 35;
    expect(dwt.read(LSUCNT)).toBe(5);
    dwt.write(LSUCNT, 4, 250);
    cpu.stalls.lsu = 45;
    expect(dwt.read(LSUCNT)).toBe((250 + 10) & 0xff);
  });
});
