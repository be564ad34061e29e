// Adam/AdamW against hand-computed steps, the warm-up + cosine schedule at its landmarks, and
// config validation messages (one line, file and field).
import { describe, expect, it } from 'vitest';
import { Adam } from '../../../src/nn/optim/adam.js';
import { learningRateAt } from '../../../src/nn/optim/schedule.js';
import { parameterTensor } from '../../../src/nn/layers/layer.js';
import { loadDetectorConfig, validateDetectorConfig } from '../../../src/nn/model/config.js';
import { readFileSync } from 'node:fs';

describe('Adam', () => {
  it('first step moves every weight by lr * sign(g) (bias-corrected moments), AdamW decays weights', () => {
    const w = parameterTensor([3]);
    w.data.set([1, -2, 0.5]);
    w.gradBuffer().set([0.3, -4, 0]);
    const adam = new Adam([{ name: 'w', tensor: w, decay: true }], { lr: 0.1, weightDecay: 0.5, decoupled: true });
    adam.update();
    // m_hat = g, v_hat = g^2 -> update = g / (|g| + eps) = sign(g); AdamW: w -= lr * wd * w_old
    expect(w.data[0]).toBeCloseTo(1 - 0.1 - 0.1 * 0.5 * 1, 6);
    expect(w.data[1]).toBeCloseTo(-2 + 0.1 - 0.1 * 0.5 * -2, 6);
    expect(w.data[2]).toBeCloseTo(0.5 - 0.1 * 0.5 * 0.5, 6);
  });

  it('second step follows the moment recursions', () => {
    const w = parameterTensor([1]);
    const adam = new Adam([{ name: 'w', tensor: w, decay: false }], { lr: 1, beta1: 0.5, beta2: 0.75, eps: 0 });
    w.gradBuffer()[0] = 2;
    adam.update(); // w = -1
    w.grad![0] = 1;
    adam.update();
    // m = 0.5*1 + 0.5*1 = 1 (m1 = 1) ; v1 = 0.25*4 = 1, v2 = 0.75*1 + 0.25*1 = 1
    // m_hat = 1 / (1 - 0.25) = 4/3, v_hat = 1 / (1 - 0.5625) = 16/7 -> step = (4/3) / sqrt(16/7)
    expect(w.data[0]).toBeCloseTo(-1 - (4 / 3) / Math.sqrt(16 / 7), 6);
  });

  it('state round-trips for resume', () => {
    const w = parameterTensor([2]);
    const a = new Adam([{ name: 'w', tensor: w, decay: false }], { lr: 0.01 });
    w.gradBuffer().set([1, 2]);
    a.update();
    const b = new Adam([{ name: 'w', tensor: w, decay: false }], { lr: 0.01 });
    b.setState(a.getState());
    expect(b.getState()).toEqual(a.getState());
  });
});

describe('cosine schedule with warm-up', () => {
  const s = { lr: 1, warmupSteps: 10, totalSteps: 110, minFactor: 0.01, warmupStartFactor: 0.1 };
  it('ramps linearly, peaks at the end of warm-up, halves at mid-decay, ends at the floor', () => {
    expect(learningRateAt(s, 0)).toBeCloseTo(0.1, 9);
    expect(learningRateAt(s, 5)).toBeCloseTo(0.55, 9);
    expect(learningRateAt(s, 10)).toBeCloseTo(1, 9);
    expect(learningRateAt(s, 60)).toBeCloseTo(0.01 + 0.5 * 0.99, 9);
    expect(learningRateAt(s, 110)).toBeCloseTo(0.01, 9);
  });
});

describe('detector config validation', () => {
  const good = JSON.parse(readFileSync('models/detector-default.json', 'utf8')) as Record<string, unknown>;
  const bad = (patch: (c: any) => void): string => {
    const c = structuredClone(good);
    patch(c);
    try {
      validateDetectorConfig(c, 'models/x.json');
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('accepts the shipped default', () => {
    expect(loadDetectorConfig('models/detector-default.json').name).toBe('detector-default');
  });

  it('names file and field in one line', () => {
    expect(bad((c) => { c.backbone.stage2.width = 0; })).toBe('models/x.json: backbone.stage2.width: must be a positive integer');
    expect(bad((c) => { c.backbone.stage3.width = 2.5; })).toBe('models/x.json: backbone.stage3.width: must be a positive integer');
    expect(bad((c) => { delete c.head; })).toBe('models/x.json: head: must be an object');
    expect(bad((c) => { c.input.width = 30; })).toBe('models/x.json: input.width: must be a multiple of 8 (three 2x poolings)');
    expect(bad((c) => { c.attention.spatialKernel = 4; })).toBe('models/x.json: attention.spatialKernel: must be odd');
    expect(bad((c) => { c.anchors.p3_out = [[1, 2]]; })).toBe('models/x.json: anchors.p3_out: must list anchors.perLocation = 3 sizes, got 1');
    expect(bad((c) => { c.anchors.p2_out[1] = [4, -1]; })).toBe('models/x.json: anchors.p2_out[1][1]: must be a positive number');
    expect(bad((c) => { c.fpn.widht = 3; })).toMatch(/^models\/x\.json: fpn\.widht: unknown field/);
    expect(bad((c) => { c.activation = 'gelu'; })).toBe('models/x.json: activation: must be one of relu, relu6, leaky');
    for (const m of [bad((c) => { c.classes = []; })]) expect(m.split('\n')).toHaveLength(1);
  });

  it('reports unreadable and non-JSON files with the path', () => {
    expect(() => loadDetectorConfig('models/does-not-exist.json')).toThrow(/^models\/does-not-exist\.json: cannot read \(ENOENT\)$/);
    expect(() => loadDetectorConfig('package-lock.json')).toThrow(/^package-lock\.json: /);
  });
});
