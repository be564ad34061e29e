/**
 * `mcusim run <elf>`: run firmware on a simulated board. Firmware output (semihosting, ITM port 0,
 * the console UART) goes to stdout unchanged; mcusim's summary goes to stderr; the exit code is the
 * firmware's (see src/common/exit-codes.ts for the simulator's own).
 */
import { readFileSync, readSync } from 'node:fs';
import { HOT_THRESHOLD } from '../cpu/block-compiler.js';
import chalk from 'chalk';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { loadBoard, DEFAULT_BOARD } from '../mcu/boards/load.js';
import { runElf, type RunResult } from '../sim/runner.js';
import { EXIT, exitCodesEpilogue } from '../common/exit-codes.js';
import { formatFault } from '../sim/fault-report.js';
import { formatFaultLog } from '../sim/fault-log.js';
import { formatStallCycles } from '../report/run-report.js';
import { int } from '../report/format.js';
import { setUpProfiling } from './run-profile.js';
import { keepYoungGenerationSmall } from '../sim/heap-policy.js';

export interface RunArgs {
  elf?: string;
  board: string;
  frames?: string;
  report?: string;
  profile: boolean;
  quiet: boolean;
  maxCycles?: number;
  maxInstructions?: number;
  timeout?: number;
  allowFs: boolean;
  translate: number;
  uartInput?: string;
  '--'?: string[];
  _: (string | number)[];
}

