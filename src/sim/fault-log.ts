/**
 * What the run summary says about faults and bus accesses the firmware survived: the first
 * synchronous faults taken (decoded, even when the firmware's own handler caught them) and the first
 * accesses no memory or device answered. A firmware that spins in its HardFault handler until the
 * cycle limit then ends with the cause named instead of nothing said.
 *
 * FaultRecorder is a decorator over the core's exception model (src/cpu/exception-model.ts): it sees
 * each fault on its way in, and costs nothing on the instruction path.
 */
import type { Cpu } from '../cpu/cpu.js';
import type { ExceptionModel } from '../cpu/exception-model.js';
import { EXC, type ExceptionUnit } from '../cpu/exceptions.js';
import { faultException } from '../cpu/exception-numbers.js';
import { FAULT_NAMES, type Fault } from '../cpu/faults.js';
import { statusRegistersSummary } from './fault-report.js';

/** How many of each kind the summary keeps (the counts go on). */
const KEEP = 8;

export interface CaughtFault {
  /** CFSR/HFSR bit name of the cause: PRECISERR, UNDEFINSTR, DACCVIOL, ... */
  cause: string;
  /** The exception taken for it, after escalation: MemManage, BusFault, UsageFault or HardFault. */
  exception: string;
  pc: number;
  function?: string;
  /** The data address for PRECISERR/DACCVIOL. */
  address?: number;
  /** CFSR and HFSR just after the fault was taken. */
  cfsr: number;
  hfsr: number;
  cycles: number;
}

export interface UnansweredAccess {
  address: number;
  write: boolean;
  /** The instruction that made it. */
  pc: number;
  function?: string;
}

export interface FaultLog {
  faults: { count: number; first: CaughtFault[] };
  unanswered: { count: number; first: UnansweredAccess[] };
}

const EXCEPTION_NAMES: Record<number, string> = {
  [EXC.HardFault]: 'HardFault', [EXC.MemManage]: 'MemManage', [EXC.BusFault]: 'BusFault', [EXC.UsageFault]: 'UsageFault',
};

export function newFaultLog(): FaultLog {
  return { faults: { count: 0, first: [] }, unanswered: { count: 0, first: [] } };
}

/** Records into `log` every access the bus could not answer. */
export function recordUnanswered(log: FaultLog, cpu: Cpu, symbolAt: (a: number) => string | undefined): (address: number, write: boolean) => void {
  return (address, write) => {
    const u = log.unanswered;
    if (u.count++ < KEEP) u.first.push({ address: address >>> 0, write, pc: cpu.pc, function: symbolAt(cpu.pc) });
  };
}

export class FaultRecorder implements ExceptionModel {
  constructor(
    private readonly inner: ExceptionModel,
    private readonly unit: ExceptionUnit,
    private readonly cpu: Cpu,
    private readonly log: FaultLog,
    private readonly symbolAt: (a: number) => string | undefined,
  ) {}

  fault(fault: Fault, address: number): void {
    const f = this.log.faults;
    const keep = f.count++ < KEEP;
    const pc = this.cpu.pc;
    const cycles = this.cpu.cycles;
    const forcedBefore = (this.unit.hfsr >>> 30) & 1;
    try {
      this.inner.fault(fault, address);
    } finally {
      if (keep) {
        const escalated = !forcedBefore && (this.unit.hfsr >>> 30) & 1;
        f.first.push({
          cause: FAULT_NAMES[fault],
          exception: EXCEPTION_NAMES[escalated ? EXC.HardFault : faultException(fault)] ?? 'HardFault',
          pc,
          function: this.symbolAt(pc),
          ...(address >= 0 ? { address: address >>> 0 } : {}),
          cfsr: this.unit.cfsr >>> 0,
          hfsr: this.unit.hfsr >>> 0,
          cycles,
        });
      }
    }
  }

  supervisorCall(): void { this.inner.supervisorCall(); }
  takePending(): void { this.inner.takePending(); }
  exceptionReturn(excReturn: number): void { this.inner.exceptionReturn(excReturn); }
  beforeFpInstruction(): void { this.inner.beforeFpInstruction(); }
  wakeupPending(): boolean { return this.inner.wakeupPending(); }
}

const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const where = (pc: number, fn: string | undefined) => `PC ${hex(pc)}${fn ? ` (${fn})` : ''}`;

/** Summary lines: the unanswered accesses, then the faults the firmware took (none when nothing happened). */
export function formatFaultLog(log: FaultLog): string[] {
  const lines: string[] = [];
  const u = log.unanswered;
  if (u.count > 0) {
    const first = u.first.map((a) => `${hex(a.address)}${a.write ? 'w' : 'r'} at ${where(a.pc, a.function)}`).join(', ');
    lines.push(`${u.count} access${u.count === 1 ? '' : 'es'} no memory or device answered (BusFault each; first: ${first})`);
  }
  const f = log.faults;
  if (f.count > 0) {
    lines.push(`${f.count} fault${f.count === 1 ? '' : 's'} taken by the firmware (first ${f.first.length}):`);
    for (const e of f.first) {
      const address = e.address !== undefined ? ` address ${hex(e.address)}` : '';
      lines.push(`  ${e.exception} ${e.cause} at ${where(e.pc, e.function)}${address}, cycle ${e.cycles}: ${statusRegistersSummary(e.cfsr, e.hfsr)}`);
    }
  }
  return lines;
}
