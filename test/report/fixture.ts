// One profiled report of the marker program (and of its wider variant), shared by the report tests.
import { buildMarkerProgram, runProfiled } from '../profile/support.js';
import type { Report } from '../../src/report/schema.js';

let cached: Promise<{ elf: string; wideElf: string; report: Report }> | undefined;

export function markerReport(): Promise<{ elf: string; wideElf: string; report: Report }> {
  cached ??= (async () => {
    const elf = await buildMarkerProgram('stm32f411re');
    const wideElf = await buildMarkerProgram('stm32f411re', true);
    return { elf, wideElf, report: runProfiled(elf, 'stm32f411re').report };
  })();
  return cached;
}
