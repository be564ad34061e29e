/**
 * Ignoring `difficult` boxes (PASCAL VOC / COCO ignore rule) and the breakdowns, on hand-made frames
 * whose answers are worked out in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/nn/data/types.js';
import { isDifficult } from '../../../src/nn/data/difficult.js';
import type { Detection } from '../../../src/nn/detect/types.js';
import { breakdown, evaluate, IGNORE_DIFFICULT, matchFrame } from '../../../src/nn/eval/index.js';
import { frameErrors, worstFirst } from '../../../src/nn/eval/frame-errors.js';

const box = (x: number, y: number, w: number, h: number, extra: Partial<Box> = {}): Box => ({ x, y, w, h, cls: 0, ...extra });
const det = (b: { x: number; y: number; w: number; h: number }, score: number): Detection => ({ x: b.x, y: b.y, w: b.w, h: b.h, cls: 0, score });

describe('difficult rule', () => {
  it('flags under 2 px² visible or under 30 % visible, and falls back to the box area', () => {
    expect(isDifficult(box(0, 0, 4, 8, { visibleArea: 1.9, visibleFraction: 1 }))).toBe(true);
    expect(isDifficult(box(0, 0, 4, 8, { visibleArea: 2, visibleFraction: 1 }))).toBe(false);
    expect(isDifficult(box(0, 0, 4, 8, { visibleArea: 20, visibleFraction: 0.29 }))).toBe(true);
    expect(isDifficult(box(0, 0, 4, 8, { visibleArea: 20, visibleFraction: 0.3 }))).toBe(false);
    expect(isDifficult(box(0, 0, 1, 1.5))).toBe(true); // imported label: box area 1.5 px²
    expect(isDifficult(box(0, 0, 2, 2))).toBe(false);
  });
});

describe('ignored boxes (COCO rule)', () => {
  const easy = box(0, 0, 4, 8);
  const hard = box(20, 0, 1, 1, { difficult: true });
  it('a detection takes a counted box first, an ignored one only when no counted box passes', () => {
    const m = matchFrame([det(hard, 0.9), det(easy, 0.8), det(box(10, 10, 4, 4), 0.7)], [easy, hard], { kind: 'iou', threshold: 0.5 }, [false, true]);
    expect(m.detectionMatched).toEqual([false, true, false]);
    expect(m.detectionIgnored).toEqual([true, false, false]);
    expect(m.boxMatchedBy).toEqual([1, 0]);
  });

  it('difficult boxes are neither found nor missed; detections on them are neither TP nor FP', () => {
    // Frame 0: easy found, hard found. Frame 1: easy missed, hard missed, one false positive.
    const gt = [[easy, hard], [easy, hard]];
    const preds = [[det(easy, 0.9), det(hard, 0.8)], [det(box(10, 10, 4, 4), 0.7)]];
    const all = evaluate(preds, gt);
    // every box: TP 2, FP 1, FN 2 -> P 2/3, R 2/4
    expect([all.f1Iou.truePositives, all.f1Iou.falsePositives, all.f1Iou.falseNegatives]).toEqual([2, 1, 2]);
    const counted = evaluate(preds, gt, [], {}, IGNORE_DIFFICULT);
    // difficult ignored: TP 1 (easy, frame 0), FP 1, FN 1 (easy, frame 1); the hit on `hard` is ignored
    expect([counted.f1Iou.truePositives, counted.f1Iou.falsePositives, counted.f1Iou.falseNegatives]).toEqual([1, 1, 1]);
    expect(counted.groundTruthBoxes).toBe(2);
    // AP: ranked TP(0.9), FP(0.7) over 2 boxes -> 1 * 1/2 = 0.5; every box: TP TP FP over 4 -> 0.5
    expect(counted.mAP50).toBeCloseTo(0.5, 12);
    expect(all.mAP50).toBeCloseTo(0.5, 12);
    // counting with difficult ignored: frame 0 |1 - 1| = 0, frame 1 |1 - 1| = 0
    expect(counted.countMAE).toBe(0);
    // every box: frame 0 |2 - 2| = 0, frame 1 |1 - 2| = 1 -> 0.5
    expect(all.countMAE).toBe(0.5);
  });
});

describe('breakdowns', () => {
  // Frame 0: a 2x2 box (4 px², bucket 4-16) found, a 4x8 box (32 px², bucket 16-64) missed.
  // Frame 1: a 4x8 box found, plus a 1x1 false positive (1 px², bucket <4).
  // Frame 2: empty, one 4x8 false positive. Tags: side, overhead, side.
  const small = box(0, 0, 2, 2), big = box(10, 0, 4, 8);
  const gt = [[small, big], [big], []];
  const preds = [[det(small, 0.9)], [det(big, 0.8), det(box(30, 20, 1, 1), 0.6)], [det(box(20, 10, 4, 8), 0.7)]];
  const tags = [['side'], ['overhead'], ['side', 'distractor', 'distractor:lamp']];
  const input = { predictions: preds, groundTruth: gt, tags };

  it('by size: boxes and unmatched detections outside the bucket are ignored', () => {
    const rows = breakdown('size', input);
    expect(rows.map((r) => r.group)).toEqual(['4-16 px²', '16-64 px²']); // buckets without boxes are left out
    const [s, b] = rows.map((r) => r.metrics.f1Iou);
    // 4-16: TP small, no FP (the 1x1 and 4x8 false positives are outside the bucket)
    expect([s.truePositives, s.falsePositives, s.falseNegatives]).toEqual([1, 0, 0]);
    // 16-64: TP big (frame 1), FN big (frame 0), FP the 4x8 in frame 2
    expect([b.truePositives, b.falsePositives, b.falseNegatives]).toEqual([1, 1, 1]);
  });

  it('by count, mount and tag: the frames of each group on their own', () => {
    const byCount = breakdown('count', input);
    expect(byCount.map((r) => [r.group, r.frames])).toEqual([['0 people', 1], ['1 person', 1], ['2 people', 1]]);
    expect(byCount[0].metrics.fpPerEmptyFrame).toBe(1);
    expect(byCount[2].metrics.f1Iou.recall).toBe(0.5);
    const byMount = breakdown('mount', input);
    expect(byMount.map((r) => [r.group, r.frames, r.metrics.groundTruthBoxes])).toEqual([['overhead', 1, 1], ['side', 2, 2]]);
    const byTag = breakdown('tag', input);
    expect(byTag.find((r) => r.group === 'distractor:lamp')?.metrics.fpPerEmptyDistractorFrame).toBe(1);
  });

  it('by visibility uses the stored visible fraction (absent = fully visible)', () => {
    const hidden = box(0, 0, 4, 8, { visibleFraction: 0.2 });
    const rows = breakdown('visibility', { predictions: [[]], groundTruth: [[hidden, big]], tags: [] });
    expect(rows.map((r) => [r.group, r.metrics.groundTruthBoxes, r.metrics.f1Iou.recall])).toEqual([['visible <30 %', 1, 0], ['visible >=80 %', 1, 0]]);
  });

  it('worst frames first: most misses + false positives', () => {
    const order = worstFirst(frameErrors(preds, gt)).map((e) => [e.frame, e.falseNegatives, e.falsePositives]);
    expect(order).toEqual([[0, 1, 0], [1, 0, 1], [2, 0, 1]]);
  });
});

describe('error kinds', () => {
  it('sorts misses into low score / mislocalised / not found and false positives into duplicate / localisation / background', async () => {
    const { errorKinds } = await import('../../../src/nn/eval/error-kinds.js');
    const a = box(0, 0, 4, 8), b = box(10, 0, 4, 8), c = box(20, 0, 4, 8), d = box(0, 12, 4, 8);
    const preds = [[
      det(a, 0.9), det(a, 0.8), // a found; the second is a duplicate
      det(b, 0.3), // b: a matching detection below the threshold -> low score
      det(box(22, 0, 4, 8), 0.7), // c: kept detection with IoU 2x8 / 6x8... = 16/48 = 0.33 -> mislocalised miss + localisation FP
      det(box(28, 16, 3, 3), 0.6), // nowhere near a box -> background FP; d: nothing -> not found
    ]];
    expect(errorKinds(preds, [[a, b, c, d]])).toEqual({
      misses: { lowScore: 1, mislocalised: 1, notFound: 1 },
      falsePositives: { duplicate: 1, localisation: 1, background: 1 },
    });
  });
});

describe('generator annotations: visibility and difficult', () => {
  it('every box carries a visible area inside its box (>= the 1 px² labelling floor), a fraction in (0, 1], and the rule\'s flag; they survive save/load', async () => {
    const { generateFrame, resolveGeneratorConfig } = await import('../../../src/nn/data/generate.js');
    const { saveDataset } = await import('../../../src/nn/data/dataset-format.js');
    const { loadDataset } = await import('../../../src/nn/data/dataset-load.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const config = resolveGeneratorConfig({ sensor: 'mlx90640-wide', scene: { mount: 'side' } });
    const frames = Array.from({ length: 40 }, (_, i) => generateFrame(config, 4242, i));
    const boxes = frames.flatMap((f) => f.boxes);
    for (const b of boxes) {
      expect(b.visibleArea!).toBeGreaterThanOrEqual(1);
      expect(b.visibleArea!).toBeLessThanOrEqual(b.w * b.h + 1e-9);
      expect(b.visibleFraction!).toBeGreaterThan(0);
      expect(b.visibleFraction!).toBeLessThanOrEqual(1);
      expect(b.difficult === true).toBe(isDifficult(b));
    }
    expect(boxes.some((b) => b.difficult)).toBe(true); // thin far people on the 110° lens
    expect(boxes.some((b) => !b.difficult)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-difficult-'));
    try {
      saveDataset(dir, frames.map((frame) => ({ frame, split: 'test' as const })), { sensor: 'mlx90640-wide', seed: 4242 });
      expect(loadDataset(dir).frames.map((f) => f.boxes)).toEqual(frames.map((f) => f.boxes));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
