// Every int8 op against the float model's own op (src/nn/layers/ops.ts) run on the dequantised
// int8 inputs: the only error left is the output's requantisation, so each output must be within
// one output step of the float value, and the mean error near a quarter step (a rounding, not a
// bias: an off-by-one zero point or a wrong multiplier would put every value a step or more off).
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/nn/tensor.js';
import {
  activation, add, channelPool, concatChannels, conv2d, globalPool, maxPool, resizeNearest, scale,
} from '../../../src/nn/layers/ops.js';
import {
  addInt8, channelMeanMaxInt8, concatInt8, conv2dInt8, depthwiseConv2dInt8, globalPoolInt8, lookupInt8, maxPoolInt8,
  mulInt8, resizeNearestInt8, type MapShape,
} from '../../../src/nn/quant/int8-ops.js';
import { quantizeMultiplier } from '../../../src/nn/quant/fixed-point.js';
import { SIGMOID_OUTPUT } from '../../../src/nn/quant/graph.js';
import { sigmoidLut } from '../../../src/nn/quant/quantize.js';
import { xorshift32 } from '../../support/xorshift.js';

interface Q { scale: number; zeroPoint: number }

const rnd = xorshift32(2024);
const uniform = (lo: number, hi: number): number => lo + ((rnd() >>> 8) / 2 ** 24) * (hi - lo);

function paramsFor(lo: number, hi: number): Q {
  lo = Math.min(lo, 0); hi = Math.max(hi, 0);
  const s = (hi - lo) / 255;
  return { scale: s, zeroPoint: Math.round(-128 - lo / s) };
}

/** A random int8 map with random parameters, and its exact dequantised float tensor. */
function randomMap(shape: MapShape, lo = uniform(-3, -0.5), hi = uniform(0.5, 4)): { q: Int8Array; p: Q; f: Tensor } {
  const p = paramsFor(lo, hi);
  const q = new Int8Array(shape.h * shape.w * shape.c);
  for (let i = 0; i < q.length; i++) q[i] = (rnd() % 256) - 128;
  return { q, p, f: new Tensor([1, shape.h, shape.w, shape.c], Float32Array.from(q, (v) => p.scale * (v - p.zeroPoint))) };
}

function dequant(q: Int8Array, p: Q): Float32Array {
  return Float32Array.from(q, (v) => p.scale * (v - p.zeroPoint));
}

function expectWithinOneStep(q: Int8Array, p: Q, ref: Float32Array): void {
  const d = dequant(q, p);
  let sum = 0, worst = 0;
  for (let i = 0; i < d.length; i++) {
    const e = Math.abs(d[i]! - ref[i]!) / p.scale;
    worst = Math.max(worst, e);
    sum += e;
  }
  expect(worst).toBeLessThanOrEqual(1 + 1e-4);
  expect(sum / d.length).toBeLessThan(0.4);
}

function exactRange(ref: Float32Array): Q {
  let lo = Infinity, hi = -Infinity;
  for (const v of ref) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return paramsFor(lo, hi);
}

/** Random conv weights (HWIO float for the float op) quantised per output channel. */
function convCase(kh: number, kw: number, cinPerGroup: number, cout: number, depthwise: boolean, x: { p: Q }) {
  const hwio = new Float32Array(kh * kw * cinPerGroup * cout);
  for (let i = 0; i < hwio.length; i++) hwio[i] = uniform(-1, 1) * (1 + (i % cout));
  const scales = new Float64Array(cout);
  for (let i = 0; i < hwio.length; i++) scales[i % cout] = Math.max(scales[i % cout]!, Math.abs(hwio[i]!) / 127);
  const taps = kh * kw * cinPerGroup;
  const q = new Int8Array(hwio.length);
  const wf = new Float32Array(hwio.length);
  for (let t = 0; t < taps; t++) for (let co = 0; co < cout; co++) {
    const v = Math.round(hwio[t * cout + co]! / scales[co]!);
    q[depthwise ? t * cout + co : co * taps + t] = v;
    wf[t * cout + co] = v * scales[co]!;
  }
  const bias = new Int32Array(cout), bf = new Float32Array(cout);
  for (let co = 0; co < cout; co++) {
    bias[co] = Math.round(uniform(-2, 2) / (x.p.scale * scales[co]!));
    bf[co] = bias[co]! * x.p.scale * scales[co]!;
  }
  return { q, wf, bias, bf, scales };
}

