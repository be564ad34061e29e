// Random kernel test cases (fixed seeds) with their expected bytes from the host int8 reference
// (src/nn/quant/int8-ops.ts), emitted as one C program that runs every case on the Cortex-M4 kernels
// (firmware/nn/kernels), compares the output buffer byte for byte (the channel slice it must write and
// the untouched bytes around it) and prints the DWT cycle count of each call.
import {
  addInt8, channelMeanMaxInt8, conv2dInt8, convOutputSize, depthwiseConv2dInt8, globalPoolInt8, lookupInt8,
  maxPoolInt8, mulInt8, resizeNearestInt8, type MapShape,
} from '../../src/nn/quant/int8-ops.js';
import { quantizeMultiplier } from '../../src/nn/quant/fixed-point.js';
import { packConv2d, packDepthwise } from '../../src/codegen/kernel-packing.js';
import { xorshift32 } from '../support/xorshift.js';

export type KernelCase =
  | { kind: 'conv'; name: string; h: number; w: number; cin: number; cout: number; k: number; stride: number; pad: number; inStride?: number; outStride?: number; outOffset?: number }
  | { kind: 'dw'; name: string; h: number; w: number; c: number; k: number; stride: number; pad: number; inStride?: number; outStride?: number; outOffset?: number }
  | { kind: 'maxpool'; name: string; h: number; w: number; c: number; k: number; stride: number; pad: number; inStride?: number; outStride?: number; outOffset?: number }
  | { kind: 'globalpool'; name: string; h: number; w: number; c: number; max: boolean }
  | { kind: 'meanmax'; name: string; h: number; w: number; c: number }
  | { kind: 'lut'; name: string; n: number }
  | { kind: 'mul'; name: string; h: number; w: number; c: number; perPixel: boolean }
  | { kind: 'add'; name: string; n: number }
  | { kind: 'copy'; name: string; pixels: number; c: number; inStride: number; outStride: number }
  | { kind: 'resize'; name: string; h: number; w: number; c: number; oh: number; ow: number };

