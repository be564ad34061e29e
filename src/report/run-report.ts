/**
 * Words for the run summary's stall breakdown, shared by the stderr summary of `mcusim run` and the
 * renderers. The report model itself is ./schema.ts; it is built from a run by src/profile.
 */
import type { StallCycles } from './schema.js';
import { int } from './format.js';

const STALL_LABELS: Record<keyof StallCycles, string> = {
  flashWait: 'flash wait', branch: 'branch refill', loadStore: 'load/store', mulDiv: 'mul/div', fpu: 'FPU',
  exception: 'exception entry/exit', other: 'other (32-bit fetch starvation, MSR CONTROL, ISB)', sleep: 'sleep',
};

/** The cause with the most stall cycles, as "load/store 1,234", or "" when there are none. */
export function topStall(stalls: StallCycles): string {
  const [cause, cycles] = (Object.entries(stalls) as [keyof StallCycles, number][]).reduce((a, b) => (b[1] > a[1] ? b : a));
  return cycles > 0 ? `${STALL_LABELS[cause].replace(/ \(.*\)$/, '')} ${int(cycles)}` : '';
}

/** "flash wait 1,234 (5.1%), branch refill ..." over the causes with cycles, as a share of all cycles. */
export function formatStallCycles(stalls: StallCycles, totalCycles?: number): string {
  const parts = (Object.keys(STALL_LABELS) as (keyof StallCycles)[])
    .filter((k) => stalls[k] > 0)
    .map((k) => `${STALL_LABELS[k]} ${int(stalls[k])}${totalCycles ? ` (${((100 * stalls[k]) / totalCycles).toFixed(1)}%)` : ''}`);
  return parts.length ? parts.join(', ') : 'none';
}
