// USART interrupts through the NVIC (issue 12 §5): firmware/tests/uart_echo_irq.c echoes the console
// UART of stm32f411re in upper case, receiving with RXNEIE, sending with TXEIE then TCIE, sleeping in
// WFI between bytes. Bytes given with --uart-input arrive one frame time apart at the programmed baud
// rate (10 bits at 115200 baud), never over an unread byte, so a ring smaller than the input does not
// overflow. Interpreter and translated blocks must agree.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { collectingSinks, createBoardDevices, UsartF4, UsartL4 } from '../../src/mcu/peripherals/index.js';
import { MCUSIM_BIN } from '../support/driver.js';
import { buildTestProgram } from '../support/toolchain.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-uart-'));
let elf: string;
beforeAll(async () => {
  elf = await buildTestProgram('uart_echo_irq', { opt: 'O2', float: 'soft' }, 'stm32f411re');
}, 60_000);

function echo(input: string, ...extra: string[]) {
  const file = join(dir, `in-${input.length}.txt`);
  writeFileSync(file, input);
  const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', elf, '--board', 'stm32f411re', '--uart-input', file, ...extra], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('USART interrupts', () => {
  it('echoes through RXNE/TXE/TC interrupts, paced at the baud rate', () => {
    const input = 'hello, interrupt world\nsecond line.';
    const r = echo(input);
    expect(r.stdout).toBe(`${input.toUpperCase()}\nechoed 35 bytes: rx irqs 35, txe irqs 35, tc irqs 35, overflows 0\n`);
    expect(r.code).toBe(0);
    // 35 frames of 10 bits at 115200 baud take 3.04 ms of simulated time at least; the core slept most of it.
    const ms = Number(/ ([\d.]+) ms \(clock now 16\.000 MHz\)/.exec(r.stderr)![1]);
    expect(ms).toBeGreaterThan((35 * 10 * 1000) / 115200);
    expect(ms).toBeLessThan(6);
    expect(r.stderr).toMatch(/sleep [\d,]+ \((\d\d)\.\d%\)/);
    // 175 = 35 each of RX, TXE, TC handler entries + ... all through the NVIC.
    expect(r.stderr).toMatch(/175 exceptions taken/);
  });

  it('a 200-byte input through a 16-byte ring: nothing lost; interpreter and blocks agree', () => {
    const input = `${'abcdefghij'.repeat(20)}.`;
    const blocks = echo(input, '--quiet', '--translate', '1'); // every block translated at its first run
    const interp = echo(input, '--quiet', '--translate', '0');
    expect(blocks.stdout).toBe(`${input.toUpperCase()}\nechoed 201 bytes: rx irqs 201, txe irqs 201, tc irqs 201, overflows 0\n`);
    expect(interp).toEqual(blocks);
  });

  it('the interrupt line follows enable AND flag on F4 and L4 (RM0383 Table 76, RM0351 Table 253)', () => {
    for (const [board, name, cr1UE, cr1Off, statusOff, dataOff] of [
      ['stm32f411re', 'usart2', 1 << 13, 0x0c, 0x00, 0x04],
      ['stm32l476rg', 'usart2', 1, 0x00, 0x1c, 0x24],
    ] as const) {
      const sinks = collectingSinks();
      const raised: number[] = [];
      const port = createBoardDevices(loadBoard(board), { ...sinks, onInterrupt: (irq) => raised.push(irq) }).byName.get(name) as UsartF4 | UsartL4;
      port.write(cr1Off, 4, cr1UE | (1 << 2) | (1 << 3)); // UE, RE, TE
      expect(port.interruptRequested).toBe(false);
      port.receive([0x41]);
      expect(port.interruptRequested).toBe(false); // RXNE without RXNEIE
      port.write(cr1Off, 4, cr1UE | (1 << 2) | (1 << 3) | (1 << 5)); // + RXNEIE
      expect([port.interruptRequested, raised]).toEqual([true, [38]]);
      expect(port.read(dataOff, 4)).toBe(0x41);
      expect(port.interruptRequested).toBe(false);
      port.write(cr1Off, 4, cr1UE | (1 << 3) | (1 << 7)); // TXEIE: TXE is always 1 here
      expect(port.interruptRequested).toBe(true);
      expect(port.read(statusOff, 4) & 0xe0).toBe(0xc0); // TXE, TC (reset value), RXNE clear
    }
  });
});
