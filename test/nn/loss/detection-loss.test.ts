import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/nn/data/types.js';
import { buildAnchors, matchAnchors, POSITIVE, NEGATIVE, type AnchorSpec } from '../../../src/nn/detect/index.js';
import {
  ablationVariants, buildTargets, confidenceLoss, detectionLoss, focalLoss, makeLossConfig, topKMask, defaultLossConfig, type LossConfig,
} from '../../../src/nn/loss/index.js';
import { lcg, numericGradient, worstError } from './helpers.js';

const spec: AnchorSpec = {
  inputWidth: 16,
  inputHeight: 12,
  scales: [
    { name: 'p2_out', featureWidth: 4, featureHeight: 3, sizes: [[3, 3], [3, 6]] },
    { name: 'p3_out', featureWidth: 2, featureHeight: 2, sizes: [[6, 6]] },
  ],
};
const anchors = buildAnchors(spec); // 28 anchors
const targets: Box[][] = [
  [{ x: 1, y: 1, w: 3, h: 5, cls: 0 }, { x: 2.5, y: 1.5, w: 3, h: 5, cls: 0, overlapping: true }],
  [],
  [{ x: 8.2, y: 5.1, w: 5.5, h: 6, cls: 0 }, { x: 4.4, y: 0.6, w: 2.6, h: 3.2, cls: 0 }],
];

function head(seed: number, C = 1): Float64Array {
  const r = lcg(seed);
  return Float64Array.from({ length: targets.length * anchors.count * (4 + C) }, () => (r() - 0.5) * 4);
}

/**
 * Compares the analytic gradient with central differences. `full` checks every entry; otherwise every
 * class logit, every box offset with a non-zero gradient (the positives) and every 5th other entry.
 */
function checkGradient(cfg: LossConfig, seed: number, boxes = targets, full = false): void {
  const x = head(seed, cfg.numClasses);
  const res = detectionLoss(x, boxes, anchors, cfg);
  expect(res.counts.positives).toBeGreaterThan(0);
  const stride = 4 + cfg.numClasses;
  const idx: number[] = [];
  // With iouScore the confidence target of a positive is its predicted box's IoU, detached (a target,
  // as IoU-aware detectors treat it): the loss moves with the box offsets through that target, the
  // analytic gradient does not, so finite differences are compared on the class/confidence logits only.
  // Likewise the quality focal class target (--quality-focal).
  const logitsOnly = cfg.iouScore || cfg.qualityFocal;
  for (let i = 0; i < x.length; i++) {
    if (logitsOnly ? i % stride >= 4 : full || i % stride >= 4 || res.grad[i] !== 0 || i % 5 === 0) idx.push(i);
  }
  const fd = numericGradient((v) => detectionLoss(v, boxes, anchors, cfg).total, x, 1e-5, idx);
  const picked = (a: ArrayLike<number>) => idx.map((i) => a[i]);
  expect(worstError(picked(res.grad), picked(fd), 1e-6, 1e-4)).toBeLessThan(1);
  // The analytic gradient is not trivially zero.
  expect(Math.max(...res.grad.map(Math.abs))).toBeGreaterThan(1e-3);
}

describe('detection loss gradient (finite differences, float64)', () => {
  const variants = ablationVariants();
  for (const v of variants) {
    it(`variant '${v.name}'`, () => checkGradient(v.config, 100 + variants.indexOf(v), targets, v.name === 'all' || v.name === 'geometric'));
  }
  it('geometric variant with the confidence term and both F-beta factors', () => {
    checkGradient(makeLossConfig({ variant: 'geometric', conf: true, a: 2, b: 0.5 }), 7);
  });
  it('the box offsets with plain confidence and class targets (--no-iou-score --no-quality-focal)', () => {
    checkGradient(makeLossConfig({ iouScore: false, qualityFocal: false }), 11, targets, true);
  });
  it('two classes', () => {
    const two = targets.map((f) => f.map((b, i) => ({ ...b, cls: i % 2 })));
    checkGradient(makeLossConfig({ numClasses: 2 }), 8, two);
    checkGradient(makeLossConfig({ numClasses: 2, variant: 'geometric' }), 9, two);
  });
  it('non-default weights and hyper-parameters', () => {
    checkGradient(makeLossConfig({ wCls: 2.5, wBox: 0.3, alpha: 0.4, gamma: 1.5, delta: 0.2, beta: 3, hardPosRatio: 1, negPosRatio: 2 }), 10);
  });
});

