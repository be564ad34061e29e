// GPIO and USART register semantics, checked against the behaviour the reference manuals state
// (RM0383 §8.4 GPIO, §19.6 USART; RM0351 §8.5 GPIO, §40.8 USART, §41.7 LPUART), value by value.
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../src/mcu/boards/load.js';
import { collectingSinks, createBoardDevices, Gpio, UsartF4, UsartL4 } from '../../../src/mcu/peripherals/index.js';

function setup(board: string) {
  const sinks = collectingSinks();
  const d = createBoardDevices(loadBoard(board), sinks);
  return { sinks, d, get: <T>(name: string) => d.byName.get(name) as T };
}

describe('GPIO', () => {
  it('F4 reset values: PA13/14/15 and PB3/4 in AF mode for the debug port (RM0383 §8.4.1)', () => {
    const { get } = setup('stm32f411re');
    const a = get<Gpio>('gpioa');
    const b = get<Gpio>('gpiob');
    expect([a.read(0x00, 4), a.read(0x08, 4), a.read(0x0c, 4)]).toEqual([0xa8000000, 0x0c000000, 0x64000000]);
    expect([b.read(0x00, 4), b.read(0x08, 4), b.read(0x0c, 4)]).toEqual([0x00000280, 0x000000c0, 0x00000100]);
    expect(get<Gpio>('gpioc').read(0x00, 4)).toBe(0);
  });

  it('BSRR sets and resets ODR bits, set wins; IDR shows output pins', () => {
    const a = setup('stm32f411re').get<Gpio>('gpioa');
    a.write(0x00, 4, 0xa8000000 | (1 << 10)); // PA5 output (the NUCLEO LED)
    a.write(0x18, 4, 1 << 5);
    expect([a.read(0x14, 4), a.read(0x10, 4) & (1 << 5)]).toEqual([1 << 5, 1 << 5]);
    a.write(0x18, 4, (1 << 21) | (1 << 5));
    expect(a.read(0x14, 4)).toBe(1 << 5);
    a.write(0x1a, 2, 1 << 5); // halfword write to the BR half
    expect(a.read(0x14, 4)).toBe(0);
    expect(a.read(0x18, 4)).toBe(0); // write-only
  });

  it('inputs read the driven level, else their pull; analog pins read 0', () => {
    const c = setup('stm32f411re').get<Gpio>('gpioc');
    c.write(0x0c, 4, 1 << 26); // PC13 pull-up (the NUCLEO user button)
    expect(c.pinLevel(13)).toBe(1);
    c.setInput(13, 0); // button pressed
    expect(c.read(0x10, 4) & (1 << 13)).toBe(0);
    c.setInput(13, undefined);
    c.write(0x00, 4, 3 << 26); // analog
    expect(c.read(0x10, 4)).toBe(0);
  });

  it('L4: unused pins reset to analog (MODER 0xFFFFFFFF), BRR resets ODR bits', () => {
    const { get } = setup('stm32l476rg');
    const a = get<Gpio>('gpioa');
    expect([a.read(0x00, 4), get<Gpio>('gpiob').read(0x00, 4), get<Gpio>('gpioc').read(0x00, 4), get<Gpio>('gpioh').read(0x00, 4)]).toEqual([0xabffffff, 0xfffffebf, 0xffffffff, 0x0000000f]);
    a.write(0x14, 4, 0xffff);
    a.write(0x28, 4, 0x00ff);
    expect(a.read(0x14, 4)).toBe(0xff00);
    a.write(0x2c, 4, 0x1_0003); // ASCR exists on L47x only (RM0351 §8.5.12), 16 bits
    expect(a.read(0x2c, 4)).toBe(0x3);
    const l432 = setup('stm32l432kc');
    l432.get<Gpio>('gpioa').read(0x2c, 4);
    expect(l432.sinks.unmodelled.map((u) => u.address)).toEqual([0x4800002c]);
  });
});

