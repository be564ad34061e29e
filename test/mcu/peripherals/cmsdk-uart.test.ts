// The CMSDK UART model against QEMU 7.2 mps2-an386 as the oracle: one C program drives UART0
// through a register sequence (TX on/off, overrun, interrupt status, ID registers) and reports
// what it reads via semihosting (QEMU's stderr); QEMU's serial output goes to a file. The model replays the same
// sequence and must transmit the same bytes and read the same values.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../src/mcu/boards/load.js';
import { CmsdkUart, collectingSinks, createBoardDevices } from '../../../src/mcu/peripherals/index.js';
import { buildFixture, MPS2_LAYOUT } from '../../elf/fixtures.js';

/** The register sequence, as data: [op, word index, value or label]. Shared by C and the replay. */
type Step = ['w', number, number] | ['r', number, string];
const SEQUENCE: Step[] = [
  ['w', 4, 16], // BAUDDIV
  ['w', 2, 1], // CTRL = TX_EN
  ['w', 0, 0x68], // 'h'
  ['w', 0, 0x69], // 'i'
  ['r', 1, 'S1'],
  ['w', 2, 1 | 4], // TX_EN | TX_INTEN
  ['w', 0, 0x21], // '!'
  ['r', 3, 'I1'],
  ['w', 3, 1], // clear TX interrupt
  ['r', 3, 'I2'],
  ['w', 2, 0], // transmitter off
  ['w', 0, 0x58], // 'X' waits in the buffer
  ['r', 1, 'S2'],
  ['w', 0, 0x59], // 'Y': overrun
  ['r', 1, 'S3'],
  ['w', 2, 1 | 0x10], // TX_EN | TXO_INTEN
  ['r', 3, 'I3'],
  ['r', 2, 'C1'],
  ['w', 1, 4], // clear TXOVERRUN
  ['r', 1, 'S4'],
  ['w', 0, 0x5a], // 'Z'
  ['r', 1, 'S5'],
  ['r', 0xfe0 / 4, 'PID0'],
  ['r', 0xfe4 / 4, 'PID1'],
  ['r', 0xff0 / 4, 'CID0'],
  ['r', 0xffc / 4, 'CID3'],
];

const SOURCE = `
#include <stdint.h>
extern uint32_t _estack;
#define UART0 ((volatile uint32_t *)0x40004000)
static void sh_write0(const char *s) {
  register int r0 __asm__("r0") = 4;
  register const char *r1 __asm__("r1") = s;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}
static void sh_exit(void) {
  register int r0 __asm__("r0") = 0x18;
  register int r1 __asm__("r1") = 0x20026;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}
static void report(const char *label, uint32_t v) {
  char buf[24];
  int n = 0;
  while (*label) buf[n++] = *label++;
  buf[n++] = '=';
  for (int i = 28; i >= 0; i -= 4) buf[n++] = "0123456789abcdef"[(v >> i) & 15];
  buf[n++] = '\\n';
  buf[n] = 0;
  sh_write0(buf);
}
void Reset_Handler(void) {
${SEQUENCE.map(([op, idx, v]) => (op === 'w' ? `  UART0[${idx}] = ${v};` : `  report("${v}", UART0[${idx}]);`)).join('\n')}
  sh_exit();
  for (;;) {}
}
__attribute__((section(".isr_vector"), used))
void (*const vectors[])(void) = { (void (*)(void))&_estack, Reset_Handler };
`;

describe('CMSDK APB UART vs QEMU mps2-an386', () => {
  it('transmits and reads back what QEMU does for the same register sequence', () => {
    const elf = buildFixture('cmsdk-uart', MPS2_LAYOUT, [], SOURCE);
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-uart-'));
    const serial = join(dir, 'serial.txt');
    // QEMU 7.2 writes the semihosting console (SYS_WRITE0) to its stderr.
    const qemu = spawnSync(
      'qemu-system-arm',
      ['-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-serial', `file:${serial}`, '-semihosting-config', 'enable=on,target=native', '-kernel', elf],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(qemu.status).toBe(0);
    const qemuReport = qemu.stderr;
    const qemuSerial = readFileSync(serial, 'latin1');

    const sinks = collectingSinks();
    const uart = createBoardDevices(loadBoard('mps2-an386'), sinks).byName.get('uart0') as CmsdkUart;
    expect(uart).toBeInstanceOf(CmsdkUart);
    let ours = '';
    for (const [op, idx, v] of SEQUENCE) {
      if (op === 'w') uart.write(idx * 4, 4, v);
      else ours += `${v}=${uart.read(idx * 4, 4).toString(16).padStart(8, '0')}\n`;
    }
    expect(ours).toBe(qemuReport);
    expect(String.fromCharCode(...(sinks.transmitted.get('uart0') ?? []))).toBe(qemuSerial);
    // Sanity: the sequence exercised the interesting paths (values as QEMU printed them).
    expect(qemuSerial).toBe('hi!');
    expect(qemuReport).toMatch(/S3=00000005/);
    expect(sinks.unmodelled).toEqual([]);
  });

  it('receives queued bytes when RX is enabled, and reports unmodelled offsets', () => {
    const sinks = collectingSinks();
    const uart = createBoardDevices(loadBoard('mps2-an386'), sinks).byName.get('uart0') as CmsdkUart;
    uart.receive([0x41, 0x42]);
    expect(uart.read(4, 4) & 2).toBe(0); // RX disabled: nothing arrives
    uart.write(8, 4, 2 | 8); // RX_EN | RX_INTEN
    expect([uart.read(4, 4) & 2, uart.read(0xc, 4) & 2]).toEqual([2, 2]);
    expect([uart.read(0, 4), uart.read(0, 4), uart.read(4, 4) & 2]).toEqual([0x41, 0x42, 0]);
    expect(uart.read(0x14, 4)).toBe(0);
    expect(sinks.unmodelled).toEqual([{ peripheral: 'uart0', address: 0x40004014, offset: 0x14, width: 4, write: false, value: 0 }]);
  });
});
