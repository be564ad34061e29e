/**
 * Builds the peripheral instances a board profile lists (src/mcu/boards/*.json, "peripherals"), picking
 * each model's register layout from the board's family (variants are config: STYLE.md §4). The bus
 * maps the returned devices at their bases; the timing model and the runner use the typed handles.
 */
import type { SupplyState } from '../boards/flash-timing.js';
import type { Board, PeripheralInstance } from '../boards/types.js';
import type { Peripheral } from '../peripheral.js';
import { FixedClock, type ClockTree } from './clock-tree.js';
import { CmsdkUart } from './cmsdk-uart.js';
import { Dbgmcu, DeviceSignature } from './device-id.js';
import type { PeripheralSinks } from './events.js';
import { FlashInterface } from './flash-interface.js';
import { Gpio } from './gpio.js';
import { Mps2Fpgaio, Mps2Scc } from './mps2-fpga.js';
import { PwrF4, PwrL4 } from './pwr.js';
import { RccF4 } from './rcc-f4.js';
import { RccL4 } from './rcc-l4.js';
import { UsartBase } from './usart-base.js';
import { UsartF4 } from './usart-f4.js';
import { UsartL4 } from './usart-l4.js';

export { collectingSinks, type PeripheralSinks, type PeripheralWarning, type UnmodelledAccess } from './events.js';
export type { ClockTree } from './clock-tree.js';
export { CmsdkUart, FlashInterface, Gpio, Mps2Fpgaio, Mps2Scc, PwrF4, PwrL4, RccF4, RccL4, UsartF4, UsartL4 };

export type SerialPort = UsartF4 | UsartL4 | CmsdkUart;

export interface BoardDevices {
  /** Every instance, in the board file's order. */
  list: Peripheral[];
  byName: Map<string, Peripheral>;
  /** The RCC (STM32) or a fixed clock (mps2): core and bus clocks for the timing model and SysTick. */
  clock: ClockTree;
  /** FLASH_ACR state (wait states, prefetch, caches); undefined on boards without flash timing. */
  flash?: FlashInterface;
  /** Supply state that picks the wait-state row (VDD; L4 VCORE range from PWR_CR1.VOS). */
  supply(): SupplyState;
  /** UARTs by instance name; `console` is the board's console port. */
  serialPorts: Map<string, SerialPort>;
  console?: SerialPort;
  /** Gives the timed devices (USART reception) the core's cycle counter, pacing them in core cycles. */
  attachCycleCounter(cycles: () => number): void;
  /** The earliest core cycle a timed device has something due at (Infinity: nothing). */
  nextEventCycle(): number;
  /** Lets timed devices act on what has come due (a received byte lands, its interrupt rises). */
  syncEvents(): void;
  /** Whether some device holds NVIC line `irq` high (level-sensitive: pended again after its handler returns). */
  interruptLineHigh(irq: number): boolean;
}

const variantOf = (p: PeripheralInstance): string[] => (p.variant ? p.variant.split(',').map((v) => v.trim()) : []);

function familyError(board: Board, p: PeripheralInstance): never {
  throw new Error(`board ${board.name}: peripheral ${p.name}: model ${p.model} has no ${board.family} variant`);
}

export function createBoardDevices(board: Board, sinks: PeripheralSinks): BoardDevices {
  const stm32 = board.family !== 'mps2';
  const rccInstance = board.peripherals.find((p) => p.model === 'rcc');
  if (stm32 && !rccInstance) throw new Error(`board ${board.name}: an STM32 board needs an rcc peripheral`);
  const built = new Map<string, Peripheral>();

  // RCC and PWR first: FLASH and the UARTs take their clock and supply from them.
  let clock: ClockTree = new FixedClock(board.clocks.resetHz);
  if (rccInstance) {
    const { name, base, size, resets } = rccInstance;
    const rcc = board.family === 'stm32f4' ? new RccF4(name, base, size, board, sinks, resets, variantOf(rccInstance)) : new RccL4(name, base, size, board, sinks, resets, variantOf(rccInstance));
    built.set(name, rcc);
    clock = rcc;
  }
  const pwrInstance = board.peripherals.find((p) => p.model === 'pwr');
  let pwr: PwrF4 | PwrL4 | undefined;
  if (pwrInstance) {
    const { name, base, size, resets } = pwrInstance;
    pwr = board.family === 'stm32f4' ? new PwrF4(name, base, size, sinks, resets, variantOf(pwrInstance)) : board.family === 'stm32l4' ? new PwrL4(name, base, size, board, sinks, resets, variantOf(pwrInstance)) : familyError(board, pwrInstance);
    built.set(name, pwr);
  }
  const supply = (): SupplyState => (pwr instanceof PwrL4 ? { vddV: board.supply.vddV, vcoreRange: pwr.vcoreRange } : { vddV: board.supply.vddV });

  let flash: FlashInterface | undefined;
  const serialPorts = new Map<string, SerialPort>();
  for (const p of board.peripherals) {
    if (built.has(p.name)) continue;
    const { name, base, size, resets } = p;
    const domain = p.clock ?? 'APB1';
    let device: Peripheral;
    switch (p.model) {
      case 'flash':
        device = flash = new FlashInterface(name, base, size, board, sinks, resets, clock, supply);
        break;
      case 'gpio':
        device = stm32 ? new Gpio(name, base, size, board.family, sinks, resets, variantOf(p)) : familyError(board, p);
        break;
      case 'usart': {
        const irq = p.irqs['irq'];
        const port = board.family === 'stm32f4' ? new UsartF4(name, base, size, sinks, resets, clock, domain, irq) : board.family === 'stm32l4' ? new UsartL4(name, base, size, sinks, resets, variantOf(p), clock, domain, irq) : familyError(board, p);
        serialPorts.set(name, port);
        device = port;
        break;
      }
      case 'cmsdk-uart': {
        const port = new CmsdkUart(name, base, size, sinks, p.irqs);
        serialPorts.set(name, port);
        device = port;
        break;
      }
      case 'signature':
        device = new DeviceSignature(name, base, size, board.family, sinks, resets);
        break;
      case 'dbgmcu':
        device = new Dbgmcu(name, base, size, board.family, sinks, resets);
        break;
      case 'mps2-scc':
        device = new Mps2Scc(name, base, size, sinks);
        break;
      case 'mps2-fpgaio':
        device = new Mps2Fpgaio(name, base, size, sinks, board.clocks.resetHz);
        break;
      default:
        throw new Error(`board ${board.name}: peripheral ${name}: model ${p.model} must be created before the others`);
    }
    built.set(name, device);
  }
  if (flash && pwr instanceof PwrL4) {
    const f = flash;
    pwr.onRangeChange = () => f.checkLatency();
  }
  const list = board.peripherals.map((p) => built.get(p.name)!);
  const consolePort = board.console ? serialPorts.get(board.console) : undefined;
  const paced = [...serialPorts.values()].filter((p): p is UsartF4 | UsartL4 => p instanceof UsartBase);
  return {
    list, byName: built, clock, ...(flash ? { flash } : {}), supply, serialPorts, ...(consolePort ? { console: consolePort } : {}),
    attachCycleCounter: (cycles) => { for (const p of paced) p.attachCycleCounter(cycles); },
    nextEventCycle: () => paced.reduce((n, p) => Math.min(n, p.nextArrivalCycle), Infinity),
    syncEvents: () => { for (const p of paced) p.sync(); },
    interruptLineHigh: (irq) => {
      for (const p of serialPorts.values()) if (p.interruptLineHigh(irq)) return true;
      return false;
    },
  };
}
