// Builds the profiler's marker test program (firmware/tests/profile) and runs ELFs in-process with the
// profiler attached, returning the report and the firmware's stdout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildElf, FIRMWARE_DIR, type Board } from '../support/toolchain.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { readElf } from '../../src/elf/index.js';
import { runElf } from '../../src/sim/runner.js';
import { startProfiling } from '../../src/profile/profile-run.js';
import type { Report } from '../../src/report/schema.js';

export const PROFILE_DIR = join(FIRMWARE_DIR, 'tests', 'profile');

/** The marker program for a board; `wide` doubles stage1.pw (more MACs and weights). */
export function buildMarkerProgram(board: Board, wide = false): Promise<string> {
  return buildElf({
    name: wide ? 'profile_markers_wide' : 'profile_markers',
    sources: ['profile_markers.c', 'layer_table.S', 'mcusim-layers.ld'].map((f) => join(PROFILE_DIR, f)),
    variant: { opt: 'O2', float: 'hard' },
    board,
    extraFlags: [`-DWIDE=${wide ? 1 : 0}`],
  });
}

export interface ProfiledRun { report: Report; stdout: string; exitCode: number | undefined }

export function runProfiled(elf: string, board: string, opts: { translate?: boolean; args?: string[] } = {}): ProfiledRun {
  const bytes = new Uint8Array(readFileSync(elf));
  const b = loadBoard(board);
  const profiling = startProfiling(readElf(bytes, elf), bytes, b);
  let stdout = '';
  const result = runElf({
    board: b, elfBytes: bytes, elfPath: elf, args: opts.args ?? [],
    stdout: (x) => { stdout += Buffer.from(x).toString('latin1'); }, stderr: () => {},
    translateBlocks: opts.translate ?? true,
    observer: profiling.observer, onItm: profiling.onItm,
  });
  return { report: profiling.report(result, elf), stdout, exitCode: result.exitCode };
}
