import { describe, expect, it } from 'vitest';
import type { Box, ThermalFrame } from '../../../src/nn/data/types.js';
import { boxPixelRegion, cutmix, cutmixFrame } from '../../../src/nn/augment/index.js';
import { lcg } from './helpers.js';

const W = 32, H = 24;

function frame(seed: number, boxes: Box[], tags?: string[]): ThermalFrame {
  const r = lcg(seed);
  const f: ThermalFrame = { width: W, height: H, celsius: Float32Array.from({ length: W * H }, () => 20 + r() * 10), boxes };
  if (tags) f.tags = tags;
  return f;
}

/** IoU written out independently of src/nn/detect/iou.ts. */
function iouRef(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

function randomBoxes(r: () => number, n: number): Box[] {
  return Array.from({ length: n }, () => {
    const w = 2 + r() * 8, h = 3 + r() * 14;
    return { x: r() * (W - w), y: r() * (H - h), w, h, cls: 0 };
  });
}

describe('CutMix with the IoU constraint', () => {
  it('never adds a box with IoU >= tau to a box already present, and copies donor pixels exactly', () => {
    const r = lcg(42);
    let pastedTotal = 0;
    for (let trial = 0; trial < 40; trial++) {
      const tau = [0.1, 0.3, 0.5][trial % 3];
      const frames = Array.from({ length: 6 }, (_, i) => frame(trial * 10 + i, randomBoxes(r, Math.floor(r() * 4))));
      const donors = frames.slice(1).filter((f) => f.boxes.length > 0);
      const target = frames[0];
      const { frame: out, pasted } = cutmixFrame(target, donors, { next: r }, { M: 6, tau, maxAttempts: 20 });
      pastedTotal += pasted.length;
      expect(out.boxes.length).toBeLessThanOrEqual(Math.max(6, target.boxes.length));
      // Every added box is checked against everything present before it.
      const present = target.boxes.slice();
      for (const p of pasted) {
        for (const b of present) expect(iouRef(p, b)).toBeLessThan(tau);
        present.push(p);
      }
      // Each pixel equals the donor of the last paste covering it, else the original.
      const expected = Float32Array.from(target.celsius);
      for (const p of pasted) {
        const donor = donors.find((d) => d.boxes.some((b) => b.x === p.x && b.y === p.y && b.w === p.w && b.h === p.h))!;
        expect(donor).toBeDefined();
        const x0 = Math.max(0, Math.floor(p.x)), x1 = Math.min(W, Math.ceil(p.x + p.w));
        const y0 = Math.max(0, Math.floor(p.y)), y1 = Math.min(H, Math.ceil(p.y + p.h));
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) expected[y * W + x] = donor.celsius[y * W + x];
      }
      expect(out.celsius).toEqual(expected);
      expect(target.boxes.length).toBeLessThanOrEqual(3); // input untouched
    }
    expect(pastedTotal).toBeGreaterThan(20); // the constraint did not reject everything
  });
  it('pastes while fewer than M objects and flags intersecting boxes as overlapping', () => {
    const target = frame(1, [], ['empty', 'distractor']);
    const donor = frame(2, [{ x: 2, y: 2, w: 4, h: 8, cls: 0 }, { x: 5, y: 2, w: 4, h: 8, cls: 0 }]);
    const { frame: out } = cutmixFrame(target, [donor], { next: lcg(3) }, { M: 2, tau: 0.5, maxAttempts: 50 });
    // IoU of the two donor boxes is 4/12 < 0.5, so both fit; M = 2 stops there.
    expect(out.boxes.length).toBe(2);
    expect(out.boxes.every((b) => b.overlapping)).toBe(true);
    expect(out.tags).toEqual(['distractor', 'cutmix']);
    const { frame: full } = cutmixFrame(frame(4, [{ x: 0, y: 0, w: 3, h: 3, cls: 0 }]), [donor], { next: lcg(5) }, { M: 1, tau: 0.5 });
    expect(full.boxes.length).toBe(1);
  });
  it('pixel region covers every pixel a fractional box touches, clipped', () => {
    expect(boxPixelRegion({ x: 1.5, y: -0.5, w: 2, h: 3, cls: 0 }, 32, 24)).toEqual({ x0: 1, y0: 0, x1: 4, y1: 3 });
    expect(boxPixelRegion({ x: 30.2, y: 20, w: 5, h: 4, cls: 0 }, 32, 24)).toEqual({ x0: 30, y0: 20, x1: 32, y1: 24 });
  });
  it('batch form uses other frames as donors and is reproducible from the seed', () => {
    const r = lcg(9);
    const frames = Array.from({ length: 4 }, (_, i) => frame(i, randomBoxes(r, i % 3)));
    const a = cutmix(frames, { next: lcg(11) }, { M: 4, tau: 0.3 });
    const b = cutmix(frames, { next: lcg(11) }, { M: 4, tau: 0.3 });
    expect(a.map((f) => f.boxes)).toEqual(b.map((f) => f.boxes));
    expect(a.reduce((s, f) => s + f.boxes.length, 0)).toBeGreaterThan(frames.reduce((s, f) => s + f.boxes.length, 0));
    expect(() => cutmix(frames, { next: lcg(1) }, { M: 0, tau: 0.3 })).toThrow(/M must be/);
  });
});

