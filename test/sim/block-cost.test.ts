// Static cycle costs in translated blocks (src/cpu/block-cost.ts) against the interpreter, which
// asks the cycle model instruction by instruction: the same cycles, stall counters and stall
// breakdown, and the same questions to the memory timing in the same order at the same cycle counts.
// The memory timing here is a stand-in whose answers depend on the address and on the cycle it is
// asked at, so a block that asked at another cycle, skipped a question or reordered two would give
// other counts. A device event re-armed every few cycles makes blocks leave at many different
// instructions. The program covers the rules the planner applies itself: load after load in the
// same and in another memory, store after load, unaligned halfword and word, an address register
// written just before, a store after a write-back store of its base, 32-bit instructions on odd
// halfwords, a conditional branch taken and not taken, and a block entered with a hazard left by
// the block before it (a load at its start, costed by the model then).
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { M4CycleModel, type MemoryTiming } from '../../src/cpu/cycle-model.js';
import { Bus } from '../../src/mcu/bus.js';
import { createRegion } from '../../src/cpu/memory.js';
import { assemble } from '../support/step.js';

const RAM = 0x20000000;

const PROGRAM = assemble([
  'loop: ldr r1, [r4]',
  ' ldr r2, [r4, #4]',
  ' ldr r3, [r6]',
  ' str r1, [r4, #8]',
  ' ldrh r2, [r4, #1]',
  ' ldr r3, [r4, #2]',
  ' adds r5, r4, #0',
  ' ldr r1, [r5]',
  ' str r1, [r5, #12]!',
  ' str r2, [r5, #4]',
  ' nop',
  ' add.w r0, r0, #1',
  ' add.w r0, r0, #1',
  ' add.w r0, r0, #1',
  ' add.w r0, r0, #1',
  ' tst r7, #1',
  ' beq skip',
  ' adds r0, #3',
  'skip: adds r0, #2',
  // 63 instructions, then one leaving an address hazard: the block ends at 64 and the next one starts with a load
  ...Array.from({ length: 44 }, () => ' adds r0, #1'),
  ' adds r5, r4, #0',
  ' ldr r1, [r5]',
  ' str r1, [r4, #16]',
  ' subs r7, #1',
  ' bne loop',
  'stop: b stop',
].join('\n'));

/** Stall answers that depend on the address and on the cycle asked at, with a log of the questions. */
function memoryTiming(log: string[]): MemoryTiming {
  return {
    lineShift: 4,
    fetchLine(address, now) {
      log.push(`f ${address} ${now}`);
      return (address + now) % 3;
    },
    dataRead(address, now) {
      log.push(`d ${address} ${now}`);
      return (address + now) % 2;
    },
  };
}

function run(mode: { translateBlocks: boolean; blockThreshold?: number }, withMemory: boolean) {
  const bus = new Bus();
  bus.mapRegion(createRegion('flash', 0, 0x1000, 'flash'));
  bus.mapRegion(createRegion('sram', RAM, 0x1000, 'sram'));
  bus.writeBytes(0, PROGRAM);
  const cpu = new Cpu(bus);
  const log: string[] = [];
  const model = new M4CycleModel(withMemory ? memoryTiming(log) : null);
  cpu.cycleModel = model;
  const events: number[] = [];
  cpu.nextEventCycle = 41;
  cpu.onEvent = (c) => {
    events.push(c.instructions);
    c.nextEventCycle = c.cycles + 37;
  };
  cpu.translateBlocks = mode.translateBlocks;
  if (mode.blockThreshold !== undefined) cpu.blockThreshold = mode.blockThreshold;
  cpu.r[4] = RAM + 0x100;
  cpu.r[6] = 0x800;
  cpu.r[7] = 60;
  cpu.pc = 0;
  cpu.run(60 * 90);
  return {
    pc: cpu.pc, regs: Array.from(cpu.r.subarray(0, 15)), cycles: cpu.cycles, instructions: cpu.instructions,
    stalls: { ...cpu.stalls }, breakdown: model.stallBreakdown(), events, log,
  };
}

describe('static block costs', () => {
  for (const withMemory of [false, true]) {
    it(`give the interpreter's cycles, stalls and memory-timing questions ${withMemory ? 'with flash wait states' : 'at zero wait states'}`, () => {
      const interpreted = run({ translateBlocks: false }, withMemory);
      expect(interpreted.pc).toBe(PROGRAM.length - 2);
      expect(interpreted.events.length).toBeGreaterThan(50);
      expect(interpreted.breakdown.loadStore).toBeGreaterThan(0);
      if (withMemory) expect(interpreted.log.length).toBeGreaterThan(600);
      for (const blockThreshold of [1, 7]) expect(run({ translateBlocks: true, blockThreshold }, withMemory)).toEqual(interpreted);
    });
  }
});
