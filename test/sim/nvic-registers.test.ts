// The NVIC/SCB register views on a board with 4 priority bits (STM32F411: QEMU's mps2-an386, the
// oracle of the C programs, keeps 8, so this is checked against values derived by hand from the
// ARMv7-M ARM: B3.4.9 NVIC_IPR "unimplemented low-order bits read as zero", B3.2.6 AIRCR.PRIGROUP and
// B1.5.4 group priority, B5.2.3 BASEPRI, B3.2.4 ICSR.VECTPENDING, B3.2.1 privileged-only SCS).
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { buildMachine } from '../../src/sim/machine.js';
import { BusError } from '../../src/cpu/memory.js';
import { thumbDecoder } from '../../src/cpu/decoder.js';

function machine() {
  const m = buildMachine(loadBoard('stm32f411re'), {
    unmodelled: () => {},
    itm: () => {},
    transmit: () => {},
    warning: () => {},
  });
  const read = (a: number, w: 1 | 2 | 4 = 4) => m.bus.read(a, w);
  const write = (a: number, v: number, w: 1 | 2 | 4 = 4) => m.bus.write(a, w, v >>> 0);
  return { m, read, write };
}

describe('NVIC with 4 implemented priority bits', () => {
  it('keeps only bits [7:4] of each priority field', () => {
    const { read, write } = machine();
    write(0xe000e400 + 3, 0xff, 1);
    expect(read(0xe000e400 + 3, 1)).toBe(0xf0);
    write(0xe000e404, 0x12345678);
    expect(read(0xe000e404)).toBe(0x10305070);
    write(0xe000ed20, 0xffff0000); // SHPR3: PendSV, SysTick
    expect(read(0xe000ed20) >>> 0).toBe(0xf0f00000);
  });

  it('arbitrates by group priority under PRIGROUP, then by full priority, then by number', () => {
    const { m, read, write } = machine();
    const e = m.exceptions;
    write(0xe000e100, (1 << 3) | (1 << 4) | (1 << 5)); // enable IRQ 3, 4, 5
    write(0xe000e400 + 3, 0x30, 1);
    write(0xe000e400 + 4, 0x10, 1);
    write(0xe000e400 + 5, 0x10, 1);
    write(0xe000ed0c, (0x05fa << 16) | (5 << 8)); // PRIGROUP 5: group = bits [7:6]
    expect((read(0xe000ed0c) >>> 8) & 7).toBe(5);
    expect(e.groupPriority(0x30)).toBe(0x00);
    expect(e.groupPriority(0x50)).toBe(0x40);
    write(0xe000e200, (1 << 3) | (1 << 5) | (1 << 4)); // pend all three
    // 0x10 (IRQ 4 and 5) beats 0x30; between equal priorities the lower number: IRQ 4 = exception 20.
    expect((read(0xe000ed04) >>> 12) & 0x1ff).toBe(20);
    expect(e.bestPending()).toBe(20);
    // Active IRQ 3 (0x30, group 0x00) blocks the others: same group, no pre-emption.
    e.active[16 + 3] = 1;
    expect(e.bestPending()).toBe(0);
    // PRIGROUP 3 (group = bits [7:4]): 0x10 pre-empts 0x30.
    write(0xe000ed0c, (0x05fa << 16) | (3 << 8));
    expect(e.bestPending()).toBe(20);
  });

  it('masks with BASEPRI using its implemented bits only', () => {
    const { m, write } = machine();
    const e = m.exceptions;
    write(0xe000e100, 1 << 2);
    write(0xe000e400 + 2, 0x20, 1);
    write(0xe000e200, 1 << 2);
    m.cpu.basepri = 0x2f; // reads as 0x20 on 4-bit hardware: 0x20 is masked
    expect(e.executionPriority()).toBe(0x20);
    expect(e.bestPending()).toBe(0);
    m.cpu.basepri = 0x30;
    expect(e.bestPending()).toBe(18);
    m.cpu.primask = 1;
    expect(e.bestPending()).toBe(0);
    expect(e.wakeupPending()).toBe(true); // WFI still wakes (B1.5.19)
  });

  it('MSR/MRS BASEPRI(_MAX) keep only the implemented bits (B5.2.3)', () => {
    const { m } = machine();
    const decoder = thumbDecoder();
    // MSR <sysm>, r0 = F380 | Rn : 8800 | SYSm; MRS r1, <sysm> = F3EF : 8000 | Rd << 8 | SYSm (17 BASEPRI, 18 BASEPRI_MAX)
    const run = (hw1: number, hw2: number) => { const i = decoder.decode(hw1, hw2); expect(i.exec(m.cpu, i)).toBe(true); };
    const msr = (sysm: number, value: number) => { m.cpu.r[0] = value; run(0xf380, 0x8800 | sysm); };
    const mrs = () => { run(0xf3ef, 0x8100 | 17); return m.cpu.r[1]; };
    msr(17, 0xaf);
    expect(mrs()).toBe(0xa0);
    msr(18, 0x0f); // BASEPRI_MAX with no implemented bits set is a write of 0: no change
    expect(mrs()).toBe(0xa0);
    msr(18, 0x9f); // raises the mask to 0x90
    expect(mrs()).toBe(0x90);
    msr(18, 0xb0); // would lower it: ignored
    expect(mrs()).toBe(0x90);
  });

  it('refuses unprivileged accesses with a precise bus error, except STIR with USERSETMPEND', () => {
    const { m, read, write } = machine();
    m.cpu.control = 1; // Thread mode, nPRIV
    expect(() => read(0xe000ed00)).toThrow(BusError);
    expect(() => write(0xe000ef00, 3)).toThrow(BusError);
    m.cpu.control = 0;
    write(0xe000ed14, read(0xe000ed14) | 2); // CCR.USERSETMPEND
    m.cpu.control = 1;
    write(0xe000ef00, 3);
    m.cpu.control = 0;
    expect((read(0xe000e200) >>> 3) & 1).toBe(1);
  });
});
