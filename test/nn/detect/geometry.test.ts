import { describe, expect, it } from 'vitest';
import {
  anchorCoverage, buildAnchors, decodeBox, fitAnchorSizes, decodeBoxes, encodeBoxes, iou, iouXywh, matchAnchors, nms, postprocess,
  twoScaleAnchorSpec, IGNORED, NEGATIVE, POSITIVE, type AnchorSpec, type Detection,
} from '../../../src/nn/detect/index.js';

const spec: AnchorSpec = {
  inputWidth: 32,
  inputHeight: 24,
  scales: [
    { name: 'p2_out', featureWidth: 8, featureHeight: 6, sizes: [[3, 3], [5, 6]] },
    { name: 'p3_out', featureWidth: 4, featureHeight: 3, sizes: [[9, 9]] },
  ],
};

describe('anchors', () => {
  const a = buildAnchors(spec);
  it('counts and orders anchors scale by scale, row-major over (y, x, anchor)', () => {
    expect(a.count).toBe(8 * 6 * 2 + 4 * 3);
    expect([...a.scaleStart]).toEqual([0, 96, 108]);
    // p2 cell (y=1, x=2), anchor 1: index (1*8+2)*2+1 = 21, centre ((2+.5)*4, (1+.5)*4)
    expect([a.cx[21], a.cy[21], a.w[21], a.h[21]]).toEqual([10, 6, 5, 6]);
    // p3 cell (y=2, x=3): index 96 + 2*4+3 = 107, centre (3.5*8, 2.5*8)
    expect([a.cx[107], a.cy[107], a.w[107], a.h[107]]).toEqual([28, 20, 9, 9]);
  });
  it('rejects bad specs naming the problem', () => {
    expect(() => buildAnchors({ ...spec, scales: [{ ...spec.scales[0], featureWidth: 0 }] })).toThrow(/featureWidth/);
    expect(() => buildAnchors({ ...spec, scales: [{ ...spec.scales[0], sizes: [[3, -1]] }] })).toThrow(/anchor size/);
  });
  it('two-scale default spec has 3 anchors per location', () => {
    const s = twoScaleAnchorSpec(32, 24, { width: 8, height: 6 }, { width: 4, height: 3 });
    expect(buildAnchors(s).count).toBe((48 + 12) * 3);
  });
});

describe('IoU', () => {
  it('matches hand-computed values (src/nn/data/THERMAL.md §7 shift examples)', () => {
    expect(iou({ x: 0, y: 0, w: 4, h: 4 }, { x: 2, y: 2, w: 4, h: 4 })).toBeCloseTo(4 / 28, 12);
    expect(iou({ x: 0, y: 0, w: 3, h: 8 }, { x: 1, y: 0, w: 3, h: 8 })).toBeCloseTo(0.5, 12);
    expect(iou({ x: 0, y: 0, w: 3, h: 8 }, { x: 1, y: 1, w: 3, h: 8 })).toBeCloseTo(14 / 34, 12);
    expect(iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 })).toBeCloseTo(1 / 3, 12);
    expect(iouXywh(0, 0, 2, 2, 2, 0, 2, 2)).toBe(0); // touching edges
    expect(iouXywh(0, 0, 5, 5, 0, 0, 5, 5)).toBe(1);
  });
});

describe('box codec', () => {
  const a = buildAnchors(spec);
  it('decodes hand-computed offsets', () => {
    const b = decodeBox(a, 21, [1, -2, Math.log(2) / 0.2, 0], 0);
    expect(b.x).toBeCloseTo(10 + 0.5 - 5, 10);
    expect(b.y).toBeCloseTo(6 - 1.2 - 3, 10);
    expect(b.w).toBeCloseTo(10, 10);
    expect(b.h).toBeCloseTo(6, 10);
  });
  it('encodes a hand-computed box', () => {
    const t = encodeBoxes(a, [21], [{ x: 5.5, y: 1.8, w: 10, h: 6 }]);
    expect(t[0]).toBeCloseTo(1, 5);
    expect(t[1]).toBeCloseTo(-2, 5);
    expect(t[2]).toBeCloseTo(Math.log(2) / 0.2, 5);
    expect(t[3]).toBeCloseTo(0, 5);
  });
  it('decode(encode(box)) returns the box for every anchor', () => {
    const box = { x: 3.25, y: 7.5, w: 4.5, h: 11 };
    const idx = Array.from({ length: a.count }, (_, i) => i);
    const t = encodeBoxes(a, idx, idx.map(() => box));
    const out = decodeBoxes(a, t);
    for (const b of out) {
      expect(b.x).toBeCloseTo(box.x, 4);
      expect(b.y).toBeCloseTo(box.y, 4);
      expect(b.w).toBeCloseTo(box.w, 4);
      expect(b.h).toBeCloseTo(box.h, 4);
    }
  });
  it('refuses to encode an empty box and clamps huge size offsets', () => {
    expect(() => encodeBoxes(a, [0], [{ x: 1, y: 1, w: 0, h: 2 }])).toThrow(/non-positive size/);
    expect(Number.isFinite(decodeBox(a, 0, [0, 0, 1e6, 1e6], 0).w)).toBe(true);
  });
});