describe('detection loss composition', () => {
  it('final = w_cls sqrt(L_cls L_fbeta + eps) + w_box L_box + L_conf', () => {
    const cfg = makeLossConfig({ wCls: 1.5, wBox: 0.7 });
    const r = detectionLoss(head(3), targets, anchors, cfg);
    const t = r.terms;
    expect(t.clsCombined).toBeCloseTo(Math.sqrt(t.cls * t.fbeta + cfg.eps), 12);
    expect(r.total).toBeCloseTo(1.5 * t.clsCombined + 0.7 * t.box + t.conf, 12);
  });
  it('normalises the class terms by N_pos + N_hardneg + N_hardpos', () => {
    // the paper's 0/1 targets on IoU-matched anchors, as recomputed below
    const cfg = makeLossConfig({ fbeta: false, focal: false, conf: false, wBox: 0, qualityFocal: false, matching: 'iou' });
    const x = head(4);
    const r = detectionLoss(x, targets, anchors, cfg);
    const c = r.counts;
    expect(c.hardNegatives).toBe(Math.ceil(3 * c.positives));
    expect(c.hardPositives).toBe(Math.ceil(0.5 * c.positives));
    expect(c.normaliser).toBe(c.positives + c.hardNegatives + c.hardPositives);
    // Recompute by hand: BCE summed over positives (hard ones twice) and hard negatives.
    let sum = 0;
    targets.forEach((boxes, img) => {
      const m = matchAnchors(anchors, boxes);
      for (let a = 0; a < anchors.count; a++) {
        const k = img * anchors.count + a;
        const logit = x[k * 5 + 4];
        const p = 1 / (1 + Math.exp(-logit));
        if (m.labels[a] === POSITIVE) sum += (1 + r.hardPositiveMask[k]) * -Math.log(p);
        else if (r.hardNegativeMask[k]) sum += -Math.log(1 - p);
      }
    });
    expect(r.total).toBeCloseTo(sum / c.normaliser, 10);
  });
  it('hard negative mining keeps exactly the top-k negatives by confidence loss', () => {
    const cfg = makeLossConfig({ b: 1.3 });
    const x = head(5);
    const r = detectionLoss(x, targets, anchors, cfg);
    const negLoss: { k: number; loss: number }[] = [];
    targets.forEach((boxes, img) => {
      const m = matchAnchors(anchors, boxes);
      for (let a = 0; a < anchors.count; a++) {
        const k = img * anchors.count + a;
        if (m.labels[a] === NEGATIVE) negLoss.push({ k, loss: -1.3 * Math.log(1 - 1 / (1 + Math.exp(-x[k * 5 + 4]))) });
      }
    });
    negLoss.sort((p, q) => q.loss - p.loss);
    const want = negLoss.slice(0, 3 * r.counts.positives).map((e) => e.k).sort((p, q) => p - q);
    const got = [...r.hardNegativeMask].flatMap((v, k) => (v ? [k] : []));
    expect(got).toEqual(want);
    expect(got.length).toBe(3 * r.counts.positives);
  });
  it('hard positive mining keeps the top-k positives by classification loss', () => {
    const cfg = makeLossConfig({ hardPosRatio: 0.5, qualityFocal: false, matching: 'iou' });
    const x = head(6);
    const r = detectionLoss(x, targets, anchors, cfg);
    const pos: { k: number; loss: number }[] = [];
    targets.forEach((boxes, img) => {
      const m = matchAnchors(anchors, boxes);
      for (let a = 0; a < anchors.count; a++) {
        const k = img * anchors.count + a;
        if (m.labels[a] === POSITIVE) pos.push({ k, loss: focalLoss([x[k * 5 + 4]], [1], [1], cfg.alpha, cfg.gamma) });
      }
    });
    pos.sort((p, q) => q.loss - p.loss);
    const want = pos.slice(0, Math.ceil(pos.length / 2)).map((e) => e.k).sort((p, q) => p - q);
    expect([...r.hardPositiveMask].flatMap((v, k) => (v ? [k] : []))).toEqual(want);
  });
  it('without hard negative mining every negative is used', () => {
    const r = detectionLoss(head(12), targets, anchors, makeLossConfig({ hardNegative: false }));
    expect(r.counts.negativesUsed).toBe(r.counts.negatives);
    expect(r.counts.hardNegatives).toBe(0);
  });
  it('a batch of empty frames still mines neg_pos_ratio negatives', () => {
    const r = detectionLoss(head(13).subarray(0, 28 * 5 * 2), [[], []], anchors, defaultLossConfig);
    expect(r.counts.positives).toBe(0);
    expect(r.counts.hardNegatives).toBe(3);
    expect(r.total).toBeGreaterThan(0);
  });
  it('topKMask breaks ties toward the lower index and respects eligibility', () => {
    expect([...topKMask([1, 5, 5, 9, 2], [1, 1, 1, 0, 1], 2)]).toEqual([0, 1, 1, 0, 0]);
    expect([...topKMask([1, 2], [1, 1], 0)]).toEqual([0, 0]);
  });
  it('confidence mining score is the same function as the confidence term', () => {
    const per = new Float64Array(1);
    confidenceLoss([0.3], [0], [1], 1, 2, undefined, per);
    expect(per[0]).toBeCloseTo(-2 * Math.log(1 - 1 / (1 + Math.exp(-0.3))), 12);
  });
});

