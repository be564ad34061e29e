/**
 * What peripherals report to the runner. An access to an offset a modelled peripheral does not
 * model is an event with its address (STYLE.md §4), never a silent made-up value; a configuration the
 * RM forbids or that real silicon would not survive (too few flash wait states for the clock) is a
 * warning, and the simulation carries on as the hardware's registers would.
 */
export interface UnmodelledAccess {
  peripheral: string;
  address: number;
  offset: number;
  width: 1 | 2 | 4;
  write: boolean;
  /** Value written, or 0 for a read (which returns 0). */
  value: number;
}

export interface PeripheralWarning {
  peripheral: string;
  /** Stable identifier for reports and tests: flash-latency-too-low, clock-above-maximum, ... */
  kind: string;
  message: string;
}

export interface PeripheralSinks {
  onUnmodelled(access: UnmodelledAccess): void;
  onWarning(warning: PeripheralWarning): void;
  /** A byte a UART sent (transmission is instant); the runner routes it to stdout. */
  onTransmit(byte: number, peripheral: string): void;
  /** A peripheral's interrupt line is high: the NVIC pends IRQ `irq` (level-sensitive, B3.4.1). */
  onInterrupt?(irq: number): void;
  /** A peripheral has something due at core cycle `cycle` (a received byte landing). */
  onScheduled?(cycle: number): void;
}

/** Sinks that collect everything, for tests and for callers that report at the end. */
export function collectingSinks(): PeripheralSinks & { unmodelled: UnmodelledAccess[]; warnings: PeripheralWarning[]; transmitted: Map<string, number[]> } {
  const unmodelled: UnmodelledAccess[] = [];
  const warnings: PeripheralWarning[] = [];
  const transmitted = new Map<string, number[]>();
  return {
    unmodelled,
    warnings,
    transmitted,
    onUnmodelled: (a) => unmodelled.push(a),
    onWarning: (w) => warnings.push(w),
    onTransmit: (byte, p) => {
      const list = transmitted.get(p) ?? [];
      list.push(byte);
      transmitted.set(p, list);
    },
  };
}