export const runCommand: Command<RunArgs> = {
  command: 'run [elf]',
  describe: 'Run a Cortex-M4 ELF on a simulated board (no ELF: the shipped detector demo)',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', describe: 'firmware ELF built by arm-none-eabi-gcc' })
      .option('board', { type: 'string', default: DEFAULT_BOARD, describe: 'board profile (see `mcusim boards`)' })
      .option('frames', { type: 'string', describe: 'frame file passed to the firmware as argv[1]' })
      .option('report', { type: 'string', describe: 'write a profiled report; the extension picks the format (.json, .md, .html, .speedscope.json)' })
      .option('profile', { type: 'boolean', default: true, describe: 'profile an ELF with a layer table and print its per-layer table (--no-profile: plain run; --report always profiles)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no summary on stderr' })
      .option('max-cycles', { type: 'number', describe: 'stop after this many simulated cycles' })
      .option('max-instructions', { type: 'number', describe: 'stop after this many instructions' })
      .option('timeout', { type: 'number', describe: 'stop after this many wall-clock seconds' })
      .option('uart-input', { type: 'string', describe: "bytes for the board's console UART to receive, from a file ('-': stdin), one frame time apart at its baud rate" })
      .option('allow-fs', { type: 'boolean', default: false, describe: 'let semihosting open files outside the working directory' })
      .option('translate', {
        type: 'number', default: HOT_THRESHOLD,
        describe: 'translate a straight-line block into JavaScript after it ran this many times (0: interpret only; results are identical, only speed differs)',
      })
      .epilogue(exitCodesEpilogue()) as never,
  handler: async (args) => {
    if (!args.elf) {
      // The demo: build (or reuse the cached build of) the shipped detector, run it on the shipped frames.
      const { demoRunArgs } = await import('./build.js'); // the model and code generator: only for the demo
      const demo = await demoRunArgs(args.board, args.frames);
      args.elf = demo.elf;
      args.frames = demo.frames;
      args.allowFs = true;
    }
    if (!Number.isSafeInteger(args.translate) || args.translate < 0) {
      throw new UserError(`--translate: must be a whole number >= 0, got ${String(args.translate)}`, EXIT.usage);
    }
    const board = loadBoard(args.board);
    let elfBytes: Uint8Array;
    try {
      elfBytes = new Uint8Array(readFileSync(args.elf));
    } catch (e) {
      throw new UserError(`${args.elf}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, EXIT.usage);
    }
    const extra = (args['--'] ?? []).map(String);
    const programArgs = [...(args.frames ? [args.frames] : []), ...extra];
    const out = (b: Uint8Array) => process.stdout.write(b);
    const err = (b: Uint8Array) => process.stderr.write(b);
    keepYoungGenerationSmall();
    const profiling = await setUpProfiling(elfBytes, args.elf, board, args.report, args.report !== undefined || args.profile);
    const result = runElf({
      ...profiling?.runOptions,
      board, elfBytes, elfPath: args.elf, args: programArgs,
      maxCycles: args.maxCycles, maxInstructions: args.maxInstructions,
      timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
      stdout: out, stderr: err, stdin: readProcessStdin, allowAnyPath: args.allowFs,
      translateBlocks: args.translate > 0, blockThreshold: args.translate > 0 ? args.translate : undefined,
      ...(args.uartInput !== undefined ? { uartInput: readInputFile(args.uartInput) } : {}),
    });
    const layerTable = profiling?.finish(result) ?? null;
    if (!args.quiet) process.stderr.write(summary(result).join('\n') + '\n' + (layerTable ? layerTable + '\n' : ''));
    // Quiet, a run that did not exit says why in one line; when the line names no fault (a limit, not
    // a lockup) the faults the firmware swallowed follow it.
    else if (result.stop !== 'exit') {
      const swallowed = result.fault ? [] : formatFaultLog(result.faultLog).map((l) => `  ${l}`);
      process.stderr.write([`mcusim: ${result.message}`, ...swallowed].join('\n') + '\n');
    }
    return exitCodeFor(result);
  },
};

export function exitCodeFor(r: RunResult): number {
  switch (r.stop) {
    case 'exit': return r.exitCode! & 0xff;
    case 'lockup': return EXIT.lockup;
    case 'cycle-limit': case 'instruction-limit': return EXIT.limit;
    case 'timeout': return EXIT.timeout;
    default: return EXIT.stopped;
  }
}

function summary(r: RunResult): string[] {
  const mhz = r.coreClockHz / 1e6;
  const mips = r.wallMs > 0 ? r.instructions / r.wallMs / 1000 : 0;
  const head = r.stop === 'exit' ? chalk.green(r.message) : chalk.red(r.message);
  const lines = [
    `mcusim: ${head}`,
    `  ${int(r.instructions)} instructions, ${int(r.cycles)} cycles ` +
      `(CPI ${(r.instructions ? r.cycles / r.instructions : 0).toFixed(3)}), ` +
      `${(r.machine.simulatedSeconds() * 1000).toFixed(3)} ms (clock now ${mhz.toFixed(3)} MHz) on ${r.machine.board.name}`,
    `  stall cycles: ${formatStallCycles({ ...r.machine.timing.stallBreakdown(), sleep: r.machine.cpu.stalls.sleep }, r.cycles)}`,
    `  wall ${(r.wallMs / 1000).toFixed(3)} s, ${mips.toFixed(1)} simulated MIPS, ${r.exceptionsTaken} exceptions taken`,
  ];
  if (r.fault) lines.push(...formatFault(r.fault).map((l) => `  ${l}`));
  if (r.unmodelledAccesses.count > 0) {
    const first = r.unmodelledAccesses.first.map((a) => `${a.device}@0x${a.address.toString(16)}${a.write ? 'w' : 'r'}`).join(', ');
    lines.push(chalk.yellow(`  ${r.unmodelledAccesses.count} accesses to unmodelled registers (first: ${first})`));
  }
  for (const l of formatFaultLog(r.faultLog)) lines.push(chalk.yellow(`  ${l}`));
  for (const w of r.warnings) lines.push(chalk.yellow(`  warning: ${w}`));
  return lines;
}

/** The whole of a file, or of stdin for '-'; an unreadable file is a usage error. */
function readInputFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (e) {
    throw new UserError(`--uart-input: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, EXIT.usage);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Blocking read of up to `max` bytes of our own stdin (semihosting is synchronous by nature). */
function readProcessStdin(max: number): Uint8Array {
  const buf = Buffer.alloc(max);
  for (;;) {
    try {
      return new Uint8Array(buf.subarray(0, readSync(0, buf, 0, max, null)));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 10); // non-blocking pipe with no data yet: wait, then retry
        continue;
      }
      if (code === 'EOF') return new Uint8Array(0);
      throw e;
    }
  }
}
