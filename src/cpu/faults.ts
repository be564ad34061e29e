/**
 * Synchronous faults an instruction can raise, named after their CFSR/HFSR status bits
 * (ARMv7-M ARM B3.2.15-16). The exception model maps each to its exception and status bit.
 */
export const enum Fault {
  /** UsageFault */
  UNDEFINSTR, INVSTATE, INVPC, NOCP, UNALIGNED, DIVBYZERO,
  /** BusFault */
  IBUSERR, PRECISERR, IMPRECISERR, UNSTKERR, STKERR, LSPERR,
  /** MemManage */
  IACCVIOL, DACCVIOL, MUNSTKERR, MSTKERR, MLSPERR,
  /** HardFault directly */
  VECTTBL, DEBUGEVT,
}

export const FAULT_NAMES = [
  'UNDEFINSTR', 'INVSTATE', 'INVPC', 'NOCP', 'UNALIGNED', 'DIVBYZERO',
  'IBUSERR', 'PRECISERR', 'IMPRECISERR', 'UNSTKERR', 'STKERR', 'LSPERR',
  'IACCVIOL', 'DACCVIOL', 'MUNSTKERR', 'MSTKERR', 'MLSPERR',
  'VECTTBL', 'DEBUGEVT',
] as const;

/** Thrown from inside an instruction to abandon it; the CPU's run loop catches it. */
export class FaultSignal {
  constructor(
    readonly fault: Fault,
    /** Faulting data address, for BFAR/MMFAR, or -1. */
    readonly address = -1,
  ) {}
}

/** Thrown to stop the simulation (exit, lockup, limit); carries the reason for the runner. */
export class StopSignal {
  constructor(readonly reason: string) {}
}
