/**
 * A board profile after loading: numbers are numbers (JSON writes addresses as "0x..." strings), every
 * field is checked by `loadBoard` (./load.ts). The JSON files in ./chips (one per chip) and in this
 * folder (one per board, `"extends": "chips/<chip>"`) are the data; DESIGN.md "board profiles as data".
 */
export type BoardFamily = 'stm32f4' | 'stm32l4' | 'mps2';
export type MemoryKind = 'flash' | 'sram' | 'ccm' | 'rom';
/** Which Cortex-M4 bus reaches the memory (TRM §2.3): code region via I-Code/D-Code, the rest via System. */
export type BusPort = 'icode-dcode' | 'system';
export type ClockDomain = 'AHB' | 'APB1' | 'APB2' | 'SYSCLK';

export interface BoardMemory {
  name: string;
  base: number;
  size: number;
  kind: MemoryKind;
  bus: BusPort;
  /** Inside a Cortex-M4 bit-band region (0x20000000 or 0x40000000, 1 MB each) and aliased at 0x22/0x42... */
  bitBand: boolean;
}

/** The same memory seen at a second address (flash at 0 when booting from main flash, SRAM2 mirrors). */
export interface BoardAlias {
  name: string;
  base: number;
  /** Name of the BoardMemory it mirrors, from its first byte. */
  target: string;
  size: number;
  bus: BusPort;
  bitBand: boolean;
}

export interface PeripheralInstance {
  /** Instance name as the RM writes it in lower case: usart2, gpioa, rcc. */
  name: string;
  /** Model implemented in src/mcu/peripherals (see MODELS in ./load.ts). */
  model: string;
  base: number;
  size: number;
  /** NVIC interrupt number(s); name -> irq for devices with several (cmsdk-uart: rx, tx). */
  irqs: Record<string, number>;
  clock?: ClockDomain;
  /** Model variant the chip needs (pllr, overdrive, l4plus, pllsai2): register set differences as config. */
  variant?: string;
  /** Chip-specific reset values, register name -> value (RM table), overriding the model's. */
  resets: Record<string, number>;
}

/** One column of the RM's wait-state table: the HCLK upper bound for 0, 1, 2 ... wait states. */
export interface WaitStateRow {
  label: string;
  /** VDD range the row applies to (F4: wait states depend on the supply voltage). */
  vddMinV?: number;
  vddMaxV?: number;
  /** VCORE range the row applies to (L4: PWR_CR1.VOS, 1 or 2). */
  vcoreRange?: number;
  /** maxHclkHz[n] = highest HCLK allowed with n wait states. */
  maxHclkHz: number[];
  /** RM0090 §3.5.1: below 2.1 V the prefetch buffer must stay off. */
  prefetchAllowed: boolean;
}

export interface FlashTiming {
  /** Width of one flash read (128-bit line on F4, 64-bit on L4). */
  lineBits: number;
  waitStates: { selector: 'vdd' | 'vcore-range'; rows: WaitStateRow[]; source: string };
  /** The ART accelerator (F4 RM0383 §3.4, L4 RM0351 §3.3.4): cache geometry in lines of cacheLineBits. */
  art: { icacheLines: number; dcacheLines: number; cacheLineBits: number; source: string };
  prefetch: boolean;
  /** FLASH_ACR after reset (F4 0x00000000: ART off; L4 0x00000600: ICEN|DCEN). */
  acrReset: number;
  /** Width of FLASH_ACR.LATENCY. */
  latencyBits: number;
}

export interface ClockData {
  /** Which RCC model and PLL formula: f4 (src/M*N/P), l4 (src/M*N/R), none (fixed clock, mps2). */
  pll: 'f4' | 'l4' | 'none';
  hsiHz: number;
  /** HSE crystal or bypass clock the board feeds in; 0 when not fitted. */
  hseHz: number;
  lseHz: number;
  lsiHz: number;
  /** L4 MSI frequencies per MSIRANGE value 0..11 (RM0351 §6.2.3). */
  msiRangesHz: number[];
  /** Clock the core runs at out of reset. */
  resetSource: 'HSI' | 'MSI' | 'SYSCLK';
  resetHz: number;
  maxHz: number;
  /** SysTick external reference (CLKSOURCE=0): HCLK/8 on STM32 (given as divider), fixed Hz on mps2. */
  systickReference: { hclkDivider: number } | { hz: number };
}

export interface Board {
  name: string;
  description: string;
  chip: string;
  family: BoardFamily;
  /** qemu-system-arm -M name, for boards QEMU models. */
  qemuMachine?: string;
  cpu: {
    core: 'cortex-m4';
    cpuid: number;
    fpu: boolean;
    nvicIrqs: number;
    nvicPriorityBits: number;
    bitBanding: boolean;
  };
  /** Where the vector table is fetched from at reset (VTOR = 0 maps to it through an alias). */
  bootAddress: number;
  memory: BoardMemory[];
  aliases: BoardAlias[];
  clocks: ClockData;
  /** Board supply; chooses the F4 wait-state row. */
  supply: { vddV: number; vcoreRangeAtReset?: number };
  /** null when code memory has no wait states (mps2 SSRAM). */
  flash: FlashTiming | null;
  peripherals: PeripheralInstance[];
  /** Peripheral whose transmit is the board's console (ST-LINK virtual COM port, mps2 UART0). */
  console?: string;
  /** Ranges that read as zero and ignore writes instead of faulting (QEMU's "unimplemented devices"). */
  readAsZero: { name: string; base: number; size: number }[];
  /** Where the figures come from (RM/datasheet sections, QEMU source files). */
  sources: string[];
  /**
   * Run-mode supply current from the datasheet, for energy per frame (src/profile/energy.ts checks
   * its shape): { supplyVolts, runCurrent: [{ hz, milliamps }], source }.
   */
  power?: unknown;
}
