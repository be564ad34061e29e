// Loads inside translated blocks (src/cpu/block-compiler.ts, leaveAfterRead): a load that stays in
// the core's read window (RAM, flash) only checks the cycle count afterwards; a load that goes
// through the bus (counted by cpu.busReads) may have reached a device that moved its next event or
// pended an exception, so the block re-reads both and leaves right after that load, as the
// interpreter looks again after every instruction. The oracle is the interpreter: the device events
// must be seen at the same instruction and cycle, and the run must end in the same state.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { Bus } from '../../src/mcu/bus.js';
import { createRegion } from '../../src/cpu/memory.js';
import { assemble } from '../support/step.js';

const RAM = 0x20000000;
const DEVICE = 0x40000000;

/** The loop: two RAM loads around a load from a device whose read makes a device event due at once. */
const LOOP = assemble([
  'loop: ldr r1, [r4]',
  ' ldr r2, [r5]',
  ' ldr r3, [r4, #4]',
  ' adds r0, #1',
  ' cmp r0, #40',
  ' bne loop',
  'stop: b stop',
].join('\n'));

function run(translateBlocks: boolean, deviceRaisesEvent: boolean) {
  const bus = new Bus();
  bus.mapRegion(createRegion('flash', 0, 0x1000, 'flash'));
  bus.mapRegion(createRegion('sram', RAM, 0x1000, 'sram'));
  bus.writeBytes(0, LOOP);
  const cpu = new Cpu(bus);
  bus.mapDevice({
    name: 'doorbell', base: DEVICE, size: 0x400, reset() {}, write() {},
    read() {
      if (deviceRaisesEvent) cpu.nextEventCycle = cpu.cycles;
      return 7;
    },
  });
  const events: { instructions: number; cycles: number }[] = [];
  cpu.onEvent = (c) => {
    events.push({ instructions: c.instructions, cycles: c.cycles });
    c.nextEventCycle = Infinity;
  };
  cpu.translateBlocks = translateBlocks;
  cpu.blockThreshold = 1;
  cpu.r[4] = RAM;
  cpu.r[5] = DEVICE;
  cpu.pc = 0;
  cpu.run(40 * 6 + 10);
  return { events, pc: cpu.pc, regs: Array.from(cpu.r.subarray(0, 15)), cycles: cpu.cycles, instructions: cpu.instructions, stalls: { ...cpu.stalls } };
}

describe('loads in translated blocks', () => {
  it('see a device event raised by a load through the bus right after that load, as the interpreter does', () => {
    const interpreted = run(false, true);
    const blocks = run(true, true);
    // one event per pass, each right after the device load (the second instruction of a pass)
    expect(interpreted.events).toHaveLength(40);
    expect(interpreted.events[0]!.instructions).toBe(2);
    expect(blocks).toEqual(interpreted);
  });

  it('give the interpreter\'s counts when no load reaches a device event', () => {
    const interpreted = run(false, false);
    expect(interpreted.events).toHaveLength(0);
    expect(interpreted.regs[0]).toBe(40);
    expect(run(true, false)).toEqual(interpreted);
  });
});