function requantArrays(realScales: ArrayLike<number>): { multiplier: Int32Array; shift: Int32Array } {
  const m = Array.from(realScales, (r) => quantizeMultiplier(r));
  return { multiplier: Int32Array.from(m, (v) => v.multiplier), shift: Int32Array.from(m, (v) => v.shift) };
}

describe('int8 conv ops vs the float conv on dequantised operands', () => {
  const cases = [
    { name: '3x3 conv, 1 input channel (first layer)', h: 24, w: 32, cin: 1, cout: 8, k: 3, depthwise: false, relu: true },
    { name: '3x3 conv', h: 12, w: 16, cin: 8, cout: 16, k: 3, depthwise: false, relu: true },
    { name: '1x1 conv, linear (head output)', h: 6, w: 8, cin: 32, cout: 15, k: 1, depthwise: false, relu: false },
    { name: 'depthwise 3x3', h: 6, w: 8, cin: 24, cout: 24, k: 3, depthwise: true, relu: true },
    { name: 'depthwise 1x1 with bias (head)', h: 3, w: 4, cin: 32, cout: 32, k: 1, depthwise: true, relu: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const x = randomMap({ h: c.h, w: c.w, c: c.cin });
      const conv = convCase(c.k, c.k, c.depthwise ? 1 : c.cin, c.cout, c.depthwise, x);
      const spec = { cout: c.cout, kh: c.k, kw: c.k, pad: 'same' as const, groups: c.depthwise ? c.cin : 1 };
      const y = conv2d(null, x.f, new Tensor([c.k, c.k, c.depthwise ? 1 : c.cin, c.cout], conv.wf), new Tensor([c.cout], conv.bf), spec);
      const ref = c.relu ? activation(null, y, 'relu').data : y.data;
      const out = exactRange(ref);
      const pad = (c.k - 1) >> 1;
      const int8 = (c.depthwise ? depthwiseConv2dInt8 : conv2dInt8)(x.q, { h: c.h, w: c.w, c: c.cin }, {
        kh: c.k, kw: c.k, stride: 1, padH: pad, padW: pad, cout: c.cout, weights: conv.q, bias: conv.bias,
        ...requantArrays(Array.from(conv.scales, (s) => (x.p.scale * s) / out.scale)),
        inputZeroPoint: x.p.zeroPoint, outputZeroPoint: out.zeroPoint, actMin: c.relu ? out.zeroPoint : -128, actMax: 127,
      });
      expect(int8.shape).toEqual({ h: c.h, w: c.w, c: c.cout });
      expectWithinOneStep(int8.data, out, ref);
    });
  }

  it('pads with the input zero point: a constant map at z gives the bias alone everywhere', () => {
    const p = { scale: 0.1, zeroPoint: 17 };
    const x = new Int8Array(5 * 5 * 2).fill(p.zeroPoint);
    const weights = new Int8Array(3 * 3 * 3 * 2).fill(100);
    const res = conv2dInt8(x, { h: 5, w: 5, c: 2 }, {
      kh: 3, kw: 3, stride: 1, padH: 1, padW: 1, cout: 3, weights, bias: Int32Array.from([10, -10, 0]),
      multiplier: Int32Array.from([1 << 30, 1 << 30, 1 << 30]), shift: Int32Array.from([0, 0, 0]),
      inputZeroPoint: p.zeroPoint, outputZeroPoint: 3, actMin: -128, actMax: 127,
    });
    for (let i = 0; i < res.data.length; i += 3) expect([res.data[i], res.data[i + 1], res.data[i + 2]]).toEqual([8, -2, 3]);
  });
});

