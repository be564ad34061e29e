/**
 * V8 heap policy for a process that simulates (`mcusim run`): keep the young generation at its
 * starting size. V8 doubles the young generation (up to 32 MB committed, by default) when scavenges
 * come often, and a simulation allocates steadily (boxed numbers in the core's hot paths), so it always
 * grows; the bigger young generation buys no speed here but ~15-25 MB of peak RSS (detector over 20
 * frames: 165 -> 138 MB; coremark-lite and crc_matmul CPU time unchanged: README "Speed").
 *
 * `--semi-space-growth-factor` is read each time V8 considers growing, so setting it at run time
 * works (unlike `--max-semi-space-size`, fixed when the heap is set up). Process-wide, so only the
 * CLI calls this, never the library: the trainer and the search keep V8's defaults.
 */
import { setFlagsFromString } from 'node:v8';

export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
