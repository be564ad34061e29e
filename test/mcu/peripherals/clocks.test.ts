// RCC, FLASH and PWR driven with the register sequences of ST's HAL/CubeMX clock set-up
// (SystemClock_Config), checked against frequencies worked out by hand from the RM formulas
// (RM0383 §6.3.2: f = src / PLLM * PLLN / PLLP; RM0351 §6.4.4: f = src / (PLLM+1) * PLLN / PLLR) and
// against the wait-state tables of isa/TIMING.md §9.1 (RM0383/RM0090/RM0351).
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../src/mcu/boards/load.js';
import type { Peripheral } from '../../../src/mcu/peripheral.js';
import { collectingSinks, createBoardDevices } from '../../../src/mcu/peripherals/index.js';

function setup(board: string) {
  const sinks = collectingSinks();
  const d = createBoardDevices(loadBoard(board), sinks);
  const dev = (name: string): Peripheral => d.byName.get(name)!;
  const w = (name: string, offset: number, value: number) => dev(name).write(offset, 4, value >>> 0);
  const r = (name: string, offset: number) => dev(name).read(offset, 4);
  const set = (name: string, offset: number, bits: number) => w(name, offset, r(name, offset) | bits);
  return { sinks, d, dev, w, r, set, kinds: () => sinks.warnings.map((x) => x.kind) };
}

