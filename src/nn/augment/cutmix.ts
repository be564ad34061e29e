/**
 * CutMix for detection with an IoU constraint (PAPER.md "Training"). For each image, while it has
 * fewer than M objects: pick a donor image that has objects, pick one of its objects; if the object's
 * box has IoU < tau with every box already in the image, copy the donor's pixels of that box's
 * region (same position: the box keeps its coordinates) and add the box. Rejected draws count as
 * attempts, and each image gets at most `maxAttempts` draws so crowded images cannot loop forever.
 *
 * Donors are always the frames as passed in (unmixed), so an image never receives a pasted-on-pasted
 * patch. The pixel region of a box is every pixel the box touches: columns floor(x)..ceil(x + w) - 1,
 * rows likewise, clipped to the frame. Boxes that intersect after pasting are flagged `overlapping`.
 *
 * Option `matchBackground` (off by default, which is PAPER.md's exact copy): donors come from rooms
 * whose ambient differs by up to ~15 K (src/nn/data/THERMAL.md §2.2), so an exact copy leaves a rectangle
 * with a step at its border that no real scene has and the detector could learn as "person". With the
 * option, the patch is shifted by median(target) - median(donor) so its background level matches.
 *
 * Option `maxCover` (default 1 = off, PAPER.md's rule): the IoU test alone lets a large pasted box
 * wipe out a small existing one (a 2x2 head inside a 10x20 patch has IoU 0.02), leaving a label on
 * pixels that no longer show a person; on the default generator 13 % of pastes (M 6, tau 0.3) cover
 * more than half of an existing box. With maxCover < 1 a paste is also rejected when its pixel
 * region covers more than that share of any existing box's area.
 */
import type { Box, ThermalFrame } from '../data/types.js';
import { intersectionArea, iou } from '../detect/iou.js';
import type { LossConfig } from '../loss/config.js';

/** Uniform [0, 1) source; the data generator's `Rng` satisfies it. */
export interface RandomSource {
  next(): number;
}

export interface CutmixConfig {
  /** Paste while the image has fewer than M objects. */
  M: number;
  /** A pasted box must have IoU < tau with every existing box. */
  tau: number;
  /** Donor draws per image (accepted or rejected). Default 2 * M. */
  maxAttempts?: number;
  /** Shift pasted pixels by median(target) - median(donor). Default false (exact copy). */
  matchBackground?: boolean;
  /** Reject a paste covering more than this share of an existing box. Default 1 (no check). */
  maxCover?: number;
}

/** The CutMix part of a LossConfig (whether to apply CutMix at all is `cfg.cutmix`, the trainer's call). */
export function cutmixConfigFrom(cfg: LossConfig): CutmixConfig {
  return { M: cfg.M, tau: cfg.tau, matchBackground: cfg.cutmixMatchBackground, maxCover: cfg.cutmixMaxCover };
}

export interface CutmixResult {
  frame: ThermalFrame;
  /** Boxes added to the image, in the order they were pasted. */
  pasted: Box[];
}

/** Pixel rectangle [x0, x1) x [y0, y1) that a box touches, clipped to the frame. */
export function boxPixelRegion(b: Box, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  return {
    x0: Math.max(0, Math.floor(b.x)),
    y0: Math.max(0, Math.floor(b.y)),
    x1: Math.min(width, Math.ceil(b.x + b.w)),
    y1: Math.min(height, Math.ceil(b.y + b.h)),
  };
}

/** Median temperature of a frame (the background level: people cover a minority of pixels). */
export function medianCelsius(celsius: Float32Array): number {
  const s = Float32Array.from(celsius).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Largest share of an existing box's area that the pixel region would cover. */
function worstCover(boxes: ReadonlyArray<Box>, r: { x0: number; y0: number; x1: number; y1: number }): number {
  let worst = 0;
  for (const b of boxes) worst = Math.max(worst, intersectionArea(b.x, b.y, b.w, b.h, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0) / (b.w * b.h));
  return worst;
}

function pick(n: number, rng: RandomSource): number {
  return Math.min(n - 1, Math.floor(rng.next() * n));
}

/** CutMix one image from the given donors (frames of the same size with at least one box). */
export function cutmixFrame(target: ThermalFrame, donors: ReadonlyArray<ThermalFrame>, rng: RandomSource, cfg: CutmixConfig): CutmixResult {
  const { width, height } = target;
  const celsius = Float32Array.from(target.celsius);
  const boxes: Box[] = target.boxes.map((b) => ({ ...b }));
  const pasted: Box[] = [];
  const maxAttempts = cfg.maxAttempts ?? 2 * cfg.M;
  const targetLevel = cfg.matchBackground ? medianCelsius(target.celsius) : 0;
  for (let attempt = 0; attempt < maxAttempts && boxes.length < cfg.M && donors.length > 0; attempt++) {
    const donor = donors[pick(donors.length, rng)];
    const candidate = donor.boxes[pick(donor.boxes.length, rng)];
    if (!boxes.every((b) => iou(b, candidate) < cfg.tau)) continue;
    const r = boxPixelRegion(candidate, width, height);
    if (cfg.maxCover !== undefined && cfg.maxCover < 1 && worstCover(boxes, r) > cfg.maxCover) continue;
    const shift = cfg.matchBackground ? targetLevel - medianCelsius(donor.celsius) : 0;
    for (let y = r.y0; y < r.y1; y++) {
      const row = y * width;
      if (shift === 0) celsius.set(donor.celsius.subarray(row + r.x0, row + r.x1), row + r.x0);
      else for (let x = r.x0; x < r.x1; x++) celsius[row + x] = donor.celsius[row + x] + shift;
    }
    const added: Box = { ...candidate, overlapping: false }; // the donor's flag described the donor's frame
    for (const b of boxes) {
      if (intersectionArea(b.x, b.y, b.w, b.h, added.x, added.y, added.w, added.h) > 0) {
        b.overlapping = true;
        added.overlapping = true;
      }
    }
    boxes.push(added);
    pasted.push(added);
  }
  let tags = target.tags;
  if (pasted.length > 0) tags = [...(tags ?? []).filter((t) => t !== 'empty'), 'cutmix'];
  const frame: ThermalFrame = { width, height, celsius, boxes };
  if (tags) frame.tags = tags;
  return { frame, pasted };
}

/** CutMix every frame of a batch; returns new frames (inputs are not modified). */
export function cutmix(frames: ReadonlyArray<ThermalFrame>, rng: RandomSource, cfg: CutmixConfig): ThermalFrame[] {
  if (!Number.isInteger(cfg.M) || cfg.M < 1) throw new Error(`cutmix: M must be a positive integer, got ${cfg.M}`);
  if (!(cfg.tau > 0 && cfg.tau <= 1)) throw new Error(`cutmix: tau must be in (0, 1], got ${cfg.tau}`);
  if (cfg.maxCover !== undefined && !(cfg.maxCover > 0 && cfg.maxCover <= 1)) throw new Error(`cutmix: maxCover must be in (0, 1], got ${cfg.maxCover}`);
  return frames.map((frame, i) => {
    const donors = frames.filter((d, j) => j !== i && d.boxes.length > 0 && d.width === frame.width && d.height === frame.height);
    return cutmixFrame(frame, donors, rng, cfg).frame;
  });
}
