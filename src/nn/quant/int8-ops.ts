/**
 * The int8 ops of the detector as pure functions on NHWC Int8Array maps (batch 1): the host
 * reference of the Cortex-M4 kernels, which must produce the same bytes. Each function's
 * arithmetic is the one documented in firmware/nn/README.md, section "int8 arithmetic".
 * Accumulators are int32 in C; the sums here are exact integers in doubles and stay far inside
 * int32 for the detector's shapes (|acc| <= 255 * 127 * kh * kw * cin + |bias|).
 */
import { clampInt8, requantize, roundHalfAwayDiv } from './fixed-point.js';
import type { AddRescale } from './graph.js';

export interface MapShape {
  h: number;
  w: number;
  c: number;
}

export function convOutputSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

export interface ConvInt8Params {
  kh: number;
  kw: number;
  stride: number;
  padH: number;
  padW: number;
  cout: number;
  /** OHWI [cout][kh][kw][cin] (conv) or [kh][kw][c] (depthwise). */
  weights: Int8Array;
  bias: Int32Array;
  multiplier: Int32Array;
  shift: Int32Array;
  inputZeroPoint: number;
  outputZeroPoint: number;
  actMin: number;
  actMax: number;
}

/**
 * Dense conv: acc[c] = bias[c] + sum over the window and cin of (x - zIn) * w (padded positions
 * contribute 0); out = clamp(zOut + requantize(acc, mult[c], shift[c]), actMin, actMax).
 */
export function conv2dInt8(x: Int8Array, s: MapShape, p: ConvInt8Params): { data: Int8Array; shape: MapShape } {
  const oh = convOutputSize(s.h, p.kh, p.stride, p.padH), ow = convOutputSize(s.w, p.kw, p.stride, p.padW);
  const { cout, kh, kw } = p, cin = s.c;
  const out = new Int8Array(oh * ow * cout);
  const zIn = p.inputZeroPoint;
  for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = (oy * ow + ox) * cout;
    for (let co = 0; co < cout; co++) {
      let acc = p.bias[co]!;
      const wBase = co * kh * kw * cin;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * p.stride - p.padH + ky;
        if (iy < 0 || iy >= s.h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * p.stride - p.padW + kx;
          if (ix < 0 || ix >= s.w) continue;
          const xi = (iy * s.w + ix) * cin, wi = wBase + (ky * kw + kx) * cin;
          for (let ci = 0; ci < cin; ci++) acc += (x[xi + ci]! - zIn) * p.weights[wi + ci]!;
        }
      }
      out[o + co] = clampInt8(p.outputZeroPoint + requantize(acc, p.multiplier[co]!, p.shift[co]!), p.actMin, p.actMax);
    }
  }
  return { data: out, shape: { h: oh, w: ow, c: cout } };
}

/** Depthwise conv (depth multiplier 1): as conv2dInt8 with one input channel per output channel. */
export function depthwiseConv2dInt8(x: Int8Array, s: MapShape, p: ConvInt8Params): { data: Int8Array; shape: MapShape } {
  const oh = convOutputSize(s.h, p.kh, p.stride, p.padH), ow = convOutputSize(s.w, p.kw, p.stride, p.padW);
  const c = s.c, { kh, kw } = p;
  if (p.cout !== c) throw new Error(`depthwise: ${c} input channels but ${p.cout} outputs (depth multiplier must be 1)`);
  const out = new Int8Array(oh * ow * c);
  const zIn = p.inputZeroPoint;
  for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = (oy * ow + ox) * c;
    for (let ch = 0; ch < c; ch++) {
      let acc = p.bias[ch]!;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * p.stride - p.padH + ky;
        if (iy < 0 || iy >= s.h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * p.stride - p.padW + kx;
          if (ix < 0 || ix >= s.w) continue;
          acc += (x[(iy * s.w + ix) * c + ch]! - zIn) * p.weights[(ky * kw + kx) * c + ch]!;
        }
      }
      out[o + ch] = clampInt8(p.outputZeroPoint + requantize(acc, p.multiplier[ch]!, p.shift[ch]!), p.actMin, p.actMax);
    }
  }
  return { data: out, shape: { h: oh, w: ow, c } };
}

/** Windowed max over the positions inside the map (padding never wins); scale and zero point unchanged. */
export function maxPoolInt8(x: Int8Array, s: MapShape, k: number, stride: number, pad: number): { data: Int8Array; shape: MapShape } {
  const oh = convOutputSize(s.h, k, stride, pad), ow = convOutputSize(s.w, k, stride, pad), c = s.c;
  const out = new Int8Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = (oy * ow + ox) * c;
    out.fill(-128, o, o + c);
    for (let ky = 0; ky < k; ky++) {
      const iy = oy * stride - pad + ky;
      if (iy < 0 || iy >= s.h) continue;
      for (let kx = 0; kx < k; kx++) {
        const ix = ox * stride - pad + kx;
        if (ix < 0 || ix >= s.w) continue;
        const xi = (iy * s.w + ix) * c;
        for (let ch = 0; ch < c; ch++) if (x[xi + ch]! > out[o + ch]!) out[o + ch] = x[xi + ch]!;
      }
    }
  }
  return { data: out, shape: { h: oh, w: ow, c } };
}