describe('STM32F4 RCC + FLASH (RM0383)', () => {
  it('reset state: HSI 16 MHz, HSION|HSIRDY, 0 wait states, ART off', () => {
    const t = setup('stm32f411re');
    expect(t.d.clock.coreClockHz()).toBe(16e6);
    expect(t.r('rcc', 0x00)).toBe(0x83);
    expect(t.r('rcc', 0x04)).toBe(0x24003010);
    expect(t.r('rcc', 0x74)).toBe(0x0e000000);
    expect(t.r('flash', 0x00)).toBe(0);
    expect([t.d.flash!.waitStates, t.d.flash!.prefetch, t.d.flash!.icache, t.d.flash!.dcache]).toEqual([0, false, false, false]);
  });

  it('CubeMX NUCLEO-F411RE: HSI/16*400/4 = 100 MHz, APB1 /2, LATENCY 3 first: no warnings', () => {
    const t = setup('stm32f411re');
    t.set('rcc', 0x40, 1 << 28); // APB1ENR.PWREN
    expect(t.r('rcc', 0x40) & (1 << 28)).not.toBe(0);
    t.w('pwr', 0x00, (t.r('pwr', 0x00) & ~0xc000) | 0xc000); // VOS scale 1
    t.w('rcc', 0x04, 16 | (400 << 6) | (1 << 16) | (7 << 24)); // PLLM 16, PLLN 400, PLLP /4, HSI, PLLQ 7
    t.set('rcc', 0x00, 1 << 24); // PLLON
    expect(t.r('rcc', 0x00) & (1 << 25)).toBe(1 << 25); // PLLRDY
    t.w('flash', 0x00, 3 | (1 << 8) | (1 << 9) | (1 << 10));
    expect(t.r('flash', 0x00) & 0xf).toBe(3);
    t.w('rcc', 0x08, (4 << 10) | 2); // PPRE1 /2, SW = PLL
    expect((t.r('rcc', 0x08) >>> 2) & 3).toBe(2); // SWS = PLL
    expect(t.d.clock.coreClockHz()).toBe(100e6);
    expect([t.d.clock.busClockHz('APB1'), t.d.clock.busClockHz('APB2'), t.d.clock.busClockHz('AHB')]).toEqual([50e6, 100e6, 100e6]);
    expect([t.d.flash!.waitStates, t.d.flash!.prefetch, t.d.flash!.icache, t.d.flash!.dcache]).toEqual([3, true, true, true]);
    expect(t.sinks.warnings).toEqual([]);
  });

  it('HSE 8 MHz / 4 * 100 / 2 = 100 MHz; switching before raising LATENCY is a warning, not a crash', () => {
    const t = setup('stm32f411re');
    t.set('rcc', 0x00, 1 << 16); // HSEON
    expect(t.r('rcc', 0x00) & (1 << 17)).toBe(1 << 17); // HSERDY (the board feeds 8 MHz)
    t.w('rcc', 0x04, 4 | (100 << 6) | (0 << 16) | (1 << 22) | (4 << 24));
    t.set('rcc', 0x00, 1 << 24);
    t.w('rcc', 0x08, 2);
    expect(t.d.clock.coreClockHz()).toBe(100e6);
    expect(t.sinks.warnings).toEqual([
      { peripheral: 'flash', kind: 'flash-latency-too-low', message: 'FLASH: LATENCY=0 wait states is too few for HCLK 100 MHz at VDD 3.3 V: needs 3 (RM0383 Table 5)' },
    ]);
    t.w('flash', 0x00, 3);
    expect(t.sinks.warnings).toHaveLength(1);
  });

  it('SW waits for the source: selecting the PLL while it is off keeps SWS on HSI until PLLRDY', () => {
    const t = setup('stm32f411re');
    t.w('rcc', 0x08, 2);
    expect((t.r('rcc', 0x08) >>> 2) & 3).toBe(0);
    expect(t.d.clock.coreClockHz()).toBe(16e6);
    t.set('rcc', 0x00, 1 << 24); // PLL reset config: 16/16*192/2 = 96 MHz
    expect((t.r('rcc', 0x08) >>> 2) & 3).toBe(2);
    expect(t.d.clock.coreClockHz()).toBe(96e6);
    // The PLL drives SYSCLK now, so PLLON and HSION cannot be cleared (RM0383 §6.3.1).
    t.w('rcc', 0x00, 0);
    expect(t.r('rcc', 0x00) & ((1 << 24) | 1)).toBe((1 << 24) | 1);
  });

  it('F446: PLLR output as SYSCLK (SW=11) and AHB/APB prescalers', () => {
    const t = setup('stm32f446re');
    t.w('rcc', 0x04, 8 | (180 << 6) | (1 << 22) | (2 << 28)); // HSE 8/8*180 = 180 MHz VCO, R = 2
    t.set('rcc', 0x00, (1 << 16) | (1 << 24));
    t.w('flash', 0x00, 5);
    t.w('rcc', 0x08, 3 | (8 << 4) | (5 << 10) | (4 << 13)); // SW PLL_R, HPRE /2, PPRE1 /4, PPRE2 /2
    expect([t.d.clock.sysclkHz(), t.d.clock.coreClockHz(), t.d.clock.busClockHz('APB1'), t.d.clock.busClockHz('APB2')]).toEqual([90e6, 45e6, 11.25e6, 22.5e6]);
    expect(t.sinks.warnings).toEqual([]);
  });

  it('F411 has no PLLR: SW=11 never switches', () => {
    const t = setup('stm32f411re');
    t.set('rcc', 0x00, 1 << 24);
    t.w('rcc', 0x08, 3);
    expect((t.r('rcc', 0x08) >>> 2) & 3).toBe(0);
  });

  it('clock above the chip maximum is reported', () => {
    const t = setup('stm32f401re');
    t.w('rcc', 0x04, 16 | (336 << 6) | (0 << 16)); // 16/16*336/2 = 168 MHz on an 84 MHz part
    t.set('rcc', 0x00, 1 << 24);
    t.w('flash', 0x00, 2);
    t.w('rcc', 0x08, 2);
    expect(t.kinds()).toEqual(expect.arrayContaining(['clock-above-maximum', 'flash-clock-out-of-range']));
  });

  it('byte access to RCC_CR: HSEON in byte 2, HSERDY reads back in the same byte', () => {
    const t = setup('stm32f411re');
    t.dev('rcc').write(2, 1, 0x01);
    expect(t.dev('rcc').read(2, 1)).toBe(0x03);
    expect(t.dev('rcc').read(0, 2)).toBe(0x0083);
  });

  it('CSR: LSIRDY follows LSION, RMVF clears the reset flags; unmodelled registers are events', () => {
    const t = setup('stm32f411re');
    t.w('rcc', 0x74, 1 | (1 << 24));
    expect(t.r('rcc', 0x74)).toBe(0x3);
    expect(t.r('rcc', 0x50)).toBe(0); // AHB1LPENR is not modelled
    expect(t.sinks.unmodelled).toEqual([{ peripheral: 'rcc', address: 0x40023850, offset: 0x50, width: 4, write: false, value: 0 }]);
  });

  it('FLASH: KEYR unlock sequence, locked CR ignores writes, ICRST counts only with the I-cache off', () => {
    const t = setup('stm32f411re');
    t.w('flash', 0x10, 1); // PG while locked: ignored
    expect(t.r('flash', 0x10)).toBe(0x80000000);
    t.w('flash', 0x04, 0x45670123);
    t.w('flash', 0x04, 0xcdef89ab);
    expect(t.r('flash', 0x10)).toBe(0);
    t.w('flash', 0x00, 1 << 11); // ICRST with ICEN = 0
    expect(t.d.flash!.icacheResets).toBe(1);
    t.w('flash', 0x00, 1 << 9); // ICEN
    t.w('flash', 0x00, (1 << 9) | (1 << 11)); // ICRST while enabled: ignored
    expect([t.d.flash!.icacheResets, t.r('flash', 0x00)]).toEqual([1, 1 << 9]);
    t.w('flash', 0x04, 0x12345678);
    expect(t.kinds()).toEqual(['flash-cr-locked', 'flash-key-sequence']);
  });

  it('PWR: VOSRDY reads 1; over-drive ready flags follow ODEN/ODSWEN on F446 only', () => {
    const f446 = setup('stm32f446re');
    expect(f446.r('pwr', 0x00)).toBe(0xc000);
    f446.set('pwr', 0x00, 1 << 16);
    f446.set('pwr', 0x00, 1 << 17);
    expect(f446.r('pwr', 0x04)).toBe((1 << 14) | (1 << 16) | (1 << 17));
    const f411 = setup('stm32f411re');
    expect(f411.r('pwr', 0x00)).toBe(0x8000);
    f411.set('pwr', 0x00, 1 << 16);
    expect([f411.r('pwr', 0x00), f411.r('pwr', 0x04)]).toEqual([0x8000, 1 << 14]);
  });
});

