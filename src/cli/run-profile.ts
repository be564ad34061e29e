/**
 * The profiling side of `mcusim run`: when a report is asked for or the ELF carries a layer table
 * (firmware/nn/LAYER-TABLE.md), the profiler is attached to the run (src/profile), the report is
 * written in the format its extension names, and the per-layer table goes to stderr with the summary
 * (stdout stays the firmware's own output, byte for byte as in QEMU).
 */
import { readElf } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import type { RunOptions, RunResult } from '../sim/runner.js';
import { startProfiling } from '../profile/profile-run.js';
import { formatForPath, writeReport } from '../report/write-report.js';
import { renderLayerTable } from '../report/render-table.js';

export interface RunProfiling {
  runOptions: Pick<RunOptions, 'observer' | 'onItm'>;
  /** Writes the report and returns the per-layer table text for stderr (null when there is none). */
  finish(result: RunResult): string | null;
}

export function setUpProfiling(elfBytes: Uint8Array, elfPath: string, board: Board, reportPath: string | undefined, enabled: boolean): RunProfiling | null {
  if (!enabled) return null;
  if (reportPath !== undefined) formatForPath(reportPath); // a bad extension is a usage error before the run
  let image;
  try {
    image = readElf(elfBytes, elfPath);
  } catch {
    return null; // the runner reports a bad ELF with its own exit code
  }
  const profiling = startProfiling(image, elfBytes, board);
  if (reportPath === undefined && profiling.layerTable === null) return null;
  return {
    runOptions: { observer: profiling.observer, onItm: profiling.onItm },
    finish(result) {
      const report = profiling.report(result, elfPath);
      if (reportPath !== undefined) writeReport(reportPath, report);
      return renderLayerTable(report, { color: process.stderr.isTTY === true });
    },
  };
}