/** [h,w,c] -> [1,1,c]: avg = roundHalfAwayDiv(sum of q, h*w), max = max q; parameters unchanged. */
export function globalPoolInt8(x: Int8Array, s: MapShape, kind: 'avg' | 'max'): { data: Int8Array; shape: MapShape } {
  const c = s.c, pixels = s.h * s.w;
  const out = new Int8Array(c);
  for (let ch = 0; ch < c; ch++) {
    let acc = kind === 'avg' ? 0 : -128;
    for (let p = 0; p < pixels; p++) {
      const v = x[p * c + ch]!;
      if (kind === 'avg') acc += v;
      else if (v > acc) acc = v;
    }
    out[ch] = kind === 'avg' ? roundHalfAwayDiv(acc, pixels) : acc;
  }
  return { data: out, shape: { h: 1, w: 1, c } };
}

/** [h,w,c] -> [h,w,2]: channel 0 = roundHalfAwayDiv(sum over c, c), channel 1 = max over c; parameters unchanged. */
export function channelMeanMaxInt8(x: Int8Array, s: MapShape): { data: Int8Array; shape: MapShape } {
  const pixels = s.h * s.w, c = s.c;
  const out = new Int8Array(pixels * 2);
  for (let p = 0; p < pixels; p++) {
    let sum = 0, max = -128;
    for (let ch = 0; ch < c; ch++) {
      const v = x[p * c + ch]!;
      sum += v;
      if (v > max) max = v;
    }
    out[2 * p] = roundHalfAwayDiv(sum, c);
    out[2 * p + 1] = max;
  }
  return { data: out, shape: { h: s.h, w: s.w, c: 2 } };
}

/** out = lut[q + 128] (a 256-entry table; sigmoid tables come from quantize.ts's sigmoidLut). */
export function lookupInt8(x: Int8Array, lut: Int8Array): Int8Array {
  const out = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = lut[x[i]! + 128]!;
  return out;
}

export interface MulInt8Params {
  broadcast: 'channel' | 'pixel';
  xZeroPoint: number;
  gateZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
  actMin: number;
  actMax: number;
}

/**
 * out = clamp(zOut + requantize((x - zX) * (g - zG), multiplier, shift)), g [1,1,c] per channel or
 * [h,w,1] per pixel (TFLite MUL's integer path with a broadcast gate).
 */
export function mulInt8(x: Int8Array, s: MapShape, gate: Int8Array, p: MulInt8Params): Int8Array {
  const pixels = s.h * s.w, c = s.c;
  const out = new Int8Array(x.length);
  for (let px = 0; px < pixels; px++) for (let ch = 0; ch < c; ch++) {
    const i = px * c + ch;
    const g = gate[p.broadcast === 'channel' ? ch : px]! - p.gateZeroPoint;
    out[i] = clampInt8(p.outputZeroPoint + requantize((x[i]! - p.xZeroPoint) * g, p.multiplier, p.shift), p.actMin, p.actMax);
  }
  return out;
}

export interface AddInt8Params extends AddRescale {
  aZeroPoint: number;
  bZeroPoint: number;
  outputZeroPoint: number;
}

/** TFLite/CMSIS-NN int8 ADD (arm_elementwise_add_s8) on two equal-shaped maps. */
export function addInt8(a: Int8Array, b: Int8Array, p: AddInt8Params): Int8Array {
  if (a.length !== b.length) throw new Error(`add: ${a.length} and ${b.length} elements differ`);
  const out = new Int8Array(a.length);
  const scale = 1 << p.leftShift;
  for (let i = 0; i < a.length; i++) {
    const sa = requantize((a[i]! - p.aZeroPoint) * scale, p.input1Multiplier, p.input1Shift);
    const sb = requantize((b[i]! - p.bZeroPoint) * scale, p.input2Multiplier, p.input2Shift);
    out[i] = clampInt8(p.outputZeroPoint + requantize(sa + sb, p.outputMultiplier, p.outputShift), p.actMin, p.actMax);
  }
  return out;
}

/** Channel concatenation of maps of equal h x w (all inputs share the output's parameters). */
export function concatInt8(xs: Array<{ data: Int8Array; shape: MapShape }>): { data: Int8Array; shape: MapShape } {
  const { h, w } = xs[0]!.shape;
  const total = xs.reduce((sum, x) => sum + x.shape.c, 0);
  const out = new Int8Array(h * w * total);
  let offset = 0;
  for (const x of xs) {
    const c = x.shape.c;
    if (x.shape.h !== h || x.shape.w !== w) throw new Error(`concat: ${x.shape.h}x${x.shape.w} does not match ${h}x${w}`);
    for (let p = 0; p < h * w; p++) out.set(x.data.subarray(p * c, (p + 1) * c), p * total + offset);
    offset += c;
  }
  return { data: out, shape: { h, w, c: total } };
}

/** Source index of output row/column i for a nearest resize in -> out: min(in - 1, floor(i * in / out)). */
export function nearestSource(i: number, inSize: number, outSize: number): number {
  return Math.min(inSize - 1, Math.floor((i * inSize) / outSize));
}

/** Nearest-neighbour resize (2x upsample repeats, 2x downsample keeps the top-left pixel of each cell). */
export function resizeNearestInt8(x: Int8Array, s: MapShape, oh: number, ow: number): Int8Array {
  const c = s.c;
  const out = new Int8Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++) {
    const iy = nearestSource(oy, s.h, oh);
    for (let ox = 0; ox < ow; ox++) {
      const src = (iy * s.w + nearestSource(ox, s.w, ow)) * c;
      out.set(x.subarray(src, src + c), (oy * ow + ox) * c);
    }
  }
  return out;
}