describe('loss config', () => {
  it('names the bad field', () => {
    expect(() => makeLossConfig({ gamma: -1 })).toThrow(/'gamma'.*>= 0/);
    expect(() => makeLossConfig({ variant: 'mean' })).toThrow(/'variant'/);
    expect(() => makeLossConfig({ focal: 'yes' })).toThrow(/'focal'/);
    expect(() => makeLossConfig({ M: 2.5 })).toThrow(/'M'.*integer/);
    expect(() => makeLossConfig({ hardPosRatio: 0 })).toThrow(/'hardPosRatio'/);
    expect(() => makeLossConfig({ negativeIou: 0.6 })).toThrow(/'negativeIou'/);
    expect(() => makeLossConfig({ gama: 2 })).toThrow(/no field 'gama'/);
  });
  it('rejects targets that do not fit', () => {
    const x = head(1);
    expect(() => detectionLoss(x, targets.slice(0, 2), anchors, defaultLossConfig)).toThrow(/3 images/);
    expect(() => detectionLoss(x, [[{ x: 0, y: 0, w: 0, h: 1, cls: 0 }], [], []], anchors, defaultLossConfig)).toThrow(/box 0 of image 0/);
    expect(() => detectionLoss(x, [[{ x: 0, y: 0, w: 2, h: 1, cls: 1 }], [], []], anchors, defaultLossConfig)).toThrow(/class 1/);
  });
  it('ablation variants switch exactly one component off, plus geometric and baseline', () => {
    const v = ablationVariants();
    expect(v.map((a) => a.name)).toEqual(['all', 'no-focal', 'no-fbeta', 'no-conf', 'no-hard-neg', 'no-hard-pos', 'no-cutmix', 'geometric', 'baseline']);
    const switches = ['focal', 'fbeta', 'conf', 'hardNegative', 'hardPositive', 'cutmix'] as const;
    for (const a of v.slice(1, 7)) {
      const off = switches.filter((s) => !a.config[s]);
      expect(off.length).toBe(1);
    }
    expect(switches.every((s) => v[0].config[s])).toBe(true);
  });
});

describe('quality focal loss and ATSS matching in the detection loss', () => {
  it('gradient matches finite differences with --quality-focal (final and geometric) and --matching atss', () => {
    checkGradient(makeLossConfig({ qualityFocal: true }), 21);
    checkGradient(makeLossConfig({ qualityFocal: true, variant: 'geometric', conf: true }), 22);
    checkGradient(makeLossConfig({ qualityFocal: true, focal: false }), 23);
    checkGradient(makeLossConfig({ matching: 'atss' }), 24);
    checkGradient(makeLossConfig({ matching: 'atss', atssTopK: 3, iouScore: false, qualityFocal: false }), 25, targets, true);
  });
  it('with every positive box placed exactly (IoU 1), the quality focal target is the 0/1 target', () => {
    const cfg = makeLossConfig({ qualityFocal: true });
    const x = head(31);
    const t = buildTargets(anchors, targets, cfg);
    const stride = 4 + cfg.numClasses;
    for (let k = 0; k < t.label.length; k++) {
      if (t.label[k] === POSITIVE) for (let j = 0; j < 4; j++) x[k * stride + j] = t.boxTarget[k * 4 + j];
    }
    const soft = detectionLoss(x, targets, anchors, cfg), hard = detectionLoss(x, targets, anchors, { ...cfg, qualityFocal: false });
    expect(soft.total).toBeCloseTo(hard.total, 9);
    expect(soft.terms.cls).toBeCloseTo(hard.terms.cls, 9);
  });
  it('a badly placed positive aims its class score lower than a well placed one', () => {
    const cfg = makeLossConfig({ qualityFocal: true, hardPositive: false, fbeta: false, conf: false });
    const x = head(32);
    const t = buildTargets(anchors, targets, cfg);
    const stride = 4 + cfg.numClasses;
    for (let k = 0; k < t.label.length; k++) {
      x[k * stride + 4] = 0; // every score 0.5
      if (t.label[k] === POSITIVE) for (let j = 0; j < 4; j++) x[k * stride + j] = t.boxTarget[k * 4 + j];
    }
    const pos = [...t.label.keys()].filter((k) => t.label[k] === POSITIVE);
    x[pos[0] * stride] += 8; // shift one positive's box by 0.8 anchor widths: IoU well under 0.5
    const g = detectionLoss(x, targets, anchors, cfg).grad;
    expect(g[pos[0] * stride + 4]).toBeGreaterThan(0); // score 0.5 is above its target: pushed down
    expect(g[pos[1] * stride + 4]).toBeLessThan(0); // target 1: pushed up
  });
  it('ATSS is chosen by the config and changes the positives', () => {
    const iou = buildTargets(anchors, targets, makeLossConfig({ matching: 'iou' }));
    const atss = buildTargets(anchors, targets, makeLossConfig({ matching: 'atss' }));
    expect(atss.positives).not.toBe(iou.positives);
    expect(() => makeLossConfig({ matching: 'centre' })).toThrow(/'matching'.*'iou' or 'atss'/);
    expect(() => makeLossConfig({ atssTopK: 0 })).toThrow(/atssTopK/);
  });
});