describe('STM32L4 RCC + FLASH + PWR (RM0351, RM0432)', () => {
  it('reset state: MSI 4 MHz (range 6), ICEN|DCEN, VCORE range 1', () => {
    const t = setup('stm32l476rg');
    expect(t.r('rcc', 0x00)).toBe(0x63);
    expect(t.r('rcc', 0x94)).toBe(0x0c000600);
    expect(t.d.clock.coreClockHz()).toBe(4e6);
    expect(t.r('flash', 0x00)).toBe(0x600);
    expect(t.r('pwr', 0x00)).toBe(0x200);
    expect(t.d.supply()).toEqual({ vddV: 3.3, vcoreRange: 1 });
  });

  it('CubeMX NUCLEO-L476RG: MSI 4 MHz / 1 * 40 / 2 = 80 MHz with LATENCY 4', () => {
    const t = setup('stm32l476rg');
    t.w('flash', 0x00, (t.r('flash', 0x00) & ~7) | 4);
    t.w('rcc', 0x0c, 1 | (0 << 4) | (40 << 8) | (1 << 24)); // PLLSRC MSI, PLLM /1, PLLN 40, PLLREN, PLLR /2
    t.set('rcc', 0x00, 1 << 24);
    expect(t.r('rcc', 0x00) & (1 << 25)).toBe(1 << 25);
    t.w('rcc', 0x08, 3);
    expect((t.r('rcc', 0x08) >>> 2) & 3).toBe(3);
    expect(t.d.clock.coreClockHz()).toBe(80e6);
    expect(t.sinks.warnings).toEqual([]);
    // Dropping to VCORE range 2 (max 26 MHz) while running at 80 MHz breaks the flash rule.
    t.w('pwr', 0x00, (t.r('pwr', 0x00) & ~0x600) | (2 << 9));
    expect(t.sinks.warnings.map((w) => w.message)).toEqual([
      'FLASH: HCLK 80 MHz is above what the flash supports at VCORE range 2 (VCORE range 2 row ends at 26 MHz; ST LL driver stm32l4xx_ll_utils.c UTILS_SCALE1/2_LATENCYx_FREQ)',
    ]);
  });

  it('MSIRANGE applies only with MSIRGSEL; range 2 needs 3 wait states at 24 MHz', () => {
    const t = setup('stm32l476rg');
    t.w('rcc', 0x00, (t.r('rcc', 0x00) & ~0xf0) | (9 << 4)); // MSIRANGE 24 MHz, MSIRGSEL still 0
    expect(t.d.clock.coreClockHz()).toBe(4e6);
    t.w('pwr', 0x00, (t.r('pwr', 0x00) & ~0x600) | (2 << 9)); // VOS range 2
    expect(t.d.supply().vcoreRange).toBe(2);
    t.w('flash', 0x00, (t.r('flash', 0x00) & ~7) | 2);
    t.set('rcc', 0x00, 1 << 3); // MSIRGSEL
    expect(t.d.clock.coreClockHz()).toBe(24e6);
    expect(t.sinks.warnings.map((w) => w.message)).toEqual([
      'FLASH: LATENCY=2 wait states is too few for HCLK 24 MHz at VCORE range 2: needs 3 (ST LL driver stm32l4xx_ll_utils.c UTILS_SCALE1/2_LATENCYx_FREQ)',
    ]);
  });

  it('L4+ (L4R5): HSI16 / 2 * 30 / 2 = 120 MHz with LATENCY 5; a forbidden VOS is refused', () => {
    const t = setup('stm32l4r5zi');
    t.set('rcc', 0x00, 1 << 8); // HSION
    expect(t.r('rcc', 0x00) & (1 << 10)).toBe(1 << 10);
    t.w('flash', 0x00, (t.r('flash', 0x00) & ~0xf) | 5);
    t.w('rcc', 0x0c, 2 | (1 << 4) | (30 << 8) | (1 << 24));
    t.set('rcc', 0x00, 1 << 24);
    t.w('rcc', 0x08, 3);
    expect(t.d.clock.coreClockHz()).toBe(120e6);
    expect(t.r('pwr', 0x80)).toBe(0x100); // CR5.R1MODE
    t.w('pwr', 0x00, 3 << 9);
    expect(t.r('pwr', 0x00) & 0x600).toBe(0x200);
    expect(t.kinds()).toEqual(['pwr-vos-forbidden']);
  });

  it('no HSE on NUCLEO-L432KC: HSERDY never rises and SW=HSE does not switch', () => {
    const t = setup('stm32l432kc');
    t.set('rcc', 0x00, 1 << 16);
    expect(t.r('rcc', 0x00) & (1 << 17)).toBe(0);
    t.w('rcc', 0x08, 2);
    expect((t.r('rcc', 0x08) >>> 2) & 3).toBe(0);
    expect(t.d.clock.coreClockHz()).toBe(4e6);
    expect(t.r('rcc', 0x14)).toBe(0); // no PLLSAI2 on L43x: unmodelled
    expect(t.sinks.unmodelled).toHaveLength(1);
  });

  it('L4 PWR_SR2: VOSF stays 0, REGLPF follows LPR', () => {
    const t = setup('stm32l476rg');
    expect(t.r('pwr', 0x14)).toBe(0);
    t.set('pwr', 0x00, 1 << 14);
    expect(t.r('pwr', 0x14)).toBe(1 << 9);
  });
});
