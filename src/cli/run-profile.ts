/**
 * The profiling side of `mcusim run`: when a report is asked for or the ELF carries a layer table
 * (firmware/nn/LAYER-TABLE.md), the profiler is attached to the run (src/profile), the report is
 * written in the format its extension names, and the per-layer table goes to stderr with the summary
 * (stdout stays the firmware's own output, byte for byte as in QEMU).
 */
import { readElf } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import type { RunOptions, RunResult } from '../sim/runner.js';
import { LAYER_SECTION } from '../profile/layer-table.js';

export interface RunProfiling {
  runOptions: Pick<RunOptions, 'observer' | 'onItm'>;
  /** Writes the report and returns the per-layer table text for stderr (null when there is none). */
  finish(result: RunResult): string | null;
}

/**
 * The profiler and the report renderers (zod, cli-table3, Chart.js for the HTML page) are imported
 * only when this run uses them: a plain run of an ELF without a layer table loads none of them, which
 * keeps a short `mcusim run` start-up short (test/bench/sim-speed.ts measures it).
 */
export async function setUpProfiling(elfBytes: Uint8Array, elfPath: string, board: Board, reportPath: string | undefined, enabled: boolean): Promise<RunProfiling | null> {
  if (!enabled) return null;
  let writer: typeof import('../report/write-report.js') | undefined;
  if (reportPath !== undefined) {
    writer = await import('../report/write-report.js');
    writer.formatForPath(reportPath); // a bad extension is a usage error before the run
  }
  let image;
  try {
    image = readElf(elfBytes, elfPath);
  } catch {
    return null; // the runner reports a bad ELF with its own exit code
  }
  if (reportPath === undefined && !image.sections.some((s) => s.name === LAYER_SECTION)) return null;
  const [{ startProfiling }, { renderLayerTable }] = await Promise.all([import('../profile/profile-run.js'), import('../report/render-table.js')]);
  const profiling = startProfiling(image, elfBytes, board);
  if (reportPath === undefined && profiling.layerTable === null) return null;
  return {
    runOptions: { observer: profiling.observer, onItm: profiling.onItm },
    finish(result) {
      const built = profiling.report(result, elfPath);
      if (writer && reportPath !== undefined) writer.writeReport(reportPath, built);
      return renderLayerTable(built, { color: process.stderr.isTTY === true });
    },
  };
}
