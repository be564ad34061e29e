/**
 * ATSS matching (src/nn/detect/match.ts, strategy 'atss'): candidates are the topK nearest anchors
 * per scale, positives those at or above mean + std of the candidates' IoUs whose centre lies on the
 * box (within half a stride on an axis thinner than the grid). The oracles are the rule written out
 * over the candidates by hand and the anchor shapes of the shipped config (models/detector-default.json).
 */
import { describe, expect, it } from 'vitest';
import { buildAnchors, matchAnchors, IGNORED, NEGATIVE, POSITIVE, type AnchorSpec } from '../../../src/nn/detect/index.js';
import { iouXywh } from '../../../src/nn/detect/iou.js';
import { twoScaleAnchorSpec } from '../../../src/nn/detect/anchors.js';
import type { Box } from '../../../src/nn/data/types.js';
import { generateFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';

// One scale, one 4x4 anchor per cell of a 4x3 grid on a 16x12 input (stride 4).
const spec: AnchorSpec = { inputWidth: 16, inputHeight: 12, scales: [{ name: 'p', featureWidth: 4, featureHeight: 3, sizes: [[4, 4]] }] };
const grid = buildAnchors(spec);
const atss = (boxes: Box[], topK = 4) => matchAnchors(grid, boxes, { positiveIou: 0.4, negativeIou: 0.3, strategy: 'atss', topK });
const iouOf = (a: number, b: Box) => iouXywh(grid.cx[a] - grid.w[a] / 2, grid.cy[a] - grid.h[a] / 2, grid.w[a], grid.h[a], b.x, b.y, b.w, b.h);

// The shipped anchors (models/detector-default.json) on the 32x24 input: p2_out 8x6, p3_out 4x3.
const shipped = buildAnchors(twoScaleAnchorSpec(32, 24, { width: 8, height: 6 }, { width: 4, height: 3 },
  [[[1.5, 6], [6, 5], [3.5, 11]], [[9.5, 9.5], [6, 17], [12.5, 20]]]));
const count = (labels: Int8Array, v: number) => labels.filter((l) => l === v).length;

describe('ATSS matching', () => {
  it('keeps the candidates at or above mean + std of their IoUs, as the rule computes by hand', () => {
    const box: Box = { x: 3, y: 2.5, w: 6, h: 5, cls: 0 }; // centre (6, 5)
    const m = atss([box]);
    // the 4 nearest anchor centres to (6, 5): (6, 6) ties broken by index -> cells (1,1), (2,1), (1,0), (2,0)
    const byDistance = [...Array(grid.count).keys()].sort((p, q) =>
      Math.hypot(grid.cx[p] - 6, grid.cy[p] - 5) - Math.hypot(grid.cx[q] - 6, grid.cy[q] - 5) || p - q);
    const cand = byDistance.slice(0, 4);
    const ious = cand.map((a) => iouOf(a, box));
    const mean = ious.reduce((s, v) => s + v, 0) / 4;
    const std = Math.sqrt(ious.reduce((s, v) => s + (v - mean) ** 2, 0) / 4);
    const want = cand.filter((a, i) => ious[i] >= mean + std - 1e-6 && Math.abs(grid.cx[a] - 6) <= 3 && Math.abs(grid.cy[a] - 5) <= 2.5);
    expect(want.length).toBeGreaterThan(0);
    const got = [...m.labels.keys()].filter((a) => m.labels[a] === POSITIVE);
    expect(got.sort()).toEqual(want.sort());
  });
  it('gives the thin people of the 110° side view more than one positive, each near the box', () => {
    // IoU matching trains most of them through one forced anchor (reports/error-analysis.md, box size)
    const config = resolveGeneratorConfig({ sensor: 'mlx90640-wide', scene: { mount: 'side' } });
    let boxes = 0, multiIou = 0, multiAtss = 0;
    for (let i = 0; i < 40; i++) {
      const frame = generateFrame(config, 5, i);
      const byIou = matchAnchors(shipped, frame.boxes);
      const byAtss = matchAnchors(shipped, frame.boxes, { positiveIou: 0.4, negativeIou: 0.3, strategy: 'atss', topK: 9 });
      frame.boxes.forEach((b, j) => {
        boxes++;
        if (byIou.matchedBox.filter((k) => k === j).length >= 2) multiIou++;
        if (byAtss.matchedBox.filter((k) => k === j).length >= 2) multiAtss++;
      });
      for (let a = 0; a < shipped.count; a++) {
        const j = byAtss.matchedBox[a];
        // a box's only positive may be its forced anchor, which no rule places
        if (j < 0 || byAtss.matchedBox.filter((k) => k === j).length < 2) continue;
        const b = frame.boxes[j]!, stride = a < shipped.scaleStart[1] ? 4 : 8;
        // on the box, or within half a stride of its centre on an axis thinner than the grid
        expect(Math.abs(shipped.cx[a] - (b.x + b.w / 2))).toBeLessThanOrEqual(Math.max(b.w, stride) / 2 + 1e-5);
        expect(Math.abs(shipped.cy[a] - (b.y + b.h / 2))).toBeLessThanOrEqual(Math.max(b.h, stride) / 2 + 1e-5);
      }
    }
    expect(boxes).toBeGreaterThan(40);
    expect(multiAtss / boxes).toBeGreaterThan(multiIou / boxes + 0.3); // measured 0.21 -> 0.75 on 150 frames
  });
  it('gives an anchor claimed by two boxes to the one it overlaps most', () => {
    const a: Box = { x: 4, y: 4, w: 4, h: 4, cls: 0 }; // exactly anchor (1, 1)
    const b: Box = { x: 5, y: 4, w: 4, h: 4, cls: 0 }; // shifted 1 px: IoU 0.6 with it
    const m = atss([a, b]);
    const k = 1 * 4 + 1;
    expect(m.labels[k]).toBe(POSITIVE);
    expect(m.matchedBox[k]).toBe(0);
    // every box keeps at least one positive
    expect(new Set([...m.matchedBox].filter((j) => j >= 0))).toEqual(new Set([0, 1]));
  });
  it('labels non-positives negative or ignored by --neg-iou, and without boxes everything is negative', () => {
    const box: Box = { x: 3, y: 2.5, w: 6, h: 5, cls: 0 };
    const m = atss([box]);
    for (let a = 0; a < grid.count; a++) {
      if (m.labels[a] === POSITIVE) continue;
      expect(m.labels[a]).toBe(iouOf(a, box) >= 0.3 ? IGNORED : NEGATIVE);
    }
    expect(count(atss([]).labels, NEGATIVE)).toBe(grid.count);
  });
  it('at most topK candidates per scale become positive', () => {
    const big: Box = { x: 2, y: 2, w: 12, h: 8, cls: 0 };
    expect(atss([big], 2).positives).toBeLessThanOrEqual(2);
    expect(atss([big], 12).positives).toBeLessThanOrEqual(12);
  });
});
