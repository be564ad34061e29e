/**
 * The bus's address map (src/mcu/bus.ts): regions, aliases, devices and fallback ranges land on
 * exactly their 1 KB pages, megabyte boundaries included, and overlaps are refused. The map is
 * filled a megabyte at a time and fallback ranges are looked up only on a miss (start-up time);
 * these cases pin the page-exact result.
 */
import { describe, expect, it } from 'vitest';
import { Bus } from '../../src/mcu/bus.js';
import { createRegion } from '../../src/cpu/memory.js';
import type { Peripheral } from '../../src/mcu/peripheral.js';

const device = (name: string, base: number, size: number): Peripheral => ({
  name, base, size, read: () => 0, write: () => {}, reset: () => {},
});

describe('bus address map', () => {
  it('places a region, its alias, a device and a multi-megabyte fallback range page-exactly', () => {
    const bus = new Bus();
    const sram = createRegion('sram', 0x200ff000, 0x3000, 'sram'); // straddles the 0x20100000 megabyte boundary
    bus.mapRegion(sram);
    bus.mapRegion(sram, 0x000ff000);
    const uart = device('uart', 0x20103000, 0x400);
    bus.mapDevice(uart);
    const fallback = device('reserved', 0x1ff00000, 0x00400000); // 4 MB around both
    bus.mapDeviceWhereFree(fallback);

    expect(bus.regionAt(0x200ff000)).toEqual({ region: sram, offset: 0 });
    expect(bus.regionAt(0x20101ffc)).toEqual({ region: sram, offset: 0x2ffc });
    expect(bus.regionAt(0x00100010)).toEqual({ region: sram, offset: 0x1010 });
    expect(bus.regionFor(0x20100000)).toBe(sram);
    expect(bus.foundBase).toBe(0x200ff000);
    expect(bus.deviceAt(0x20103000)).toBe(uart);
    expect(bus.deviceAt(0x201033fc)).toBe(uart);
    // The fallback fills every page nothing else holds, on both sides of the others and in whole free megabytes.
    for (const a of [0x1ff00000, 0x1fffffff, 0x200fe000, 0x200feffc, 0x20102000, 0x20103400, 0x202fffff]) {
      expect(bus.deviceAt(a), `0x${a.toString(16)}`).toBe(fallback);
    }
    expect(bus.deviceAt(0x20300000)).toBeUndefined();
    expect(bus.regionAt(0x20300000)).toBeUndefined();
    expect(bus.deviceAt(0x1fefffff)).toBeUndefined();
  });

  it('sends reads and writes on free pages to the fallback, never an access that runs past a region', () => {
    const bus = new Bus();
    const sram = createRegion('sram', 0x20000000, 0x400, 'sram');
    bus.mapRegion(sram);
    const seen: string[] = [];
    const reserved: Peripheral = {
      name: 'reserved', base: 0x20000000, size: 0x01000000, reset: () => {},
      read: (off, width) => { seen.push(`r${width}@${off.toString(16)}`); return 0xffffffff; },
      write: (off, width, value) => { seen.push(`w${width}@${off.toString(16)}=${value.toString(16)}`); },
    };
    bus.mapDeviceWhereFree(reserved);
    bus.write(0x20000000, 4, 0x12345678);
    expect(bus.read(0x20000000, 4)).toBe(0x12345678);
    expect(bus.read(0x20000400, 2)).toBe(0xffffffff);
    bus.write(0x20fffffc, 4, -1);
    expect(seen).toEqual(['r2@400', 'w4@fffffc=ffffffff']);
    expect(() => bus.read(0x200003fe, 4)).toThrow(); // straddles the region's end: a BusError as before
    expect(() => bus.write(0x21000000, 1, 0)).toThrow();
    expect(seen).toHaveLength(2);
  });

  it('refuses an overlapping mapping and names the first page that clashes', () => {
    const bus = new Bus();
    bus.mapDevice(device('a', 0xe0000000, 0x00200000));
    expect(() => bus.mapDevice(device('b', 0xe01ffc00, 0x800))).toThrow('bus: overlapping mapping at 0xe01ffc00');
    expect(() => bus.mapDevice(device('c', 0x40000200, 0x400))).toThrow('not 1 KB aligned');
  });
});