/** The detector's layer shapes (models/detector-default.json at 24x32x1; src/nn/model/detector.ts). */
export const DETECTOR_CASES: KernelCase[] = [
  { kind: 'conv', name: 'stage1.conv 3x3 1->8 24x32', h: 24, w: 32, cin: 1, cout: 8, k: 3, stride: 1, pad: 1 },
  { kind: 'conv', name: 'stage2.conv 3x3 8->16 12x16', h: 12, w: 16, cin: 8, cout: 16, k: 3, stride: 1, pad: 1 },
  { kind: 'conv', name: 'stage2.sppf.reduce 1x1 16->8 12x16', h: 12, w: 16, cin: 16, cout: 8, k: 1, stride: 1, pad: 0, outStride: 32 },
  { kind: 'conv', name: 'stage2.sppf.fuse 1x1 32->16 12x16', h: 12, w: 16, cin: 32, cout: 16, k: 1, stride: 1, pad: 0 },
  { kind: 'conv', name: 'stage3.conv 3x3 16->24 12x16', h: 12, w: 16, cin: 16, cout: 24, k: 3, stride: 1, pad: 1 },
  { kind: 'dw', name: 'stage3.depthwise 3x3 24 6x8', h: 6, w: 8, c: 24, k: 3, stride: 1, pad: 1, outStride: 40 },
  { kind: 'conv', name: 'stage3.sppf.reduce 1x1 40->20 6x8', h: 6, w: 8, cin: 40, cout: 20, k: 1, stride: 1, pad: 0, outStride: 80 },
  { kind: 'conv', name: 'stage3.sppf.fuse 1x1 80->24 6x8', h: 6, w: 8, cin: 80, cout: 24, k: 1, stride: 1, pad: 0 },
  { kind: 'conv', name: 'stage4.conv 3x3 24->32 6x8', h: 6, w: 8, cin: 24, cout: 32, k: 3, stride: 1, pad: 1 },
  { kind: 'dw', name: 'stage4.depthwise 3x3 32 3x4', h: 3, w: 4, c: 32, k: 3, stride: 1, pad: 1, outStride: 56 },
  { kind: 'conv', name: 'fpn.lateral1 1x1 16->16 12x16', h: 12, w: 16, cin: 16, cout: 16, k: 1, stride: 1, pad: 0 },
  { kind: 'conv', name: 'fpn.lateral2 1x1 24->16 6x8', h: 6, w: 8, cin: 24, cout: 16, k: 1, stride: 1, pad: 0, outStride: 48, outOffset: 16 },
  { kind: 'conv', name: 'fpn.lateral3 1x1 56->16 3x4', h: 3, w: 4, cin: 56, cout: 16, k: 1, stride: 1, pad: 0 },
  { kind: 'dw', name: 'fpn.p2 depthwise 3x3 48 6x8', h: 6, w: 8, c: 48, k: 3, stride: 1, pad: 1 },
  { kind: 'dw', name: 'fpn.p3 depthwise 3x3 64 3x4', h: 3, w: 4, c: 64, k: 3, stride: 1, pad: 1 },
  { kind: 'dw', name: 'head.p2 depthwise 3x3 48 6x8', h: 6, w: 8, c: 48, k: 3, stride: 1, pad: 1 },
  { kind: 'conv', name: 'head.p2 1x1 48->32 6x8', h: 6, w: 8, cin: 48, cout: 32, k: 1, stride: 1, pad: 0 },
  { kind: 'dw', name: 'head.p2 depthwise 1x1 32 6x8', h: 6, w: 8, c: 32, k: 1, stride: 1, pad: 0 },
  { kind: 'conv', name: 'head.p2 1x1 32->15 6x8', h: 6, w: 8, cin: 32, cout: 15, k: 1, stride: 1, pad: 0 },
  { kind: 'dw', name: 'head.p3 depthwise 3x3 64 3x4', h: 3, w: 4, c: 64, k: 3, stride: 1, pad: 1 },
  { kind: 'conv', name: 'head.p3 1x1 64->32 3x4', h: 3, w: 4, cin: 64, cout: 32, k: 1, stride: 1, pad: 0 },
  { kind: 'dw', name: 'head.p3 depthwise 1x1 32 3x4', h: 3, w: 4, c: 32, k: 1, stride: 1, pad: 0 },
  { kind: 'conv', name: 'head.p3 1x1 32->15 3x4', h: 3, w: 4, cin: 32, cout: 15, k: 1, stride: 1, pad: 0 },
  { kind: 'maxpool', name: 'stage1.pool 2x2/2 8 24x32', h: 24, w: 32, c: 8, k: 2, stride: 2, pad: 0 },
  { kind: 'maxpool', name: 'sppf pool 3x3/1 8 12x16 (slice)', h: 12, w: 16, c: 8, k: 3, stride: 1, pad: 1, inStride: 32, outStride: 32, outOffset: 8 },
  { kind: 'maxpool', name: 'sppf pool 3x3/1 20 6x8 (slice)', h: 6, w: 8, c: 20, k: 3, stride: 1, pad: 1, inStride: 80, outStride: 80, outOffset: 20 },
  { kind: 'maxpool', name: 'stage3.pool 2x2/2 24 12x16', h: 12, w: 16, c: 24, k: 2, stride: 2, pad: 0 },
  { kind: 'globalpool', name: 'cbam avg 8 12x16', h: 12, w: 16, c: 8, max: false },
  { kind: 'globalpool', name: 'cbam max 8 12x16', h: 12, w: 16, c: 8, max: true },
  { kind: 'conv', name: 'cbam squeeze 1x1 8->2 1x1', h: 1, w: 1, cin: 8, cout: 2, k: 1, stride: 1, pad: 0 },
  { kind: 'conv', name: 'cbam expand 1x1 2->8 1x1', h: 1, w: 1, cin: 2, cout: 8, k: 1, stride: 1, pad: 0 },
  { kind: 'add', name: 'cbam add 8', n: 8 },
  { kind: 'lut', name: 'sigmoid 8', n: 8 },
  { kind: 'mul', name: 'cbam channel gate 8 12x16', h: 12, w: 16, c: 8, perPixel: false },
  { kind: 'meanmax', name: 'spatial mean/max 8 12x16', h: 12, w: 16, c: 8 },
  { kind: 'conv', name: 'spatial conv 3x3 2->1 12x16', h: 12, w: 16, cin: 2, cout: 1, k: 3, stride: 1, pad: 1 },
  { kind: 'lut', name: 'sigmoid 192', n: 192 },
  { kind: 'mul', name: 'spatial gate 8 12x16', h: 12, w: 16, c: 8, perPixel: true },
  { kind: 'mul', name: 'spatial gate 24 6x8', h: 6, w: 8, c: 24, perPixel: true },
  { kind: 'resize', name: 'resize 12x16 -> 6x8 16ch', h: 12, w: 16, c: 16, oh: 6, ow: 8 },
  { kind: 'resize', name: 'upsample 3x4 -> 6x8 16ch', h: 3, w: 4, c: 16, oh: 6, ow: 8 },
  { kind: 'copy', name: 'concat copy 16 of 48 6x8', pixels: 48, c: 16, inStride: 16, outStride: 48 },
];

