import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/nn/data/types.js';
import type { Detection } from '../../../src/nn/detect/types.js';
import { averagePrecision, bestF1Threshold, evaluate, formatMetrics, formatMetricsTable, matchFrame } from '../../../src/nn/eval/index.js';

const box = (x: number, y: number, w = 4, h = 8): Box => ({ x, y, w, h, cls: 0 });
const det = (b: { x: number; y: number; w: number; h: number }, score: number, cls = 0): Detection => ({ x: b.x, y: b.y, w: b.w, h: b.h, cls, score });

describe('average precision', () => {
  it('is 1 for a perfect detector', () => {
    const gt = [[box(0, 0), box(10, 0)], [box(20, 10)], []];
    const preds = gt.map((f, i) => f.map((b, j) => det(b, 0.9 - 0.1 * i - 0.01 * j)));
    const m = evaluate(preds, gt);
    expect(m.mAP50).toBe(1);
    expect(m.mAP50to95).toBe(1);
    expect(m.f1Iou.f1).toBe(1);
    expect(m.f1Centre.f1).toBe(1);
    expect(m.countMAE).toBe(0);
  });
  it('matches a hand-computed PR curve (all-point interpolation)', () => {
    // TP FP TP FP TP over 3 boxes: P = 1, 1/2, 2/3, 1/2, 3/5; R = 1/3, 1/3, 2/3, 2/3, 1.
    // AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/5 = 34/45.
    const gt = [[box(0, 0), box(10, 0), box(20, 0)]];
    const preds = [[det(box(0, 0), 0.9), det(box(0, 14), 0.8), det(box(10, 0), 0.7), det(box(27, 14), 0.6), det(box(20, 0), 0.5)]];
    expect(evaluate(preds, gt).mAP50).toBeCloseTo(34 / 45, 12);
    const outcomes = [true, false, true, false, true].map((tp, i) => ({ score: 1 - i / 10, truePositive: tp }));
    expect(averagePrecision(outcomes, 3)).toBeCloseTo(34 / 45, 12);
  });
  it('counts missed boxes in the recall denominator', () => {
    expect(averagePrecision([{ score: 0.9, truePositive: true }], 2)).toBe(0.5);
    expect(Number.isNaN(averagePrecision([], 0))).toBe(true);
  });
  it('AP@[.5:.95] averages over the ten IoU thresholds', () => {
    // 10x10 box shifted 1 px: IoU 90/110 = 0.818, a hit at 0.50 ... 0.80 (7 of 10 thresholds).
    const m = evaluate([[det({ x: 1, y: 0, w: 10, h: 10 }, 0.8)]], [[{ x: 0, y: 0, w: 10, h: 10, cls: 0 }]]);
    expect(m.mAP50).toBe(1);
    expect(m.mAP50to95).toBeCloseTo(0.7, 12);
  });
});

describe('matching and F1', () => {
  it('greedy by score: the best detection takes its best box first', () => {
    const gt = [box(0, 0, 10, 10), box(3, 0, 10, 10)];
    // A (0.9) overlaps both; its best is box 1. B (0.8) only fits box 1 -> false positive.
    const a = det({ x: 2, y: 0, w: 10, h: 10 }, 0.9), b = det({ x: 4, y: 0, w: 10, h: 10 }, 0.8);
    const m = matchFrame([b, a], gt, { kind: 'iou', threshold: 0.5 });
    expect(m.boxMatchedBy).toEqual([-1, 1]);
    expect(m.detectionMatched).toEqual([false, true]);
  });
  it('centre-distance matching accepts the 1 px shift that IoU rejects on a 2x2 box', () => {
    const gt = [[box(5, 5, 2, 2)]];
    const preds = [[det(box(6, 5, 2, 2), 0.9)]]; // IoU 1/3, centre distance 1 px
    const m = evaluate(preds, gt);
    expect(m.f1Iou.f1).toBe(0);
    expect(m.f1Centre.f1).toBe(1);
    expect(evaluate(preds, gt, [], { centreDistancePx: 0.9 }).f1Centre.f1).toBe(0);
  });
  it('F1 at the operating threshold from hand counts', () => {
    const gt = [[box(0, 0), box(10, 0)], [box(0, 0)]];
    const preds = [[det(box(0, 0), 0.9), det(box(20, 10), 0.7), det(box(10, 0), 0.3)], [det(box(0, 0), 0.6)]];
    const m = evaluate(preds, gt, [], { scoreThreshold: 0.5 });
    // kept: 0.9 TP, 0.7 FP, 0.6 TP -> TP 2, FP 1, FN 1: P = R = 2/3.
    expect(m.f1Iou.truePositives).toBe(2);
    expect(m.f1Iou.falsePositives).toBe(1);
    expect(m.f1Iou.falseNegatives).toBe(1);
    expect(m.f1Iou.f1).toBeCloseTo(2 / 3, 12);
  });
  it('does not match across classes', () => {
    const m = evaluate([[det(box(0, 0), 0.9, 1)]], [[box(0, 0)]]);
    expect(m.f1Iou.truePositives).toBe(0);
    expect(m.ap50PerClass[0]).toBe(0);
    expect(Number.isNaN(m.ap50PerClass[1])).toBe(true);
    expect(m.mAP50).toBe(0);
  });
});

