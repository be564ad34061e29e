/** Runs an ELF quietly with the profiler attached and returns its report (for check and the gate). */
import type { Board } from '../mcu/boards/types.js';
import { readElf } from '../elf/index.js';
import { runElf } from '../sim/runner.js';
import { startProfiling } from '../profile/profile-run.js';
import type { Report } from '../report/schema.js';

export function profileElf(elfBytes: Uint8Array, elfPath: string, board: Board, frames?: string): Report {
  const profiling = startProfiling(readElf(elfBytes, elfPath), elfBytes, board);
  const result = runElf({
    board, elfBytes, elfPath, args: frames ? [frames] : [],
    stdout: () => {}, stderr: () => {},
    observer: profiling.observer, onItm: profiling.onItm,
  });
  return profiling.report(result, elfPath);
}