/** Odd shapes: channel counts not a multiple of 4, odd pixel counts, strides, unaligned slices. */
export function randomCases(seed: number, count: number): KernelCase[] {
  const rnd = xorshift32(seed);
  const pick = (lo: number, hi: number): number => lo + (rnd() % (hi - lo + 1));
  const cases: KernelCase[] = [];
  for (let i = 0; i < count; i++) {
    const h = pick(1, 9), w = pick(1, 9), k = [1, 3, 3, 5][pick(0, 3)]!, stride = pick(1, 2), pad = k >> 1;
    switch (i % 4) {
      case 0: {
        const cin = pick(1, 13), cout = pick(1, 11);
        cases.push({ kind: 'conv', name: `random conv ${k}x${k}/${stride} ${cin}->${cout} ${h}x${w}`, h, w, cin, cout, k, stride, pad, inStride: cin + pick(0, 3), outStride: cout + pick(0, 5), outOffset: pick(0, 3) });
        break;
      }
      case 1: {
        const c = pick(1, 13);
        cases.push({ kind: 'dw', name: `random depthwise ${k}x${k}/${stride} ${c} ${h}x${w}`, h, w, c, k, stride, pad, inStride: c + pick(0, 3), outStride: c + pick(0, 4), outOffset: pick(0, 2) });
        break;
      }
      case 2: {
        const c = pick(1, 13), kp = pick(2, 3);
        cases.push({ kind: 'maxpool', name: `random maxpool ${kp}x${kp}/${stride} ${c} ${h}x${w}`, h, w, c, k: kp, stride, pad: kp === 3 ? 1 : 0, inStride: c + pick(0, 2), outStride: c + pick(0, 2), outOffset: pick(0, 1) });
        break;
      }
      default: {
        const c = pick(1, 12);
        cases.push({ kind: 'mul', name: `random mul ${c} ${h}x${w}`, h, w, c, perPixel: pick(0, 1) === 1 });
      }
    }
  }
  return cases;
}

/** Multiply-accumulates of a case (0 for ops without a weight product). */
export function caseMacs(c: KernelCase): number {
  if (c.kind === 'conv') return convOutputSize(c.h, c.k, c.stride, c.pad) * convOutputSize(c.w, c.k, c.stride, c.pad) * c.cout * c.k * c.k * c.cin;
  if (c.kind === 'dw') return convOutputSize(c.h, c.k, c.stride, c.pad) * convOutputSize(c.w, c.k, c.stride, c.pad) * c.c * c.k * c.k;
  return 0;
}

const SENTINEL = 0x5a;

class Emitter {
  readonly decls: string[] = [];
  readonly bodies: string[] = [];
  maxIn = 4;
  maxOut = 4;
  maxScratch = 4;

  array(name: string, type: string, values: ArrayLike<number>): string {
    const body = Array.from(values, (v) => String(v)).join(',');
    this.decls.push(`static const ${type} ${name}[${Math.max(1, values.length)}] __attribute__((aligned(4))) = {${body || '0'}};`);
    return name;
  }
}

/** Places a dense [pixels][c] map into a buffer of pixel stride `stride` from `offset`, other bytes `fill`. */
function strided(dense: Int8Array, pixels: number, c: number, stride: number, offset: number, fill: (i: number) => number): Int8Array {
  const out = new Int8Array(Math.max(1, (pixels - 1) * stride + offset + c)).map((_, i) => fill(i));
  for (let p = 0; p < pixels; p++) out.set(dense.subarray(p * c, (p + 1) * c), p * stride + offset);
  return out;
}

export interface GeneratedProgram {
  source: string;
  cases: KernelCase[];
}

/**
 * One C program for `cases`: `main(argc, argv)` sets the clock from argv (firmware/bench/timing/clock.c:
 * `pll100 art` on the STM32F411, `hsi16 none` elsewhere), runs every case and prints
 * `case <i> ok|FAIL <first bad byte> cycles <n>`; the exit code is the number of failed cases.
 * `corruptCase` flips one expected byte of that case (the harness's own canary).
 */
