/**
 * Many runs of one firmware in one process (the architecture search and CI run a candidate over many
 * frames or inputs): the ELF is parsed and loaded once, the machine is booted once, and each run
 * restores a snapshot taken after boot instead of booting again. The machine's decode cache and
 * translated blocks survive from run to run, so later runs start with hot code already translated.
 *
 * Where boot ends: at the first semihosting request whose answer depends on the run (the command
 * line, opening or reading a host file or stdin, the host clock, file-system changes). Everything
 * before it (reset, .data copy, .bss clearing, clock set-up, opening the console handles) is the
 * same for every run, so the snapshot is taken there, with that request deferred: each run restores
 * the snapshot, answers the request with its own command line and files, and carries on. Output the
 * firmware wrote during boot is recorded and written again at the start of every run, so a run from
 * the snapshot gives exactly what a full run gives (stdout, exit code, cycles, instructions, stalls:
 * test/sim/session.test.ts). A firmware that never asks for input (it exits, faults or hits a limit
 * during boot) gets full runs each time.
 *
 *   const session = new FirmwareSession({ board, elfBytes, elfPath });
 *   for (const f of frames) results.push(session.run({ args: [f], stdout, stderr }));
 */
import type { Board } from '../mcu/boards/types.js';
import { SYS } from '../mcu/semihosting.js';
import { describeRun, prepareRun, runElf, runUntilStop, type PreparedRun, type RunLimits, type RunOptions, type RunResult } from './runner.js';
import { MachineSnapshot } from './snapshot.js';

export interface SessionOptions {
  board: Board;
  elfBytes: Uint8Array;
  /** The ELF's path as the user gave it: argv[0] of every run's command line. */
  elfPath: string;
  translateBlocks?: boolean;
  blockThreshold?: number;
  fsRoot?: string;
  allowAnyPath?: boolean;
}

export interface SessionRunOptions extends RunLimits {
  args?: string[];
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  stdin?: (max: number) => Uint8Array;
  onItm?: RunOptions['onItm'];
}

/** Semihosting operations a firmware may make during boot: their answers are the same for every run. */
const BOOT_SAFE_OPS = new Set<number>([
  SYS.WRITEC, SYS.WRITE0, SYS.WRITE, SYS.HEAPINFO, SYS.ISTTY, SYS.ISERROR, SYS.ERRNO, SYS.CLOSE,
  SYS.SEEK, SYS.FLEN, SYS.CLOCK, SYS.ELAPSED, SYS.TICKFREQ, SYS.EXIT, SYS.EXIT_EXTENDED,
]);
/** Host names OPEN answers without touching the host: rdimon opens them while it starts. */
const BOOT_SAFE_FILES = new Set([':tt', ':semihosting-features']);
const SNAPSHOT_STOP = 'snapshot: boot ended at an input-dependent semihosting request';

type Output = { stream: 'stdout' | 'stderr'; bytes: Uint8Array } | { stream: 'itm'; port: number; value: number; width: 1 | 2 | 4; cycles: number };

interface Booted {
  prepared: PreparedRun;
  snapshot: MachineSnapshot;
  /** What boot printed, replayed at the start of every run. */
  output: Output[];
  unmodelled: RunResult['unmodelledAccesses'];
  warnings: string[];
  instructions: number;
  cycles: number;
  /** The bus's code epoch after boot: if a run changes it, code was written and the decode cache must go. */
  codeEpoch: number;
  /** The first run resumes straight from boot, without a restore. */
  fresh: boolean;
}

export class FirmwareSession {
  private booted: Booted | undefined;
  /** Set when boot ended without an input request (exit, fault, limit): every run is then a full run. */
  private noSnapshot = false;
  /** Where the machine's output goes now: the run's sinks, or the boot recorder. */
  private sink: SessionRunOptions = { stdout: () => {}, stderr: () => {} };

  constructor(private readonly opts: SessionOptions) {}

  /** Instructions and cycles of the boot each run skips (undefined before the first run or without snapshot). */
  get boot(): { instructions: number; cycles: number; snapshotBytes: number } | undefined {
    const b = this.booted;
    return b && { instructions: b.instructions, cycles: b.cycles, snapshotBytes: b.snapshot.bytes };
  }

  /**
   * One run with its own command line (`args` after the ELF path), output sinks and limits. The
   * result's `machine` is the session's: read what you need from it before the next run.
   */
  run(run: SessionRunOptions): RunResult {
    if (this.noSnapshot) return runElf({ ...this.opts, ...run });
    const b = this.booted;
    if (b === undefined) return this.bootAndRun(run);
    // A limit that falls inside boot: only a full run stops where a full run stops.
    if ((run.maxInstructions ?? Infinity) <= b.instructions || (run.maxCycles ?? Infinity) <= b.cycles) return runElf({ ...this.opts, ...run });
    return this.resume(b, run);
  }

