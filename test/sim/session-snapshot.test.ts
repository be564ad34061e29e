/**
 * MachineSnapshot (src/sim/snapshot.ts) on large memory: pages that were zero at snapshot time are not
 * copied, yet a restore clears whatever a run wrote into them, and brings back every other page; small
 * buffers and plain fields come back as before. (test/sim/session.test.ts checks whole runs.)
 */
import { describe, expect, it } from 'vitest';
import { MachineSnapshot } from '../../src/sim/snapshot.js';
import { createRegion } from '../../src/cpu/memory.js';

describe('MachineSnapshot', () => {
  it('restores a 4 MB region exactly while copying only its non-zero pages', () => {
    const ram = createRegion('ram', 0x20000000, 4 << 20, 'sram');
    ram.bytes.set([1, 2, 3], 0x1000); // page 1
    ram.words[(0x3ffffc >> 2)] = 0xdeadbeef; // the last word of the last page
    const device = { state: 7, registers: new Uint8Array([5, 6, 7]) };
    const snapshot = new MachineSnapshot([ram, device]);
    expect(snapshot.bytes).toBe(2 * 4096 + 3);
    const before = ram.bytes.slice();

    ram.bytes.fill(0x55, 0x1000, 0x1003); // a saved page changed
    ram.bytes[0] = 9; // a zero page written
    ram.bytes.fill(0xaa, 0x200000, 0x201800); // zero pages written across a page boundary
    ram.words[(0x3ffffc >> 2)] = 0;
    device.state = 8;
    device.registers[1] = 0;
    snapshot.restore();

    expect(ram.bytes.every((b, k) => b === before[k])).toBe(true);
    expect(ram.words[(0x3ffffc >> 2)]).toBe(0xdeadbeef);
    expect(device).toEqual({ state: 7, registers: new Uint8Array([5, 6, 7]) });
  });
});
