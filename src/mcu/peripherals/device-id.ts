/**
 * What an STM32 says about itself: the device electronic signature in system memory (96-bit unique
 * ID, flash size in KB, package) and DBGMCU (IDCODE with device and revision, the debug freeze
 * registers). HAL_GetUIDw0/1/2, HAL_GetDEVID/HAL_GetREVID and LL_GetFlashSize read them; the values
 * are board data (the chip JSON's `resets`), the offsets are the reference manuals':
 * - F4: RM0383 §24 / RM0368 §24 / RM0390 §34 "Device electronic signature": U_ID at 0x1FFF7A10,
 *   F_SIZE (16-bit) at 0x1FFF7A22, package (F446 only) at 0x1FFF7BF0; the device is mapped on the 1 KB
 *   page 0x1FFF7800 that holds them.
 * - L4: RM0394 §48 / RM0351 §49 / RM0432 §58: package at 0x1FFF7500, UID at 0x1FFF7590, FLASH_SIZE
 *   at 0x1FFF75E0; page 0x1FFF7400.
 * - DBGMCU at 0xE0042000 (RM0383 §23.16, RM0394 §46.16): IDCODE (DEV_ID [11:0], REV_ID [31:16]),
 *   CR, then APB1_FZ/APB2_FZ (F4) or APB1FZR1/APB1FZR2/APB2FZR (L4).
 * Other words of the page (OTP, calibration data) stay unmodelled and are reported when read.
 */
import type { BoardFamily } from '../boards/types.js';
import { registerMap, type RegisterMap, type RegisterSpec } from '../register-map.js';
import type { PeripheralSinks } from './events.js';
import { RegisterDevice } from './register-device.js';

type SignatureReg = 'UID0' | 'UID1' | 'UID2' | 'FLASH_SIZE' | 'PACKAGE';

/** Word offsets from the 1 KB page base. FLASH_SIZE holds KB; the F4 keeps it in the word's upper half. */
const SIGNATURE: Record<'stm32f4' | 'stm32l4', { offsets: Record<SignatureReg, number>; flashSizeShift: number }> = {
  // F_SIZE at 0x1FFF7A22 is bits [31:16] of the word at 0x1FFF7A20.
  stm32f4: { offsets: { UID0: 0x210, UID1: 0x214, UID2: 0x218, FLASH_SIZE: 0x220, PACKAGE: 0x3f0 }, flashSizeShift: 16 },
  stm32l4: { offsets: { PACKAGE: 0x100, UID0: 0x190, UID1: 0x194, UID2: 0x198, FLASH_SIZE: 0x1e0 }, flashSizeShift: 0 },
};

function stmFamily(family: BoardFamily, what: string): 'stm32f4' | 'stm32l4' {
  if (family === 'stm32f4' || family === 'stm32l4') return family;
  throw new Error(`${what}: no ${family} variant (STM32 only)`);
}

/**
 * The device electronic signature: read-only words holding the board's `resets` values. Only the
 * words the chip data gives exist (F401/F411 document no package word): others are unmodelled.
 */
export class DeviceSignature extends RegisterDevice<string> {
  constructor(name: string, base: number, size: number, family: BoardFamily, sinks: PeripheralSinks, values: Record<string, number>) {
    const layout = SIGNATURE[stmFamily(family, `peripheral ${name}`)];
    const specs: Record<string, RegisterSpec> = {};
    for (const [reg, v] of Object.entries(values)) {
      const offset = layout.offsets[reg as SignatureReg];
      if (offset === undefined) throw new Error(`peripheral ${name}: no signature register ${reg} (known: ${Object.keys(layout.offsets).join(', ')})`);
      specs[reg] = { offset, reset: reg === 'FLASH_SIZE' ? v * 2 ** layout.flashSizeShift : v, access: 'r' };
    }
    super(name, base, size, registerMap('SIGNATURE', specs), sinks);
  }
}

type DbgmcuReg = 'IDCODE' | 'CR';

const DBGMCU: Record<'stm32f4' | 'stm32l4', RegisterMap<DbgmcuReg>> = {
  stm32f4: registerMap('DBGMCU', {
    IDCODE: { offset: 0x00, reset: 0, access: 'r' },
    CR: { offset: 0x04, reset: 0, access: 'rw', writeMask: 0x00000007 },
    APB1_FZ: { offset: 0x08, reset: 0, access: 'rw' },
    APB2_FZ: { offset: 0x0c, reset: 0, access: 'rw' },
  }),
  stm32l4: registerMap('DBGMCU', {
    IDCODE: { offset: 0x00, reset: 0, access: 'r' },
    CR: { offset: 0x04, reset: 0, access: 'rw', writeMask: 0x00000007 },
    APB1FZR1: { offset: 0x08, reset: 0, access: 'rw' },
    APB1FZR2: { offset: 0x0c, reset: 0, access: 'rw' },
    APB2FZR: { offset: 0x10, reset: 0, access: 'rw' },
  }),
};

/** DBGMCU: IDCODE from the board data (`resets.IDCODE`); the freeze bits are stored (no debugger halts the core). */
export class Dbgmcu extends RegisterDevice<DbgmcuReg> {
  private readonly idcode: number;

  constructor(name: string, base: number, size: number, family: BoardFamily, sinks: PeripheralSinks, values: Record<string, number>) {
    super(name, base, size, DBGMCU[stmFamily(family, `peripheral ${name}`)], sinks);
    if (values['IDCODE'] === undefined) throw new Error(`peripheral ${name}: resets.IDCODE (DEV_ID and REV_ID of the chip) is required`);
    this.idcode = values['IDCODE'] >>> 0;
    this.reset();
  }

  override reset(): void {
    super.reset();
    this.set('IDCODE', this.idcode);
  }
}
