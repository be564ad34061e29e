/**
 * `mcusim build [--board B] [--model M] [-o OUT.elf] [--opt O2|Os] [--raw] [--json]`: the trained
 * model -> int8 graph -> C -> ELF for a board (src/codegen/firmware-build.ts). Progress goes to
 * stderr; stdout has the build summary (arena peak vs its lower bound, flash and SRAM use against
 * the board) and, as its last line, the ELF path (DESIGN.md); with --json, stdout is the summary as
 * one JSON document instead.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { EXIT, exitCodesEpilogue } from '../common/exit-codes.js';
import { DEFAULT_BOARD, loadBoard } from '../mcu/boards/load.js';
import {
  buildFirmware, CompileError, DEFAULT_MODEL, ModelFileError, ToolchainMissingError, type FirmwareBuild, type OptLevel,
} from '../codegen/firmware-build.js';

/** `mcusim build`'s exit codes (from the one table, src/common/exit-codes.ts; also in its --help and the README). */
export const BUILD_EXIT = { ok: 0, usage: EXIT.usage, toolchainMissing: EXIT.toolchainMissing, compileFailed: EXIT.compileFailed } as const;

interface BuildArgs {
  board: string;
  model?: string;
  out?: string;
  opt: string;
  raw: boolean;
  json: boolean;
}

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)} %`;

export function buildSummary(b: FirmwareBuild): string[] {
  const m = b.memory;
  const over = ((b.arena.peakBytes / b.arena.lowerBoundBytes - 1) * 100).toFixed(1);
  return [
    `${b.cached ? 'cached' : 'built'}: ${b.layers} layers, ${b.macs.toLocaleString('en-US')} MACs per frame, -${b.opt}, ${b.board} at ${b.coreHz / 1e6} MHz`,
    `arena: ${b.arena.peakBytes} bytes planned, lower bound ${b.arena.lowerBoundBytes} (largest sum of tensors alive at once; +${over} %)`,
    `flash: ${kib(m.flashBytes)} of ${kib(m.flashCapacity)} (${pct(m.flashBytes, m.flashCapacity)}); ` +
      `SRAM: ${kib(m.sramBytes)} of ${kib(m.sramCapacity)} (${pct(m.sramBytes, m.sramCapacity)}, incl. ${kib(m.stackReserve)} stack)`,
    `  by section: ${m.sections.map((s) => `${s.name} ${s.bytes}`).join(', ')}`,
  ];
}

/** Runs the build and turns its failures into one-line UserErrors with build's exit codes. */
export async function buildOrExplain(opts: Parameters<typeof buildFirmware>[0]): Promise<FirmwareBuild> {
  try {
    return await buildFirmware(opts);
  } catch (e) {
    if (e instanceof ToolchainMissingError) throw new UserError(e.message, BUILD_EXIT.toolchainMissing);
    if (e instanceof ModelFileError) throw new UserError(e.message, BUILD_EXIT.usage);
    if (e instanceof CompileError) {
      process.stderr.write(`${e.log}\n`);
      throw new UserError('the firmware did not compile or link (log above)', BUILD_EXIT.compileFailed);
    }
    throw e;
  }
}

/** The shipped frames the demo runs on (firmware/frames/README.md). */
export const SAMPLE_FRAMES = resolve(dirname(DEFAULT_MODEL), '../firmware/frames/sample.bin');

/**
 * `mcusim run` with no ELF: build (or reuse the cached build of) the shipped detector for the board
 * and run it on the shipped frames unless --frames names others.
 */
export async function demoRunArgs(boardName: string, frames: string | undefined): Promise<{ elf: string; frames: string }> {
  const result = await buildOrExplain({
    board: loadBoard(boardName), progress: (line) => process.stderr.write(`mcusim build: ${line}\n`),
  });
  process.stderr.write(`mcusim: demo: the shipped detector for ${result.board} (${result.cached ? 'cached build' : 'built'} ${result.elfPath})\n`);
  return { elf: result.elfPath, frames: frames ?? SAMPLE_FRAMES };
}

export const buildCommand: Command<BuildArgs> = {
  command: 'build',
  describe: 'Build the detector firmware: model -> int8 -> C -> ELF for a board',
  builder: (y) =>
    y
      .option('board', { type: 'string', default: DEFAULT_BOARD, describe: 'board profile (see `mcusim boards`); mps2-an386 builds for QEMU' })
      .option('model', { type: 'string', describe: `trained weights file (default ${'models/detector-default.weights.json'})` })
      .option('out', { alias: 'o', type: 'string', describe: 'copy the ELF here' })
      .option('opt', { type: 'string', default: 'O2', choices: ['O2', 'Os'], describe: 'gcc optimisation level' })
      .option('raw', { type: 'boolean', default: false, describe: 'firmware also prints the raw int8 head outputs of every frame' })
      .option('json', { type: 'boolean', default: false, describe: 'print the build summary as JSON on stdout' })
      .epilogue(
        'The build folder firmware/generated/<board>-<opt>-<hash>/ holds the generated C, linker script and ELF; ' +
          'an unchanged model, board, options and sources reuse it. ' +
          `${exitCodesEpilogue('build', '0 built')} An unknown board or an unreadable/malformed model is a usage error; ` +
          'a compile or link failure is, for example, a model that does not fit the board (the log names the region).',
      ) as never,
  handler: async (args) => {
    const board = loadBoard(args.board);
    const result = await buildOrExplain({
      board, modelPath: args.model ?? DEFAULT_MODEL, opt: args.opt as OptLevel, raw: args.raw,
      progress: (line) => process.stderr.write(`mcusim build: ${line}\n`),
    });
    let elfPath = result.elfPath;
    if (args.out) {
      elfPath = resolve(args.out);
      mkdirSync(dirname(elfPath), { recursive: true });
      copyFileSync(result.elfPath, elfPath);
    }
    if (args.json) {
      process.stdout.write(JSON.stringify({ ...result, elfPath }, null, 2) + '\n');
    } else {
      process.stdout.write([...buildSummary(result), elfPath].join('\n') + '\n');
    }
    return BUILD_EXIT.ok;
  },
};