describe('F4 USART', () => {
  it('transmits DR writes at once with TXE and TC set; TC is rc_w0', () => {
    const { sinks, get } = setup('stm32f411re');
    const u = get<UsartF4>('usart2');
    expect(u.read(0x00, 4)).toBe(0xc0);
    u.write(0x0c, 4, (1 << 13) | (1 << 3)); // UE | TE
    for (const c of 'Hi') u.write(0x04, 4, c.charCodeAt(0));
    expect(sinks.transmitted.get('usart2')).toEqual([72, 105]);
    u.write(0x00, 4, ~(1 << 6)); // clear TC
    expect(u.read(0x00, 4)).toBe(0x80);
    u.write(0x04, 4, 0x21);
    expect(u.read(0x00, 4)).toBe(0xc0);
  });

  it('a DR write with the transmitter off is not sent and is reported once', () => {
    const { sinks, get } = setup('stm32f411re');
    const u = get<UsartF4>('usart1');
    u.write(0x04, 4, 0x41);
    u.write(0x04, 4, 0x42);
    expect(sinks.transmitted.size).toBe(0);
    expect(sinks.warnings.map((w) => w.kind)).toEqual(['usart-transmitter-off']);
  });

  it('receives queued bytes through RXNE and DR; baud rate from BRR and the APB clock', () => {
    const { get } = setup('stm32f411re');
    const u = get<UsartF4>('usart2');
    u.receive([0x41, 0x42]);
    expect(u.read(0x00, 4) & (1 << 5)).toBe(0); // receiver off
    u.write(0x0c, 4, (1 << 13) | (1 << 2) | (1 << 5)); // UE | RE | RXNEIE
    expect([u.read(0x00, 4) & (1 << 5), u.interruptRequested]).toEqual([1 << 5, true]);
    expect([u.read(0x04, 4), u.read(0x04, 4), u.read(0x00, 4) & (1 << 5)]).toEqual([0x41, 0x42, 0]);
    u.write(0x08, 4, 0x8b); // 16 MHz / 139
    expect(u.baudRate()).toBeCloseTo(16e6 / 139, 6);
  });
});

describe('L4 USART and LPUART', () => {
  it('TEACK/REACK follow TE/RE with UE; TDR transmits; ICR.TCCF clears TC', () => {
    const { sinks, get } = setup('stm32l476rg');
    const u = get<UsartL4>('usart2');
    expect(u.read(0x1c, 4)).toBe(0xc0);
    u.write(0x00, 4, 1 | (1 << 2) | (1 << 3));
    expect(u.read(0x1c, 4)).toBe(0x006000c0);
    u.write(0x28, 4, 0x4f);
    u.write(0x28, 4, 0x4b);
    expect(sinks.transmitted.get('usart2')).toEqual([0x4f, 0x4b]);
    u.write(0x20, 4, 1 << 6);
    expect(u.read(0x1c, 4) & (1 << 6)).toBe(0);
    u.receive([7, 8]);
    u.write(0x18, 4, 1 << 3); // RQR.RXFRQ drops the waiting byte
    expect(u.read(0x24, 4)).toBe(8);
  });

  it('LPUART1 has a 20-bit BRR (baud = 256 * fck / BRR) and no GTPR', () => {
    const { sinks, get } = setup('stm32l4r5zi');
    const lp = get<UsartL4>('lpuart1');
    lp.write(0x0c, 4, 0x22b8);
    expect(lp.baudRate()).toBeCloseTo((256 * 4e6) / 0x22b8, 6);
    lp.write(0x0c, 4, 0xfffff);
    expect(lp.read(0x0c, 4)).toBe(0xfffff);
    lp.read(0x10, 4);
    expect(sinks.unmodelled.map((u) => u.address)).toEqual([0x40008010]);
    expect(lp.read(0x1c, 4) & (1 << 23)).toBe(1 << 23); // L4+ TXFE
  });
});