describe('int8 pooling, attention and layout ops', () => {
  const s: MapShape = { h: 12, w: 16, c: 8 };

  it('max pool 2x2/2 and 3x3/1 pad 1 equal the float max (padding never wins)', () => {
    const x = randomMap(s, -3, -1); // all negative: a padded zero would win if padding took part
    for (const [k, stride, pad] of [[2, 2, 0], [3, 1, 1]] as const) {
      const q = maxPoolInt8(x.q, s, k, stride, pad);
      expect(dequant(q.data, x.p)).toEqual(maxPool(null, x.f, { k, stride, pad }).data);
    }
  });

  it('global avg and max pool: max exact, mean within half a step', () => {
    const x = randomMap(s);
    expect(dequant(globalPoolInt8(x.q, s, 'max').data, x.p)).toEqual(globalPool(null, x.f, 'max').data);
    const avg = dequant(globalPoolInt8(x.q, s, 'avg').data, x.p), ref = globalPool(null, x.f, 'avg').data;
    avg.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(x.p.scale * 0.5 + 1e-6));
  });

  it('channel mean/max (spatial attention input): max exact, mean within half a step', () => {
    const x = randomMap(s);
    const q = dequant(channelMeanMaxInt8(x.q, s).data, x.p);
    const ref = concatChannels(null, [channelPool(null, x.f, 'avg'), channelPool(null, x.f, 'max')]).data;
    for (let p = 0; p < s.h * s.w; p++) {
      expect(Math.abs(q[2 * p]! - ref[2 * p]!)).toBeLessThanOrEqual(x.p.scale * 0.5 + 1e-6);
      expect(q[2 * p + 1]).toBe(ref[2 * p + 1]);
    }
  });

  it('sigmoid table: within half an output step (1/255) of the float sigmoid at every int8 input', () => {
    const p = { scale: 0.07, zeroPoint: 9 };
    const all = Int8Array.from({ length: 256 }, (_, i) => i - 128);
    const q = lookupInt8(all, sigmoidLut(p));
    const ref = activation(null, new Tensor([256], dequant(all, p)), 'sigmoid').data;
    expect(q[0]).toBe(-128 + Math.round(255 * ref[0]!));
    dequant(q, SIGMOID_OUTPUT).forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-7));
  });

  for (const broadcast of ['channel', 'pixel'] as const) {
    it(`mul by a sigmoid gate per ${broadcast}`, () => {
      const x = randomMap(s);
      const gShape = broadcast === 'channel' ? { h: 1, w: 1, c: s.c } : { h: s.h, w: s.w, c: 1 };
      const gq = Int8Array.from({ length: gShape.h * gShape.w * gShape.c }, () => (rnd() % 256) - 128);
      const g = new Tensor([1, gShape.h, gShape.w, gShape.c], dequant(gq, SIGMOID_OUTPUT));
      const ref = scale(null, x.f, g).data;
      const out = exactRange(ref);
      const m = quantizeMultiplier((x.p.scale * SIGMOID_OUTPUT.scale) / out.scale);
      const q = mulInt8(x.q, s, gq, {
        broadcast, xZeroPoint: x.p.zeroPoint, gateZeroPoint: SIGMOID_OUTPUT.zeroPoint, outputZeroPoint: out.zeroPoint,
        multiplier: m.multiplier, shift: m.shift, actMin: -128, actMax: 127,
      });
      expectWithinOneStep(q, out, ref);
    });
  }

  it('add (TFLite int8 ADD) of two maps with different scales', () => {
    const shape = { h: 1, w: 1, c: 64 };
    const a = randomMap(shape, -2, 3), b = randomMap(shape, -7, 1);
    const ref = add(null, a.f, b.f).data;
    const out = exactRange(ref);
    const twiceMax = 2 * Math.max(a.p.scale, b.p.scale);
    const m1 = quantizeMultiplier(a.p.scale / twiceMax), m2 = quantizeMultiplier(b.p.scale / twiceMax);
    const mo = quantizeMultiplier(twiceMax / (2 ** 20 * out.scale));
    const q = addInt8(a.q, b.q, {
      aZeroPoint: a.p.zeroPoint, bZeroPoint: b.p.zeroPoint, outputZeroPoint: out.zeroPoint, leftShift: 20,
      input1Multiplier: m1.multiplier, input1Shift: m1.shift, input2Multiplier: m2.multiplier, input2Shift: m2.shift,
      outputMultiplier: mo.multiplier, outputShift: mo.shift, actMin: -128, actMax: 127,
    });
    expectWithinOneStep(q, out, ref);
  });

  it('concat and nearest resize are exact copies', () => {
    const a = randomMap({ h: 6, w: 8, c: 3 }), b = randomMap({ h: 6, w: 8, c: 5 });
    const cat = concatInt8([{ data: a.q, shape: { h: 6, w: 8, c: 3 } }, { data: b.q, shape: { h: 6, w: 8, c: 5 } }]);
    const ref = concatChannels(null, [new Tensor([1, 6, 8, 3], Float32Array.from(a.q)), new Tensor([1, 6, 8, 5], Float32Array.from(b.q))]);
    expect(Array.from(cat.data)).toEqual(Array.from(ref.data));
    for (const [oh, ow] of [[12, 16], [3, 4]]) {
      const up = resizeNearestInt8(cat.data, cat.shape, oh, ow);
      expect(Array.from(up)).toEqual(Array.from(resizeNearest(null, new Tensor([1, 6, 8, 8], Float32Array.from(cat.data)), oh, ow).data));
    }
  });
});