export function generateProgram(cases: KernelCase[], seed: number, corruptCase = -1): GeneratedProgram {
  const rnd = xorshift32(seed);
  const i8 = (): number => ((rnd() & 0xff) << 24) >> 24;
  const range = (lo: number, hi: number): number => lo + (rnd() % (hi - lo + 1));
  const map = (n: number): Int8Array => Int8Array.from({ length: n }, i8);
  const e = new Emitter();
  const expectOutput = (id: string, expected: Int8Array): void => {
    e.array(`${id}_exp`, 'int8_t', expected);
    e.maxOut = Math.max(e.maxOut, expected.length);
  };
  const loadInput = (id: string, data: Int8Array, buffer: 'in' | 'in2' = 'in'): string => {
    e.array(`${id}_${buffer}`, 'int8_t', data);
    e.maxIn = Math.max(e.maxIn, data.length);
    return `memcpy(arena_${buffer}, ${id}_${buffer}, ${data.length});`;
  };
  // A requantisation that keeps outputs spread: real scale about 50 / (typical |acc|).
  const requantFor = (typicalAcc: number, n: number): { multiplier: Int32Array; shift: Int32Array } => {
    const multiplier = new Int32Array(n), shift = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      const q = quantizeMultiplier((50 / Math.max(1, typicalAcc)) * (0.5 + (rnd() % 1000) / 1000));
      multiplier[c] = q.multiplier;
      shift[c] = q.shift;
    }
    return { multiplier, shift };
  };
  const act = (zOut: number): [number, number] => (rnd() & 1 ? [Math.max(-128, zOut), 127] : [-128, 127]);

  cases.forEach((c, i) => {
    const id = `c${i}`;
    const setup: string[] = [];
    let call = '';
    let expected: Int8Array;
    let outBytes: number;
    switch (c.kind) {
      case 'conv':
      case 'dw': {
        const cin = c.kind === 'conv' ? c.cin : c.c, cout = c.kind === 'conv' ? c.cout : c.c;
        const inStride = c.inStride ?? cin, outStride = c.outStride ?? cout, outOffset = c.outOffset ?? 0;
        const oh = convOutputSize(c.h, c.k, c.stride, c.pad), ow = convOutputSize(c.w, c.k, c.stride, c.pad);
        const dense = map(c.h * c.w * cin);
        const taps = c.k * c.k * (c.kind === 'conv' ? cin : 1);
        const weights = map(cout * taps).map((v) => (v === -128 ? -127 : v));
        const bias = Int32Array.from({ length: cout }, () => range(-4000, 4000));
        const requant = requantFor(Math.sqrt(taps) * 74 * 73, cout);
        const zIn = i8(), zOut = i8();
        const [actMin, actMax] = act(zOut);
        const p = { kh: c.k, kw: c.k, stride: c.stride, padH: c.pad, padW: c.pad, cout, weights, bias, multiplier: requant.multiplier, shift: requant.shift, inputZeroPoint: zIn, outputZeroPoint: zOut, actMin, actMax };
        const s: MapShape = { h: c.h, w: c.w, c: cin };
        const ref = c.kind === 'conv' ? conv2dInt8(dense, s, p) : depthwiseConv2dInt8(dense, s, p);
        const layer = { kh: c.k, kw: c.k, padH: c.pad, padW: c.pad, stride: c.stride, weights, bias, requant };
        const packed = c.kind === 'conv' ? packConv2d(layer, cin, zIn, c.name) : packDepthwise(layer, c.h, c.w, c.name);
        e.array(`${id}_w`, 'int8_t', packed.weights);
        const recs: string[] = [];
        for (let k = 0; k < packed.paddedChannels; k++) recs.push(`{${Array.from(packed.channels.subarray(4 * k, 4 * k + 4)).map((v, j) => (j === 3 ? `${v >>> 0}u` : v)).join(',')}}`);
        e.decls.push(`static const nn_chan_t ${id}_ch[${packed.paddedChannels}] = {${recs.join(',')}};`);
        e.maxScratch = Math.max(e.maxScratch, packed.scratchBytes);
        setup.push(loadInput(id, strided(dense, c.h * c.w, cin, inStride, 0, () => i8())));
        expected = strided(ref.data, oh * ow, cout, outStride, outOffset, () => SENTINEL);
        outBytes = expected.length;
        call = c.kind === 'conv'
          ? `nn_conv2d_s8(arena_in, ${c.h}, ${c.w}, ${cin}, ${inStride}, ${id}_w, ${id}_ch, ${cout}, ${c.k}, ${c.k}, ${c.stride}, ${c.pad}, ${c.pad}, arena_out + ${outOffset}, ${oh}, ${ow}, ${outStride}, ${zIn}, ${zOut}, ${actMin}, ${actMax}, scratch);`
          : `nn_dwconv_s8(arena_in, ${c.h}, ${c.w}, ${cin}, ${inStride}, ${id}_w, ${id}_ch, ${c.k}, ${c.k}, ${c.stride}, ${c.pad}, ${c.pad}, arena_out + ${outOffset}, ${oh}, ${ow}, ${outStride}, ${zIn}, ${zOut}, ${actMin}, ${actMax}, scratch);`;
        break;
      }
      case 'maxpool': {
        const inStride = c.inStride ?? c.c, outStride = c.outStride ?? c.c, outOffset = c.outOffset ?? 0;
        const oh = convOutputSize(c.h, c.k, c.stride, c.pad), ow = convOutputSize(c.w, c.k, c.stride, c.pad);
        const dense = map(c.h * c.w * c.c);
        const ref = maxPoolInt8(dense, { h: c.h, w: c.w, c: c.c }, c.k, c.stride, c.pad);
        setup.push(loadInput(id, strided(dense, c.h * c.w, c.c, inStride, 0, () => i8())));
        expected = strided(ref.data, oh * ow, c.c, outStride, outOffset, () => SENTINEL);
        outBytes = expected.length;
        call = `nn_maxpool_s8(arena_in, ${c.h}, ${c.w}, ${c.c}, ${inStride}, ${c.k}, ${c.stride}, ${c.pad}, arena_out + ${outOffset}, ${oh}, ${ow}, ${outStride});`;
        break;
      }
      case 'globalpool': {
        const dense = map(c.h * c.w * c.c);
        setup.push(loadInput(id, dense));
        expected = globalPoolInt8(dense, { h: c.h, w: c.w, c: c.c }, c.max ? 'max' : 'avg').data;
        outBytes = expected.length;
        call = `nn_global_pool_s8(arena_in, ${c.h}, ${c.w}, ${c.c}, ${c.c}, ${c.max ? 1 : 0}, arena_out);`;
        break;
      }
      case 'meanmax': {
        const dense = map(c.h * c.w * c.c);
        setup.push(loadInput(id, dense));
        expected = channelMeanMaxInt8(dense, { h: c.h, w: c.w, c: c.c }).data;
        outBytes = expected.length;
        call = `nn_channel_mean_max_s8(arena_in, ${c.h}, ${c.w}, ${c.c}, ${c.c}, arena_out);`;
        break;
      }
      case 'lut': {
        const x = map(c.n), lut = map(256);
        e.array(`${id}_lut`, 'int8_t', lut);
        setup.push(loadInput(id, x));
        expected = lookupInt8(x, lut);
        outBytes = expected.length;
        call = `nn_lut_s8(arena_in, ${c.n}, ${id}_lut, arena_out);`;
        break;
      }
      case 'mul': {
        const x = map(c.h * c.w * c.c), gate = map(c.perPixel ? c.h * c.w : c.c);
        const zx = i8(), zg = i8(), zOut = i8();
        const [actMin, actMax] = act(zOut);
        const q = quantizeMultiplier((1 / 255) * (0.5 + (rnd() % 1000) / 500));
        setup.push(loadInput(id, x), loadInput(id, gate, 'in2'));
        expected = mulInt8(x, { h: c.h, w: c.w, c: c.c }, gate, { broadcast: c.perPixel ? 'pixel' : 'channel', xZeroPoint: zx, gateZeroPoint: zg, outputZeroPoint: zOut, multiplier: q.multiplier, shift: q.shift, actMin, actMax });
        outBytes = expected.length;
        call = `nn_mul_s8(arena_in, ${c.h}, ${c.w}, ${c.c}, ${c.c}, arena_in2, ${c.perPixel ? 1 : 0}, ${zx}, ${zg}, ${zOut}, ${q.multiplier}, ${q.shift}, ${actMin}, ${actMax}, arena_out, ${c.c});`;
        break;
      }
      case 'add': {
        const a = map(c.n), b = map(c.n);
        const sA = 0.05 + (rnd() % 100) / 1000, sB = 0.05 + (rnd() % 100) / 1000, sOut = 0.1 + (rnd() % 100) / 1000;
        const twiceMax = 2 * Math.max(sA, sB);
        const m1 = quantizeMultiplier(sA / twiceMax), m2 = quantizeMultiplier(sB / twiceMax), mo = quantizeMultiplier(twiceMax / (2 ** 20 * sOut));
        const p = { aZeroPoint: i8(), bZeroPoint: i8(), outputZeroPoint: i8(), leftShift: 20, input1Multiplier: m1.multiplier, input1Shift: m1.shift, input2Multiplier: m2.multiplier, input2Shift: m2.shift, outputMultiplier: mo.multiplier, outputShift: mo.shift, actMin: -128, actMax: 127 };
        setup.push(loadInput(id, a), loadInput(id, b, 'in2'));
        expected = addInt8(a, b, p);
        outBytes = expected.length;
        e.decls.push(`static const nn_add_params_t ${id}_p = {${p.aZeroPoint}, ${p.bZeroPoint}, ${p.outputZeroPoint}, 20, ${m1.multiplier}, ${m1.shift}, ${m2.multiplier}, ${m2.shift}, ${mo.multiplier}, ${mo.shift}, -128, 127};`);
        call = `nn_add_s8(arena_in, arena_in2, ${c.n}, &${id}_p, arena_out);`;
        break;
      }
      case 'copy': {
        const dense = map(c.pixels * c.c);
        setup.push(loadInput(id, strided(dense, c.pixels, c.c, c.inStride, 0, () => i8())));
        expected = strided(dense, c.pixels, c.c, c.outStride, 0, () => SENTINEL);
        outBytes = expected.length;
        call = `nn_copy_channels_s8(arena_in, ${c.pixels}, ${c.c}, ${c.inStride}, arena_out, ${c.outStride});`;
        break;
      }
      case 'resize': {
        const dense = map(c.h * c.w * c.c);
        setup.push(loadInput(id, dense));
        expected = resizeNearestInt8(dense, { h: c.h, w: c.w, c: c.c }, c.oh, c.ow);
        outBytes = expected.length;
        call = `nn_resize_nearest_s8(arena_in, ${c.h}, ${c.w}, ${c.c}, ${c.c}, arena_out, ${c.oh}, ${c.ow}, ${c.c});`;
        break;
      }
    }
    // A deliberately wrong expectation (the last byte the kernel writes), to show a mismatch is caught.
    if (i === corruptCase) expected[expected.length - 1] ^= 1;
    expectOutput(id, expected);
    e.bodies.push(`static int ${id}_run(void) {
  ${setup.join('\n  ')}
  memset(arena_out, ${SENTINEL}, ${outBytes});
  uint32_t t0 = DWT_CYCCNT;
  ${call}
  uint32_t t1 = DWT_CYCCNT;
  return report(${i}, arena_out, ${id}_exp, ${outBytes}, t1 - t0);
}`);
  });

  const source = `/* Generated by test/kernels/kernel-cases.ts: do not edit. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "nn_kernels.h"

#define REG(a) (*(volatile uint32_t *)(a))
#define DEMCR REG(0xE000EDFCu)
#define DWT_CTRL REG(0xE0001000u)
#define DWT_CYCCNT REG(0xE0001004u)

void bench_clock_setup(const char *clock, const char *acr);

static int8_t arena_in[${e.maxIn}] __attribute__((aligned(4)));
__attribute__((unused)) static int8_t arena_in2[${e.maxIn}] __attribute__((aligned(4)));
static int8_t arena_out[${e.maxOut}] __attribute__((aligned(4)));
static int32_t scratch[${Math.ceil(e.maxScratch / 4)}];

static int report(int index, const int8_t *got, const int8_t *want, int n, uint32_t cycles) {
  for (int i = 0; i < n; i++) {
    if (got[i] != want[i]) {
      printf("case %d FAIL byte %d got %d want %d cycles %lu\\n", index, i, got[i], want[i], (unsigned long)cycles);
      return 1;
    }
  }
  printf("case %d ok cycles %lu\\n", index, (unsigned long)cycles);
  return 0;
}

${e.decls.join('\n')}

${e.bodies.join('\n\n')}

int main(int argc, char **argv) {
  bench_clock_setup(argc > 1 ? argv[1] : "hsi16", argc > 2 ? argv[2] : "none");
  DEMCR |= 1u << 24;
  DWT_CTRL |= 1u;
  int failed = 0;
${cases.map((_, i) => `  failed += c${i}_run();`).join('\n')}
  return failed;
}
`;
  return { source, cases };
}