describe('matching', () => {
  const a = buildAnchors(spec);
  it('labels by IoU thresholds: positive, ignored, negative', () => {
    // Box equal to anchor 21 (x 7.5..12.5, y 3..9).
    const m = matchAnchors(a, [{ x: 7.5, y: 3, w: 5, h: 6, cls: 0 }], { positiveIou: 0.5, negativeIou: 0.4 });
    expect(m.labels[21]).toBe(POSITIVE);
    expect(m.matchedBox[21]).toBe(0);
    for (let k = 0; k < a.count; k++) {
      const v = iouXywh(a.cx[k] - a.w[k] / 2, a.cy[k] - a.h[k] / 2, a.w[k], a.h[k], 7.5, 3, 5, 6);
      expect(m.bestIou[k]).toBeCloseTo(v, 6);
      const want = k === 21 || v >= 0.5 ? POSITIVE : v >= 0.4 ? IGNORED : NEGATIVE;
      expect(m.labels[k]).toBe(want);
    }
  });
  it('forces a positive for a box no anchor reaches the negative IoU with', () => {
    const m = matchAnchors(a, [{ x: 9.6, y: 5.6, w: 0.8, h: 0.8, cls: 0 }]);
    expect(m.positives).toBe(1);
    const k = m.labels.indexOf(POSITIVE);
    expect(k).toBe(20); // the 3x3 anchor centred at (10, 6): IoU 0.64/9
  });
  it('gives two boxes with the same best anchor two different anchors', () => {
    const boxes = [
      { x: 9.5, y: 5.5, w: 1, h: 1, cls: 0 },
      { x: 9.4, y: 5.4, w: 1.2, h: 1.2, cls: 0 },
    ];
    const m = matchAnchors(a, boxes);
    expect(m.positives).toBe(2);
    const matched = new Set<number>();
    for (let k = 0; k < a.count; k++) if (m.labels[k] === POSITIVE) matched.add(m.matchedBox[k]);
    expect([...matched].sort()).toEqual([0, 1]);
  });
  it('without boxes every anchor is negative', () => {
    expect(matchAnchors(a, []).labels.every((l) => l === NEGATIVE)).toBe(true);
  });
});

describe('NMS and post-processing', () => {
  it('suppresses within a class only, by score order', () => {
    const d = (x: number, y: number, score: number, cls = 0): Detection => ({ x, y, w: 10, h: 10, cls, score });
    const dets = [d(1, 1, 0.8), d(20, 0, 0.7), d(0, 0, 0.9), d(0, 0, 0.6, 1)];
    const kept = nms(dets, 0.45); // IoU((0,0),(1,1)) = 81/119 = 0.68
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7, 0.6]);
    expect(nms(dets, 0.7).length).toBe(4);
    expect(nms(dets, 0.45, Infinity, true).length).toBe(2);
    expect(nms(dets, 0.45, 1).length).toBe(1);
  });
  it('decodes, thresholds, NMSes and clips per image', () => {
    const a = buildAnchors(spec);
    const C = 1, stride = 5;
    const head = new Float32Array(2 * a.count * stride);
    for (let k = 0; k < 2 * a.count; k++) head[k * stride + 4] = -10;
    // image 0: anchor 21 (5x6 at (10,6)) logit 2; anchor 20 (3x3 at same centre) decodes to the same
    // 5x6 box with logit 1 -> suppressed.
    head[21 * stride + 4] = 2;
    head[20 * stride + 2] = Math.log(5 / 3) / 0.2;
    head[20 * stride + 3] = Math.log(6 / 3) / 0.2;
    head[20 * stride + 4] = 1;
    // image 1: anchor 0 (3x3 at (2,2)) shifted left by 1 anchor width: x -2.5 .. 0.5 -> clipped to 0..0.5
    const base = (a.count + 0) * stride;
    head[base] = -1 / 0.1;
    head[base + 4] = 0;
    const out = postprocess(head, a, { numClasses: C, scoreThreshold: 0.5 });
    expect(out.length).toBe(2);
    expect(out[0].length).toBe(1);
    const d0 = out[0][0];
    expect([d0.x, d0.y, d0.w, d0.h]).toEqual([7.5, 3, 5, 6]);
    expect(d0.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(out[1].length).toBe(1);
    expect(out[1][0].x).toBe(0);
    expect(out[1][0].w).toBeCloseTo(0.5, 5);
    expect(out[1][0].score).toBeCloseTo(0.5, 6);
    expect(() => postprocess(new Float32Array(7), a)).toThrow(/not a multiple/);
  });
});

describe('anchor fitting and coverage', () => {
  it('k-means recovers three well-separated shape clusters', () => {
    const shapes: Array<[number, number]> = [];
    for (const [w, h] of [[2, 8], [6, 6], [10, 20]]) {
      for (const d of [-0.2, 0, 0.2]) shapes.push([w + d, h - d], [w - d, h + d]);
    }
    expect(fitAnchorSizes(shapes, 3)).toEqual([[2, 8], [6, 6], [10, 20]]);
    expect(() => fitAnchorSizes(shapes.slice(0, 2), 3)).toThrow(/cannot make 3 clusters/);
  });
  it('coverage counts natural matches and positives per box', () => {
    const a = buildAnchors(spec);
    // Box equal to anchor 21 (IoU 1); box (9.6, 5.6, 0.8, 0.8) only reaches IoU 0.071 -> forced.
    const c = anchorCoverage(a, [[{ x: 7.5, y: 3, w: 5, h: 6, cls: 0 }], [{ x: 9.6, y: 5.6, w: 0.8, h: 0.8, cls: 0 }]], { positiveIou: 0.5, negativeIou: 0.4 });
    expect(c.boxes).toBe(2);
    expect(c.naturalMatchRate).toBe(0.5);
    expect(c.meanBestIou).toBeCloseTo((1 + 0.64 / 9) / 2, 6);
  });
});
