// MPS2 SCC and FPGAIO. Time-independent registers are compared with QEMU 7.2 mps2-an386 running a
// C program that performs the same accesses; the counters are checked against the worked example
// of PSCNTR/COUNTER in QEMU's hw/misc/mps2-fpgaio.c (PRESCALE 5, PSCNTR 7) and 25 MHz arithmetic.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../src/mcu/boards/load.js';
import { collectingSinks, createBoardDevices, Mps2Fpgaio, Mps2Scc } from '../../../src/mcu/peripherals/index.js';
import type { Peripheral } from '../../../src/mcu/peripheral.js';
import { buildFixture, MPS2_LAYOUT } from '../../elf/fixtures.js';

type Step = ['w', number, number] | ['r', number, string];
const SCC = 0x4002f000;
const FPGAIO = 0x40028000;
const SEQUENCE: Step[] = [
  ['r', SCC + 0xffc, 'SCC_ID'],
  ['r', SCC + 0xff8, 'SCC_AID'],
  ['r', SCC + 0x10, 'CFG4'],
  ['r', SCC + 0x0c, 'CFG3'],
  ['r', SCC + 0x100, 'DLL'],
  ['r', SCC + 0xa8, 'CFGCTRL0'],
  ['w', SCC + 0x04, 0x5],
  ['r', SCC + 0x04, 'CFG1'],
  ['w', SCC + 0x100, 0x12345678],
  ['r', SCC + 0x100, 'DLL2'],
  ['w', SCC + 0xa8, 0xfff0_0123],
  ['r', SCC + 0xa8, 'CFGCTRL'],
  ['r', SCC + 0xac, 'CFGSTAT'],
  ['w', SCC + 0xa8, 0x0000_0001],
  ['r', SCC + 0xac, 'CFGSTAT2'],
  ['w', FPGAIO + 0x00, 0xff],
  ['r', FPGAIO + 0x00, 'LED0'],
  ['r', FPGAIO + 0x08, 'BUTTON'],
  ['w', FPGAIO + 0x1c, 1234],
  ['r', FPGAIO + 0x1c, 'PRESCALE'],
  ['w', FPGAIO + 0x4c, 0xabc],
  ['r', FPGAIO + 0x4c, 'MISC'],
];

const SOURCE = `
#include <stdint.h>
extern uint32_t _estack;
#define REG(a) (*(volatile uint32_t *)(a))
static void sh_write0(const char *s) {
  register int r0 __asm__("r0") = 4;
  register const char *r1 __asm__("r1") = s;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}
static void report(const char *label, uint32_t v) {
  char buf[32];
  int n = 0;
  while (*label) buf[n++] = *label++;
  buf[n++] = '=';
  for (int i = 28; i >= 0; i -= 4) buf[n++] = "0123456789abcdef"[(v >> i) & 15];
  buf[n++] = '\\n';
  buf[n] = 0;
  sh_write0(buf);
}
void Reset_Handler(void) {
${SEQUENCE.map(([op, a, v]) => (op === 'w' ? `  REG(0x${a.toString(16)}u) = ${v}u;` : `  report("${v}", REG(0x${a.toString(16)}u));`)).join('\n')}
  register int r0 __asm__("r0") = 0x18;
  register int r1 __asm__("r1") = 0x20026;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  for (;;) {}
}
__attribute__((section(".isr_vector"), used))
void (*const vectors[])(void) = { (void (*)(void))&_estack, Reset_Handler };
`;

function devices() {
  const sinks = collectingSinks();
  const d = createBoardDevices(loadBoard('mps2-an386'), sinks);
  return { sinks, scc: d.byName.get('scc') as Mps2Scc, fpgaio: d.byName.get('fpgaio') as Mps2Fpgaio, list: d.list };
}

describe('MPS2 SCC and FPGAIO', () => {
  it('read and write like QEMU 7.2 for the same access sequence', () => {
    const elf = buildFixture('mps2-fpga', MPS2_LAYOUT, [], SOURCE);
    const qemu = spawnSync('qemu-system-arm', ['-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-serial', 'none', '-semihosting-config', 'enable=on,target=native', '-kernel', elf], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(qemu.status).toBe(0);
    const { sinks, list } = devices();
    const at = (addr: number): [Peripheral, number] => {
      const p = list.find((x) => addr >= x.base && addr < x.base + x.size)!;
      return [p, addr - p.base];
    };
    let ours = '';
    for (const [op, addr, v] of SEQUENCE) {
      const [p, off] = at(addr);
      if (op === 'w') p.write(off, 4, v);
      else ours += `${v}=${p.read(off, 4).toString(16).padStart(8, '0')}\n`;
    }
    expect(ours).toBe(qemu.stderr);
    expect(qemu.stderr).toMatch(/SCC_ID=41043860/);
    expect(sinks.unmodelled).toEqual([]);
  });

  it('PSCNTR counts down and reloads, COUNTER increments (the PRESCALE 5 / PSCNTR 7 example)', () => {
    const { fpgaio } = devices();
    fpgaio.write(0x1c, 4, 5);
    fpgaio.write(0x20, 4, 7);
    const pscntr: number[] = [];
    const counter: number[] = [];
    for (let t = 0; t <= 14; t++) {
      pscntr.push(fpgaio.read(0x20, 4));
      counter.push(fpgaio.read(0x18, 4));
      fpgaio.tick(1);
    }
    expect(pscntr).toEqual([7, 6, 5, 4, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0, 5]);
    expect(counter).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2]);
  });

  it('1 Hz and 100 Hz counters run on simulated time at 25 MHz and can be written', () => {
    const { fpgaio } = devices();
    fpgaio.tick(25_000_000 * 3 + 250_000 * 7);
    expect([fpgaio.read(0x10, 4), fpgaio.read(0x14, 4)]).toEqual([3, 307]);
    fpgaio.write(0x10, 4, 100);
    fpgaio.tick(25_000_000);
    expect(fpgaio.read(0x10, 4)).toBe(101);
  });
});
