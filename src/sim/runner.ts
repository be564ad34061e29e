/**
 * Runs one ELF on one board: validate and load the image, reset the core from the vector table, run
 * in slices (so wall-clock limits and progress work without a check per instruction), and describe
 * how it ended. The CLI (src/cli/run.ts) and the oracle tests both drive this.
 */
import { readElf, validateImageForBoard, type ElfImage } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import { Semihosting, type SemihostingOptions } from '../mcu/semihosting.js';
import { buildMachine, type Machine } from './machine.js';
import { describeFault, faultStatusSummary, type FaultReport } from './fault-report.js';
import { FaultRecorder, newFaultLog, recordUnanswered, type FaultLog } from './fault-log.js';
import type { ExecutionObserver } from '../cpu/observer.js';
import type { Cpu } from '../cpu/cpu.js';

export type StopKind = 'exit' | 'lockup' | 'cycle-limit' | 'instruction-limit' | 'timeout' | 'stopped';

export interface RunOptions {
  board: Board;
  elfBytes: Uint8Array;
  /** Bytes the board's console UART receives, one frame time apart at its baud rate. */
  uartInput?: Uint8Array;
  /** The ELF's path as the user gave it: argv[0] of GET_CMDLINE, as QEMU answers. */
  elfPath: string;
  args?: string[];
  maxCycles?: number;
  maxInstructions?: number;
  timeoutMs?: number;
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  /** Firmware stdin: up to `max` bytes, empty = end of file (default: always end of file). */
  stdin?: (max: number) => Uint8Array;
  fsRoot?: string;
  allowAnyPath?: boolean;
  onProgress?: (p: { instructions: number; cycles: number; wallMs: number }) => void;
  /** Translate hot straight-line code into JavaScript functions (default true; false = interpret only). */
  translateBlocks?: boolean;
  /** Executions before a block is translated (default src/cpu/block-compiler.ts HOT_THRESHOLD). */
  blockThreshold?: number;
  /**
   * Builds the observer (src/cpu/observer.ts: every retired instruction, exception entry/return)
   * for the run's core before it starts: the profiler's attachment point.
   */
  observer?: (cpu: Cpu) => ExecutionObserver;
  /** ITM stimulus writes on ports other than 0 (port 0 is the console). */
  onItm?: (port: number, value: number, width: 1 | 2 | 4, cycles: number) => void;
}

export interface RunResult {
  stop: StopKind;
  /** The firmware's exit code when stop is 'exit'. */
  exitCode?: number;
  message: string;
  instructions: number;
  cycles: number;
  wallMs: number;
  coreClockHz: number;
  exceptionsTaken: number;
  fault?: FaultReport;
  unmodelledAccesses: { count: number; first: { address: number; write: boolean; device: string }[] };
  /** Faults the firmware took (even those its handlers caught) and accesses nothing answered. */
  faultLog: FaultLog;
  warnings: string[];
  machine: Machine;
  image: ElfImage;
}

/** Instructions per slice between wall-clock/progress checks (~10-50 ms of simulation). */
const SLICE = 1 << 20;

export function runElf(opts: RunOptions): RunResult {
  const prepared = prepareRun(opts);
  const start = performance.now();
  const stop = runUntilStop(prepared.machine.cpu, opts, start);
  return describeRun(prepared, stop, opts, performance.now() - start);
}

/** The limits of a run (counted from the machine's reset) and its progress callback. */
export type RunLimits = Pick<RunOptions, 'maxCycles' | 'maxInstructions' | 'timeoutMs' | 'onProgress'>;

/** A machine with the ELF loaded, reset and ready to run, and what the run collects on the side. */
export interface PreparedRun {
  image: ElfImage;
  machine: Machine;
  semihosting: Semihosting;
  /** The options semihosting reads at each call (a session changes the command line per run). */
  semihostingOptions: SemihostingOptions;
  unmodelled: RunResult['unmodelledAccesses'];
  faultLog: FaultLog;
  warnings: string[];
}

/** Validates and loads the ELF on a new machine, wires output, semihosting and options, resets. */
export function prepareRun(opts: RunOptions): PreparedRun {
  const image = readElf(opts.elfBytes, opts.elfPath);
  validateImageForBoard(image, opts.board);
  const warnings: string[] = [];
  const unmodelled = { count: 0, first: [] as RunResult['unmodelledAccesses']['first'] };
  const machine = buildMachine(opts.board, {
    unmodelled(address, write, _value, device) {
      unmodelled.count++;
      if (unmodelled.first.length < 10) unmodelled.first.push({ address, write, device });
    },
    transmit(byte, _peripheral, isConsole) {
      if (isConsole) opts.stdout(Uint8Array.of(byte));
    },
    warning(w) {
      warnings.push(`${w.peripheral}: ${w.message}`);
    },
    itm(port, value, width) {
      if (port === 0) {
        const bytes = new Uint8Array(width);
        for (let k = 0; k < width; k++) bytes[k] = (value >>> (8 * k)) & 0xff;
        opts.stdout(bytes);
      } else opts.onItm?.(port, value, width, machine.cpu.cycles);
    },
  });
  const faultLog = newFaultLog();
  const symbolAt = (a: number) => image.symbolAt(a);
  machine.bus.onUnanswered = recordUnanswered(faultLog, machine.cpu, symbolAt);
  machine.cpu.exceptions = new FaultRecorder(machine.cpu.exceptions, machine.exceptions, machine.cpu, faultLog, symbolAt);
  for (const seg of image.segments) {
    machine.bus.writeBytes(seg.paddr, seg.data.subarray(0, seg.filesz));
    // memsz beyond filesz (.bss) is already zero in fresh memory.
  }
  const semihostingOptions: SemihostingOptions = {
    commandLine: [opts.elfPath, ...(opts.args ?? [])],
    root: opts.fsRoot ?? process.cwd(),
    allowAnyPath: opts.allowAnyPath ?? false,
    stdout: opts.stdout,
    stderr: opts.stderr,
    stdin: opts.stdin ?? (() => new Uint8Array(0)),
    heapInfo: heapInfoFor(machine, image),
    clockHz: machine.coreClockHz,
    warn: (m) => warnings.push(m),
  };
  const semihosting = new Semihosting(semihostingOptions);
  const cpu = machine.cpu;
  cpu.onBreakpoint = semihosting.onBreakpoint;
  cpu.translateBlocks = opts.translateBlocks ?? true;
  if (opts.blockThreshold !== undefined) cpu.blockThreshold = opts.blockThreshold;
  if (opts.observer !== undefined) cpu.setObserver(opts.observer(cpu));
  machine.reset();
  if (opts.uartInput) machine.devices.console?.receive(opts.uartInput);
  return { image, machine, semihosting, semihostingOptions, unmodelled, faultLog, warnings };
}

