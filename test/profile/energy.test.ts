// Energy per frame from the board profile's run-mode current (datasheet figures in the board JSON).
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { boardPower, energyReport, runCurrentMilliamps } from '../../src/profile/energy.js';

describe('energy from the board profile', () => {
  it('STM32F411: DS10314\'s 100 uA/MHz run mode at 3.3 V, cited in the board data', () => {
    const board = loadBoard('stm32f411re');
    const p = boardPower(board)!;
    expect(p.source).toMatch(/DS10314/);
    expect(runCurrentMilliamps(p, 100e6)).toBeCloseTo(10, 9);
    expect(runCurrentMilliamps(p, 16e6)).toBeCloseTo(1.6, 9);
    // 1.6 M cycles at 16 MHz = 0.1 s at 1.6 mA and 3.3 V = 528 uJ; a frame of 160 k cycles = 52.8 uJ.
    const e = energyReport(board, 16e6, 1.6e6, 160e3)!;
    expect(e.totalMicrojoules).toBeCloseTo(528, 6);
    expect(e.perFrameMicrojoules).toBeCloseTo(52.8, 6);
  });

  it('interpolates between datasheet rows and keeps the top row beyond it', () => {
    const p = { supplyVolts: 3, runCurrent: [{ hz: 80e6, milliamps: 8 }, { hz: 16e6, milliamps: 2 }], source: 'test' };
    expect(runCurrentMilliamps(p, 48e6)).toBeCloseTo(5, 9);
    expect(runCurrentMilliamps(p, 120e6)).toBe(8);
    expect(runCurrentMilliamps(p, 8e6)).toBe(2);
  });

  it('no figures: no energy; malformed figures: one line naming the board', () => {
    const board = loadBoard('mps2-an386');
    expect(energyReport(board, 25e6, 1000, null)).toBeNull();
    expect(() => boardPower({ ...board, power: { supplyVolts: 3.3 } })).toThrow(/board mps2-an386: "power" needs supplyVolts, runCurrent/);
  });
});