  private bootAndRun(run: SessionRunOptions): RunResult {
    const output: Output[] = [];
    this.sink = {
      stdout: (bytes) => output.push({ stream: 'stdout', bytes: bytes.slice() }),
      stderr: (bytes) => output.push({ stream: 'stderr', bytes: bytes.slice() }),
      stdin: () => new Uint8Array(0),
      onItm: (port, value, width, cycles) => output.push({ stream: 'itm', port, value, width, cycles }),
    };
    const prepared = prepareRun({
      ...this.opts, args: run.args,
      stdout: (bytes) => this.sink.stdout(bytes),
      stderr: (bytes) => this.sink.stderr(bytes),
      stdin: (max) => (this.sink.stdin ?? (() => new Uint8Array(0)))(max),
      onItm: (port, value, width, cycles) => this.sink.onItm?.(port, value, width, cycles),
    });
    const { machine, semihosting } = prepared;
    const cpu = machine.cpu;
    let booting = true;
    cpu.onBreakpoint = (c, imm8) => {
      if (booting && imm8 === 0xab && !this.bootSafe(prepared, c.r[0]!, c.r[1]!)) {
        // Stop with the request unanswered; resume() answers it for each run.
        c.halted = true;
        c.stopReason = SNAPSHOT_STOP;
        return true;
      }
      return semihosting.onBreakpoint(c, imm8);
    };
    const start = performance.now();
    const stop = runUntilStop(cpu, run, start);
    booting = false;
    if (stop !== undefined || cpu.stopReason !== SNAPSHOT_STOP) {
      // Boot ended the run (exit, fault, limit): no snapshot; this run's output is what boot printed.
      this.noSnapshot = true;
      this.sink = run;
      replay(output, run);
      return describeRun(prepared, stop, run, performance.now() - start);
    }
    const booted: Booted = {
      prepared,
      // The machine and semihosting (its handles); not the options semihosting reads per run.
      snapshot: new MachineSnapshot([machine, semihosting], new Set<object>([prepared.semihostingOptions])),
      output,
      unmodelled: structuredClone(prepared.unmodelled),
      warnings: prepared.warnings.slice(),
      instructions: cpu.instructions,
      cycles: cpu.cycles,
      codeEpoch: machine.bus.codeEpoch,
      fresh: true,
    };
    this.booted = booted;
    return this.resume(booted, run);
  }

  /** Whether semihosting request `op` (parameter block at `arg`) answers the same in every run. */
  private bootSafe(prepared: PreparedRun, op: number, arg: number): boolean {
    const bus = prepared.machine.bus;
    if (op === SYS.OPEN) {
      const name = Buffer.from(bus.readBytes(bus.read(arg, 4), bus.read(arg + 8, 4))).toString('latin1');
      return BOOT_SAFE_FILES.has(name);
    }
    if (op === SYS.READ) {
      // Reading the :semihosting-features file is part of rdimon's start; stdin and host files are input.
      // (Semihosting keeps its handle table private; this reads it rather than widening its interface.)
      const handles = (prepared.semihosting as unknown as { handles?: Map<number, { kind: string }> }).handles;
      return handles instanceof Map && handles.get(bus.read(arg, 4))?.kind === 'features';
    }
    return BOOT_SAFE_OPS.has(op);
  }

  private resume(b: Booted, run: SessionRunOptions): RunResult {
    const { prepared } = b;
    const { machine, semihosting } = prepared;
    const cpu = machine.cpu;
    if (!b.fresh) {
      b.snapshot.restore();
      if (machine.bus.codeEpoch !== b.codeEpoch) forgetAllCode(prepared);
      prepared.unmodelled.count = b.unmodelled.count;
      prepared.unmodelled.first = structuredClone(b.unmodelled.first);
      prepared.warnings.length = 0;
      prepared.warnings.push(...b.warnings);
    }
    b.fresh = false;
    b.codeEpoch = machine.bus.codeEpoch;
    cpu.halted = false;
    cpu.stopReason = '';
    cpu.onBreakpoint = semihosting.onBreakpoint;
    prepared.semihostingOptions.commandLine = [this.opts.elfPath, ...(run.args ?? [])];
    this.sink = run;
    replay(b.output, run);
    const start = performance.now();
    // The request boot stopped at, answered now for this run (its BKPT has already been counted).
    semihosting.onBreakpoint(cpu, 0xab);
    const stop = runUntilStop(cpu, run, start);
    const result = describeRun(prepared, stop, run, performance.now() - start);
    // The collected lists are reused by the next run: give this result its own copies.
    return { ...result, unmodelledAccesses: structuredClone(result.unmodelledAccesses), warnings: result.warnings.slice() };
  }
}

function replay(output: Output[], run: SessionRunOptions): void {
  for (const o of output) {
    if (o.stream === 'itm') run.onItm?.(o.port, o.value, o.width, o.cycles);
    else run[o.stream](o.bytes);
  }
}

/**
 * A run wrote over code, and the restore put the old bytes back under decoded instructions: drop
 * every decoded instruction (the bus's new epoch makes the links between them untrusted too).
 */
function forgetAllCode(prepared: PreparedRun): void {
  for (const region of prepared.machine.regions.values()) {
    region.insnIndex?.fill(0);
    // Writing a region's first bytes back unchanged is the loader's way to bump the code epoch.
    prepared.machine.bus.writeBytes(region.base, region.bytes.slice(0, 2));
  }
}
