/**
 * The report model of one `mcusim run` and its renderers. Every number carries its unit in its name
 * (DESIGN.md conventions); times are at the board's core clock. The profiler issue extends this
 * model with per-function and per-layer rows; renderers pick the format from the file extension.
 */
import type { RunResult } from '../sim/runner.js';
import type { FaultReport } from '../sim/fault-report.js';
import { writeFileAtomic } from '../common/write-atomic.js';
import { UserError } from '../common/errors.js';
import type { StallCause } from '../cpu/cycle-model.js';

export interface RunReport {
  schema: 'mcusim.run/1';
  elf: string;
  board: string;
  coreClockHz: number;
  stop: RunResult['stop'];
  exitCode: number | null;
  message: string;
  instructions: number;
  cycles: number;
  /** Simulated time: cycles at the core clock in force when they ran (RCC changes included). */
  simulatedMs: number;
  cyclesPerInstruction: number;
  wallMs: number;
  simulatedMips: number;
  exceptionsTaken: number;
  /** The DWT profiling counters' totals (ARMv7-M C1.8: CPICNT, EXCCNT, SLEEPCNT, LSUCNT, FOLDCNT), in cycles/instructions. */
  stalls: { cpi: number; exc: number; sleep: number; lsu: number; fold: number };
  /** Cycles beyond one per instruction, by cause (src/cpu/cycle-model.ts), plus sleep (WFI/WFE). */
  stallCycles: Record<StallCause | 'sleep', number>;
  fault: FaultReport | null;
  unmodelledAccesses: number;
  warnings: string[];
}

export function buildRunReport(r: RunResult, elf: string): RunReport {
  return {
    schema: 'mcusim.run/1',
    elf,
    board: r.machine.board.name,
    coreClockHz: r.coreClockHz,
    stop: r.stop,
    exitCode: r.exitCode ?? null,
    message: r.message,
    instructions: r.instructions,
    cycles: r.cycles,
    simulatedMs: r.machine.simulatedSeconds() * 1000,
    cyclesPerInstruction: r.instructions ? r.cycles / r.instructions : 0,
    wallMs: r.wallMs,
    simulatedMips: r.wallMs > 0 ? r.instructions / r.wallMs / 1000 : 0,
    exceptionsTaken: r.exceptionsTaken,
    stalls: { ...r.machine.cpu.stalls },
    stallCycles: { ...r.machine.timing.stallBreakdown(), sleep: r.machine.cpu.stalls.sleep },
    fault: r.fault ?? null,
    unmodelledAccesses: r.unmodelledAccesses.count,
    warnings: r.warnings,
  };
}

export function renderRunReportMarkdown(rep: RunReport): string {
  const rows: [string, string][] = [
    ['ELF', rep.elf], ['board', `${rep.board} at ${(rep.coreClockHz / 1e6).toFixed(3)} MHz`],
    ['outcome', rep.message], ['instructions', String(rep.instructions)], ['cycles', String(rep.cycles)],
    ['simulated time', `${rep.simulatedMs.toFixed(3)} ms (final clock ${(rep.coreClockHz / 1e6).toFixed(3)} MHz)`],
    ['CPI', rep.cyclesPerInstruction.toFixed(3)], ['stall cycles', formatStallCycles(rep.stallCycles)],
    ['exceptions taken', String(rep.exceptionsTaken)],
    ['wall time', `${rep.wallMs.toFixed(1)} ms`], ['simulated MIPS', rep.simulatedMips.toFixed(1)],
  ];
  return ['# mcusim run report', '', '| what | value |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`), ''].join('\n');
}

const STALL_LABELS: Record<StallCause | 'sleep', string> = {
  flashWait: 'flash wait', branch: 'branch refill', loadStore: 'load/store', mulDiv: 'mul/div', fpu: 'FPU',
  exception: 'exception entry/exit', other: 'other (32-bit fetch starvation, MSR CONTROL, ISB)', sleep: 'sleep',
};

/** "flash wait 1,234 (5.1%), branch refill ..." over the causes with cycles, as a share of all cycles. */
export function formatStallCycles(stalls: RunReport['stallCycles'], totalCycles?: number): string {
  const parts = (Object.keys(STALL_LABELS) as (keyof typeof STALL_LABELS)[])
    .filter((k) => stalls[k] > 0)
    .map((k) => `${STALL_LABELS[k]} ${stalls[k].toLocaleString('en-US')}${totalCycles ? ` (${((100 * stalls[k]) / totalCycles).toFixed(1)}%)` : ''}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Writes the report in the format its extension names (.json or .md). */
export function writeRunReport(path: string, rep: RunReport): void {
  if (path.endsWith('.json')) writeFileAtomic(path, JSON.stringify(rep, null, 2) + '\n');
  else if (path.endsWith('.md')) writeFileAtomic(path, renderRunReportMarkdown(rep));
  else throw new UserError(`${path}: unknown report format (use .json or .md)`);
}
