/** The widths the search may give each stage: a grid the int8 kernels run fast on, and its floor. */
import type { DetectorConfig } from '../nn/model/config.js';
import { detectorWidths, STAGES, type Stage, type StageWidths } from './prune.js';

/**
 * Widths move in steps that keep the int8 kernels on their word-wide paths (channels % 4 == 0,
 * firmware/nn/kernels/nn_kernels.h): measured, stage 3 at 18 channels instead of 24 was slower
 * (34.4 ms against 33.6 ms). Stages 2 and 3 step by 8 so their SPPF hidden widths (half the SPPF
 * input) stay multiples of 4 too.
 */
export const WIDTH_STEP: StageWidths = { stage1: 4, stage2: 8, stage3: 8, stage4: 4, fpn: 4, head: 4 };

/**
 * The narrowest widths the search goes to: 8 channels (stage 4 at 4 channels does not compile:
 * gcc finds the GEMM kernel's inline asm constraints impossible, nn_conv.h:159). Stage 1 also keeps
 * at least two CBAM hidden units (width / channelReduction, rounded): with one left, that unit is
 * often dead on every frame.
 */
export const MIN_WIDTH = 8;

export function minWidths(config: DetectorConfig): StageWidths {
  const floor = Object.fromEntries(STAGES.map((k) => [k, Math.max(MIN_WIDTH, WIDTH_STEP[k])])) as unknown as StageWidths;
  const start = detectorWidths(config);
  const r = config.attention.channelReduction;
  const hiddenNeeded = Math.min(2, Math.max(1, Math.round(start.stage1 / r)));
  while (floor.stage1 < start.stage1 && Math.max(1, Math.round(floor.stage1 / r)) < hiddenNeeded) floor.stage1 += WIDTH_STEP.stage1;
  for (const k of STAGES) floor[k] = Math.min(floor[k], start[k]);
  return floor;
}

/** Widths a stage may take below `width`, widest first: multiples of its step, down to its minimum. */
export function narrowerWidths(stage: Stage, width: number, least: number): number[] {
  const step = WIDTH_STEP[stage];
  const out: number[] = [];
  for (let w = Math.ceil(width / step) * step - step; w >= least; w -= step) out.push(w);
  return out;
}
