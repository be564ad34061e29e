/**
 * The contract every memory-mapped device implements (STM32 peripherals, the system control space).
 * The bus (src/mcu/bus.ts) routes an access to the device whose [base, base+size) holds the address
 * and passes the offset from base. Widths are 1, 2 or 4 bytes. A device that cannot serve an access
 * (unmapped register, wrong width where the RM forbids it) calls `ctx.unmodelled(...)` or throws a
 * BusError (src/cpu/memory.ts): never returns a silent made-up value.
 */
export interface Peripheral {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, width: 1 | 2 | 4, value: number): void;
  /** Called when the simulated clock advances (optional): peripherals with time (SysTick, USART). */
  tick?(cycles: number): void;
  /** Back to reset values. */
  reset(): void;
}