describe('CutMix background matching (option)', () => {
  it('shifts the pasted patch by the difference of frame medians', () => {
    const target = frame(21, []);
    const donor = frame(22, [{ x: 3.5, y: 2, w: 4, h: 6, cls: 0 }]);
    for (let i = 0; i < donor.celsius.length; i++) donor.celsius[i] += 7; // a warmer room
    const sorted = (f: ThermalFrame) => Array.from(f.celsius).sort((p, q) => p - q);
    const median = (f: ThermalFrame) => { const s = sorted(f); return (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
    const shift = median(target) - median(donor);
    const { frame: out } = cutmixFrame(target, [donor], { next: lcg(1) }, { M: 1, tau: 0.5, matchBackground: true });
    expect(out.boxes.length).toBe(1);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const k = y * W + x;
        const inside = x >= 3 && x < 8 && y >= 2 && y < 8;
        expect(out.celsius[k]).toBeCloseTo(inside ? donor.celsius[k] + shift : target.celsius[k], 4);
      }
    }
  });
});

describe('CutMix cover limit (option)', () => {
  const head = { x: 4, y: 4, w: 2, h: 2, cls: 0 };
  const donor = frame(31, [{ x: 0, y: 0, w: 10, h: 20, cls: 0, overlapping: true }]);
  it('by default follows the IoU rule alone and may cover a small box (IoU 0.02)', () => {
    const { pasted } = cutmixFrame(frame(30, [head]), [donor], { next: lcg(1) }, { M: 2, tau: 0.3 });
    expect(pasted.length).toBe(1);
    expect(pasted[0].overlapping).toBe(true); // it intersects the head, whatever the donor's flag said
  });
  it('with maxCover rejects a paste that covers more than that share of an existing box', () => {
    const { pasted } = cutmixFrame(frame(30, [head]), [donor], { next: lcg(1) }, { M: 2, tau: 0.3, maxCover: 0.5 });
    expect(pasted.length).toBe(0);
    const apart = frame(32, [{ x: 0, y: 0, w: 3, h: 3, cls: 0 }]);
    const d2 = frame(33, [{ x: 20, y: 2, w: 5, h: 10, cls: 0, overlapping: true }]);
    const r = cutmixFrame(apart, [d2], { next: lcg(1) }, { M: 2, tau: 0.3, maxCover: 0.5 });
    expect(r.pasted.length).toBe(1);
    expect(r.pasted[0].overlapping).toBe(false);
  });
});
