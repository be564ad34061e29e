// Shared by the detector firmware tests: the ELF built by `mcusim build`'s code path, held-out frame
// files from the synthetic generator, the host int8 reference's raw head bytes, and runs of the
// same ELF in mcusim (in-process) and QEMU (our functional oracle).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFirmware, type FirmwareBuild } from '../../src/codegen/firmware-build.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { generateFrame, resolveGeneratorConfig } from '../../src/nn/data/generate.js';
import { writeFrameFile, decodeFrameFile } from '../../src/nn/data/frame-file.js';
import { celsiusToCenti } from '../../src/nn/quant/normalise.js';
import { runInt8OnCenti } from '../../src/nn/quant/reference.js';
import type { QuantizedGraph } from '../../src/nn/quant/graph.js';
import { prepareRun, runUntilStop, describeRun, type RunOptions, type RunResult } from '../../src/sim/runner.js';
import { runQemu } from '../support/qemu.js';

/** Held-out frames: a generator seed used by no training, calibration or sample set (those use 1 and 12). */
export const HELD_OUT_SEED = 2027;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mcusim-detector-'));
}

/** Writes `count` synthetic MLX90640 frames of HELD_OUT_SEED as a TFRM file (what `dataset export-frames` writes). */
export function writeHeldOutFrames(path: string, count: number, seed = HELD_OUT_SEED): void {
  const config = resolveGeneratorConfig({});
  const first = generateFrame(config, seed, 0);
  const frames = [first, ...Array.from({ length: count - 1 }, (_, i) => generateFrame(config, seed, i + 1))];
  writeFrameFile(path, { width: first.width, height: first.height, frames: frames.map((f) => f.celsius) });
}

/** The host int8 reference's head bytes of every frame of a TFRM file, as the firmware's `raw` lines print them. */
export function referenceRawLines(graph: QuantizedGraph, framePath: string): string[] {
  const file = decodeFrameFile(new Uint8Array(readFileSync(framePath)), framePath);
  return file.frames.map((celsius, k) => {
    const run = runInt8OnCenti(graph, celsiusToCenti(celsius));
    return `raw ${k}: ${run.heads.map((h) => Buffer.from(h.buffer, h.byteOffset, h.length).toString('hex')).join('')}`;
  });
}

export function buildDetector(board: string): Promise<FirmwareBuild> {
  return buildFirmware({ board: loadBoard(board) });
}

export interface McusimRun {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  result: RunResult;
  /** ITM port 1 words with the cycle count at each write (only when `markers` was set). */
  markers: Array<{ word: number; cycles: number }>;
}

/**
 * Runs an ELF in mcusim. `markers`: enable ITM port 1 after reset as a debugger would (DEMCR.TRCENA,
 * ITM_TCR.ITMENA, ITM_TER bit 1), so the firmware's layer markers are written.
 */
export async function runInMcusim(elf: string, board: string, args: string[], opts: { markers?: boolean } = {}): Promise<McusimRun> {
  let stdout = '', stderr = '';
  const markers: McusimRun['markers'] = [];
  const runOpts: RunOptions = {
    board: loadBoard(board), elfBytes: new Uint8Array(readFileSync(elf)), elfPath: elf, args, allowAnyPath: true,
    stdout: (b: Uint8Array) => { stdout += Buffer.from(b).toString('latin1'); },
    stderr: (b: Uint8Array) => { stderr += Buffer.from(b).toString('latin1'); },
    timeoutMs: 900_000,
    onItm: (port: number, word: number, _width: number, cycles: number) => { if (port === 1) markers.push({ word, cycles }); },
  };
  const prepared = prepareRun(runOpts);
  if (opts.markers) {
    const bus = prepared.machine.bus;
    bus.write(0xe000edfc, 4, 1 << 24); // DEMCR.TRCENA
    bus.write(0xe0000e80, 4, 1); // ITM_TCR.ITMENA
    bus.write(0xe0000e00, 4, 1 << 1); // ITM_TER: port 1
  }
  // Slices of a few million instructions with the event loop in between, so a long run does not
  // starve vitest's worker messages.
  const start = performance.now();
  let stop;
  do {
    stop = runUntilStop(prepared.machine.cpu, { ...runOpts, maxInstructions: prepared.machine.cpu.instructions + (1 << 22) }, start);
    await new Promise((r) => setImmediate(r));
  } while (stop === 'instruction-limit' && performance.now() - start < runOpts.timeoutMs!);
  const result = describeRun(prepared, stop, runOpts, performance.now() - start);
  return { stdout, stderr, exitCode: result.stop === 'exit' ? result.exitCode : undefined, result, markers };
}

export async function runInQemu(elf: string, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await runQemu(elf, { args, timeoutMs: 120_000 });
  if (r.timedOut) throw new Error(`QEMU timed out on ${elf}`);
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), exitCode: r.exitCode };
}