describe('counting, overlap recall, false positives on empty scenes', () => {
  const gt: Box[][] = [
    [],
    [box(0, 0)],
    [{ ...box(0, 0), overlapping: true }, { ...box(2, 0), overlapping: true }],
    [box(0, 0), box(10, 0), box(20, 0)],
    [],
    [],
    [],
  ];
  const preds: Detection[][] = [
    [det(box(5, 5), 0.9)],
    [det(box(0, 0), 0.9), det(box(20, 10), 0.2)],
    [det(box(0, 0), 0.8)],
    [det(box(0, 0), 0.9), det(box(10, 0), 0.9), det(box(20, 0), 0.9)],
    [det(box(1, 1), 0.9), det(box(20, 1), 0.55), det(box(10, 1), 0.4)],
    [],
    [det(box(3, 3), 0.9)],
  ];
  const tags = [['empty', 'distractor'], undefined, undefined, undefined, ['distractor:radiator'], ['empty'], ['distractor', 'unlabelled-person']];
  const m = evaluate(preds, gt, tags);
  it('counting MAE and exact-count accuracy', () => {
    // kept counts 1,1,1,3,2,0,1 vs true 0,1,2,3,0,0,0: errors 1,0,1,0,2,0,1.
    expect(m.countMAE).toBeCloseTo(5 / 7, 12);
    expect(m.countExactAccuracy).toBeCloseTo(3 / 7, 12);
    expect(m.countMAEByTrueCount).toEqual([
      { trueCount: '0', frames: 4, mae: 1 },
      { trueCount: '1', frames: 1, mae: 0 },
      { trueCount: '2', frames: 1, mae: 1 },
      { trueCount: '3+', frames: 1, mae: 0 },
    ]);
  });
  it('recall on frames with overlapping people', () => {
    expect(m.overlapFrames).toBe(1);
    expect(m.overlapRecallCentre).toBe(0.5);
    expect(m.overlapRecallIou).toBe(0.5);
  });
  it('false positives per empty frame, all and with distractors', () => {
    // The frame tagged 'unlabelled-person' is not person-free: left out.
    expect(m.emptyFrames).toBe(3);
    expect(m.fpPerEmptyFrame).toBe(1); // (1 + 2 + 0) / 3
    expect(m.emptyDistractorFrames).toBe(2);
    expect(m.fpPerEmptyDistractorFrame).toBe(1.5); // (1 + 2) / 2
  });
  it('formats a metrics table and an ablation table', () => {
    const text = formatMetrics(m);
    expect(text).toMatch(/count MAE \(people\/frame\)\s+0\.714/);
    expect(text).toMatch(/FP per empty frame with distractors \(2\)\s+1\.500/);
    const md = formatMetricsTable([{ name: 'all', metrics: m }, { name: 'no-focal', metrics: evaluate([[]], [[]]) }], 'markdown');
    const lines = md.split('\n');
    expect(lines[0]).toBe('| variant | mAP@0.5 | AP@[.5:.95] | F1 (IoU>=0.5) | F1 (centre) | count MAE | overlap recall (centre) | FP/empty frame (distractors) |');
    expect(lines[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(lines[3]).toMatch(/^\| no-focal \| - \| - \|/);
  });
  it('rejects mismatched inputs', () => {
    expect(() => evaluate([[]], [[], []])).toThrow(/1 prediction lists for 2 frames/);
  });
});

describe('operating point', () => {
  it('picks the threshold with the best F1 from a hand-computed sweep', () => {
    // Scores/outcomes TP .9, FP .8, TP .7, FP .6, TP .5 over 3 boxes:
    // F1 at .9: P 1, R 1/3 -> 0.5; .8: 0.4; .7: P 2/3, R 2/3 -> 0.667; .6: P 1/2 R 2/3 -> 0.571; .5: P 3/5, R 1 -> 0.75.
    const gt = [[box(0, 0), box(10, 0), box(20, 0)]];
    const preds = [[det(box(0, 0), 0.9), det(box(0, 14), 0.8), det(box(10, 0), 0.7), det(box(27, 14), 0.6), det(box(20, 0), 0.5)]];
    const op = bestF1Threshold(preds, gt, { kind: 'iou', threshold: 0.5 });
    expect(op.threshold).toBe(0.5);
    expect(op.f1).toBeCloseTo(0.75, 12);
    // Without the last detection the best is 0.7.
    const op2 = bestF1Threshold([preds[0].slice(0, 4)], gt, { kind: 'iou', threshold: 0.5 });
    expect(op2.threshold).toBe(0.7);
    expect(op2.f1).toBeCloseTo(2 / 3, 12);
    // Its F1 agrees with evaluate() at that threshold.
    expect(evaluate([preds[0].slice(0, 4)], gt, [], { scoreThreshold: 0.7 }).f1Iou.f1).toBeCloseTo(op2.f1, 12);
  });
});