/**
 * Runs in slices until the core halts (undefined: exit, lockup or stop, see describeRun) or a limit
 * of `limits` is reached; instruction and cycle limits count from the machine's reset.
 */
export function runUntilStop(cpu: Cpu, opts: RunLimits, start: number): StopKind | undefined {
  const maxCycles = opts.maxCycles ?? Infinity;
  const maxInstructions = opts.maxInstructions ?? Infinity;
  const deadline = opts.timeoutMs !== undefined ? start + opts.timeoutMs : Infinity;
  let stop: StopKind | undefined;
  while (!cpu.halted) {
    const slice = Math.min(SLICE, maxInstructions - cpu.instructions);
    if (slice <= 0) { stop = 'instruction-limit'; break; }
    if (cpu.cycles >= maxCycles) { stop = 'cycle-limit'; break; }
    cpu.run(slice, maxCycles);
    const now = performance.now();
    opts.onProgress?.({ instructions: cpu.instructions, cycles: cpu.cycles, wallMs: now - start });
    if (!cpu.halted && now >= deadline) { stop = 'timeout'; break; }
  }
  return stop;
}

/** The run's outcome: how it stopped, its message and fault, counts and collected warnings. */
export function describeRun(prepared: PreparedRun, stopped: StopKind | undefined, opts: RunLimits, wallMs: number): RunResult {
  const { image, machine, semihosting, unmodelled, faultLog, warnings } = prepared;
  const cpu = machine.cpu;
  const symbolAt = (a: number) => image.symbolAt(a);
  const maxCycles = opts.maxCycles ?? Infinity;
  const maxInstructions = opts.maxInstructions ?? Infinity;
  let stop = stopped;
  let message: string;
  let fault: FaultReport | undefined;
  if (stop === undefined) {
    if (semihosting.exitCode !== undefined) {
      stop = 'exit';
      message = `firmware exited with code ${semihosting.exitCode}`;
    } else if (cpu.stopReason.startsWith('lockup')) {
      stop = 'lockup';
      fault = describeFault(cpu, machine.exceptions, symbolAt);
      message = `core locked up at PC 0x${cpu.pc.toString(16).padStart(8, '0')}${fault.function ? ` (${fault.function})` : ''}: ${cpu.stopReason.slice(8)}; ${faultStatusSummary(fault)}`;
    } else {
      stop = 'stopped';
      message = `firmware stopped at PC 0x${cpu.pc.toString(16).padStart(8, '0')}${symbolAt(cpu.pc) ? ` (${symbolAt(cpu.pc)})` : ''}: ${cpu.stopReason}`;
    }
  } else {
    const where = `PC 0x${cpu.pc.toString(16).padStart(8, '0')}${symbolAt(cpu.pc) ? ` (${symbolAt(cpu.pc)})` : ''}`;
    message =
      stop === 'cycle-limit' ? `cycle limit of ${maxCycles} reached at ${where} without the firmware exiting`
        : stop === 'instruction-limit' ? `instruction limit of ${maxInstructions} reached at ${where} without the firmware exiting`
          : `timeout of ${(opts.timeoutMs! / 1000).toFixed(1)} s reached at ${where} without the firmware exiting`;
  }
  return {
    stop, exitCode: semihosting.exitCode, message,
    instructions: cpu.instructions, cycles: cpu.cycles, wallMs,
    coreClockHz: machine.coreClockHz(), exceptionsTaken: machine.exceptions.taken,
    fault, unmodelledAccesses: unmodelled, faultLog, warnings, machine, image,
  };
}

/**
 * HEAPINFO as QEMU 7.2 answers it: the largest RAM region holds heap and stack; the heap starts after
 * the image's data if the image is loaded into that region, else at its base; the stack grows down
 * from its end.
 */
function heapInfoFor(machine: Machine, image: ElfImage): [number, number, number, number] {
  const rams = machine.board.memory.filter((m) => m.kind === 'sram' || m.kind === 'ccm');
  const ram = rams.reduce((a, b) => (b.size > a.size ? b : a));
  const end = ram.base + ram.size;
  let heapBase = ram.base;
  for (const seg of image.segments) {
    const segEnd = seg.paddr + seg.memsz;
    if (seg.paddr >= ram.base && segEnd <= end && segEnd > heapBase) heapBase = segEnd;
  }
  return [heapBase >>> 0, end >>> 0, end >>> 0, heapBase >>> 0];
}
