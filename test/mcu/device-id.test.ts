// The STM32 device electronic signature and DBGMCU_IDCODE (issue 12 §5): HAL_GetUIDw0,
// LL_GetFlashSize and HAL_GetDEVID read real values on every STM32 board, not zeros or a fault.
// DEV_IDs are the ones ST's LL drivers (stm32f4xx/stm32l4xx_ll_system.h) document per chip; flash
// sizes are each board's own flash region.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { collectingSinks, createBoardDevices } from '../../src/mcu/peripherals/index.js';
import { MCUSIM_BIN } from '../support/driver.js';
import { buildTestProgram } from '../support/toolchain.js';

/** board -> [DEV_ID, UID base, F_SIZE address] (RM0383/0368/0390 §24/§34; RM0394/0351/0432 §48/§49/§58). */
const EXPECTED: Record<string, [number, number, number]> = {
  stm32f401re: [0x433, 0x1fff7a10, 0x1fff7a22],
  stm32f411re: [0x431, 0x1fff7a10, 0x1fff7a22],
  stm32f446re: [0x421, 0x1fff7a10, 0x1fff7a22],
  stm32l432kc: [0x435, 0x1fff7590, 0x1fff75e0],
  stm32l476rg: [0x415, 0x1fff7590, 0x1fff75e0],
  stm32l4r5zi: [0x470, 0x1fff7590, 0x1fff75e0],
};

function deviceAt(devices: ReturnType<typeof createBoardDevices>, address: number) {
  const d = devices.list.find((p) => address >= p.base && address < p.base + p.size);
  if (!d) throw new Error(`nothing at 0x${address.toString(16)}`);
  return { read: (width: 1 | 2 | 4, at = address) => d.read(at - d.base, width), write: (v: number) => d.write(address - d.base, 4, v) };
}

describe('device signature and DBGMCU', () => {
  it.each(Object.entries(EXPECTED))('%s: DEV_ID, unique ID, flash size', (name, [devId, uidBase, fsizeAddr]) => {
    const board = loadBoard(name);
    const sinks = collectingSinks();
    const devices = createBoardDevices(board, sinks);
    const idcode = deviceAt(devices, 0xe0042000).read(4);
    expect(idcode & 0xfff).toBe(devId);
    expect(idcode >>> 16).toBeGreaterThanOrEqual(0x1000); // REV_ID: revision A = 0x1000 onwards
    const uid = deviceAt(devices, uidBase);
    const words = [0, 4, 8].map((o) => uid.read(4, uidBase + o));
    expect(words.every((w) => w !== 0)).toBe(true);
    // Byte and halfword reads see the same bytes (little-endian lanes).
    expect(uid.read(1, uidBase + 1)).toBe((words[0]! >>> 8) & 0xff);
    expect(uid.read(2, uidBase + 6)).toBe(words[1]! >>> 16);
    const flash = board.memory.find((m) => m.kind === 'flash')!;
    expect(deviceAt(devices, fsizeAddr).read(2)).toBe(flash.size / 1024);
    // Read-only: a write changes nothing.
    uid.write(0);
    expect(uid.read(4, uidBase)).toBe(words[0]);
    expect(sinks.unmodelled).toEqual([]);
  });

  it('DBGMCU_CR keeps its debug-in-low-power bits; a word the chip data leaves out is reported as unmodelled', () => {
    const sinks = collectingSinks();
    const devices = createBoardDevices(loadBoard('stm32f411re'), sinks);
    const dbg = deviceAt(devices, 0xe0042004);
    dbg.write(0xffffffff);
    expect(dbg.read(4)).toBe(7); // DBG_SLEEP, DBG_STOP, DBG_STANDBY
    expect(deviceAt(devices, 0x1fff7bf0).read(2)).toBe(0); // F411: no package word in RM0383
    expect(sinks.unmodelled.map((u) => u.address)).toEqual([0x1fff7bf0]);
  });

  it('a HAL-style program reads them on stm32f411re', async () => {
    const elf = await buildTestProgram('device_id', { opt: 'O2', float: 'soft' }, 'stm32f411re');
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', elf, '--board', 'stm32f411re', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('uid 0028002e 3038510a 32363631 bytes-agree 1\nflash 512 KB dev 0x431 rev 0x1000\n');
    expect(r.status).toBe(0);
  }, 60_000);
});
