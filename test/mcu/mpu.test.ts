// MPU register semantics and region resolution (ARMv7-M ARM B3.5), and its cost rule: while the MPU
// is off the core runs its own access and fetch methods (nothing installed on the Cpu object); only
// enabling it installs the checks, and disabling removes them. The behaviour against QEMU is
// test/oracle/core-gaps.test.ts (firmware/tests/mpu.c).
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { buildMachine } from '../../src/sim/machine.js';

const MPU = { TYPE: 0xe000ed90, CTRL: 0xe000ed94, RNR: 0xe000ed98, RBAR: 0xe000ed9c, RASR: 0xe000eda0, RBAR_A2: 0xe000edac, RASR_A2: 0xe000edb0 };
const rasr = (o: { xn?: boolean; ap: number; srd?: number; sizeLog2: number }) =>
  ((o.xn ? 1 << 28 : 0) | (o.ap << 24) | ((o.srd ?? 0) << 8) | ((o.sizeLog2 - 1) << 1) | 1) >>> 0;

function machine() {
  const m = buildMachine(loadBoard('mps2-an386'), { unmodelled: () => {}, itm: () => {}, transmit: () => {}, warning: () => {} });
  m.reset();
  const w = (a: number, v: number) => m.bus.write(a, 4, v);
  const r = (a: number) => m.bus.read(a, 4);
  /** Whether a privileged (or, with control.nPRIV, unprivileged) Thread-mode word read at `a` passes the MPU. */
  const canRead = (a: number, unprivileged = false): boolean => {
    m.cpu.control = unprivileged ? 1 : 0;
    try {
      m.cpu.readA(a, 4);
      return true;
    } catch {
      return false;
    } finally {
      m.cpu.control = 0;
    }
  };
  return { m, w, r, canRead };
}

describe('MPU', () => {
  it('registers: TYPE, RNR, RBAR VALID/REGION shortcut, aliases, RASR read-back', () => {
    const { w, r } = machine();
    expect(r(MPU.TYPE)).toBe(0x800);
    w(MPU.RBAR_A2, 0x20001000 | 0x10 | 5); // VALID: selects region 5 through an alias
    expect(r(MPU.RNR)).toBe(5);
    expect(r(MPU.RBAR)).toBe(0x20001005);
    w(MPU.RASR_A2, 0xffffffff);
    expect(r(MPU.RASR)).toBe(0x173fff3f); // XN, AP, TEX/S/C/B, SRD, SIZE, ENABLE
    w(MPU.RNR, 2);
    expect(r(MPU.RBAR)).toBe(2);
  });

  it('costs nothing while off: checks are installed on the Cpu object only while enabled', () => {
    const { m, w } = machine();
    const own = () => ['readU', 'readA', 'writeU', 'writeA', 'fetch'].filter((k) => Object.prototype.hasOwnProperty.call(m.cpu, k));
    expect(own()).toEqual([]);
    w(MPU.RNR, 0);
    w(MPU.RASR, rasr({ ap: 3, sizeLog2: 32 - 1 }));
    expect(own()).toEqual([]); // regions alone do not turn it on
    w(MPU.CTRL, 1);
    expect(own()).toEqual(['readU', 'readA', 'writeU', 'writeA', 'fetch']);
    w(MPU.CTRL, 0);
    expect(own()).toEqual([]);
  });

  it('resolution: highest region wins, sub-regions fall through, misaligned bases match nothing, PRIVDEFENA', () => {
    const { w, canRead } = machine();
    const region = (n: number, base: number, value: number) => {
      w(MPU.RBAR, base | 0x10 | n);
      w(MPU.RASR, value);
    };
    region(0, 0x20000000, rasr({ ap: 3, sizeLog2: 22 })); // full access
    region(1, 0x20010000, rasr({ ap: 0, sizeLog2: 10, srd: 0x0f })); // no access, sub-regions 0-3 off
    region(2, 0x20020100, rasr({ ap: 0, sizeLog2: 10 })); // base not aligned to 1 KB: ignored
    region(3, 0x20030000, rasr({ ap: 1, sizeLog2: 8 })); // privileged only
    w(MPU.CTRL, 1 | 4); // ENABLE | PRIVDEFENA
    expect(canRead(0x20010000)).toBe(true); // sub-region 0 disabled: region 0 applies
    expect(canRead(0x20010200)).toBe(false); // sub-region 4 enabled: no access
    expect(canRead(0x20020100)).toBe(true); // misaligned region 2 ignored
    expect([canRead(0x20030000), canRead(0x20030000, true)]).toEqual([true, false]);
    expect([canRead(0x40000000), canRead(0x40000000, true)]).toEqual([true, false]); // background: privileged only
    expect(canRead(0xe0001004, true)).toBe(true); // DWT_CYCCNT: the PPB is never checked by the MPU
    w(MPU.CTRL, 1); // PRIVDEFENA off
    expect(canRead(0x40000000)).toBe(false);
  });
});
