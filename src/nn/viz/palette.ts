/**
 * False colour for thermal frames: the "ironbow" ramp thermal cameras use (black, indigo, magenta,
 * orange, yellow, white), as control points interpolated linearly. Cold is dark, hot is bright, so
 * the sheet also reads in greyscale; green and cyan stay free for the box colours.
 */
import type { Rgb } from './image.js';

const IRONBOW: ReadonlyArray<readonly [number, Rgb]> = [
  [0.0, [0, 0, 10]], [0.15, [30, 0, 90]], [0.35, [130, 0, 150]], [0.55, [220, 40, 60]],
  [0.75, [250, 140, 0]], [0.9, [255, 220, 40]], [1.0, [255, 255, 240]],
];

/** Colour of t in [0, 1] (clamped). */
export function ironbow(t: number): Rgb {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  for (let k = 1; k < IRONBOW.length; k++) {
    const [t1, c1] = IRONBOW[k];
    if (v <= t1) {
      const [t0, c0] = IRONBOW[k - 1];
      const f = (v - t0) / (t1 - t0);
      return [0, 1, 2].map((i) => Math.round(c0[i] + f * (c1[i] - c0[i]))) as unknown as Rgb;
    }
  }
  return IRONBOW[IRONBOW.length - 1][1];
}
