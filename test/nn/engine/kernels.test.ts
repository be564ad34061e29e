// Kernel outputs against straightforward float64 reference loops written from the definitions
// (a different algorithm from im2col + tiled GEMM), and the GEMM forms against each other's
// definition on awkward sizes (not multiples of the 4x4 tile).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/nn/layers/rng.js';
import { convGeometry, type ConvSpec } from '../../../src/nn/kernels/conv-geometry.js';
import { col2imAdd, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, im2col } from '../../../src/nn/kernels/conv2d.js';
import { gemm, gemmABt, gemmAtB, gemmStrided, gemmStridedJs } from '../../../src/nn/kernels/gemm.js';
import { avgPoolForward, maxPoolForward } from '../../../src/nn/kernels/pool.js';
import { depthwiseBackwardInput, depthwiseBackwardWeight, depthwiseForward } from '../../../src/nn/kernels/depthwise.js';

function random(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** out[b, oy, ox, co] = bias[co] + sum over window and group channels, from the definition. */
function referenceConv(x: Float32Array, w: Float32Array, bias: Float32Array, n: number, h: number, wd: number, cin: number, s: ConvSpec): number[] {
  const g = convGeometry(n, h, wd, cin, s);
  const cinG = cin / g.groups, coutG = g.cout / g.groups;
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) for (let co = 0; co < g.cout; co++) {
    let acc = bias[co]!;
    const group = Math.floor(co / coutG);
    for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) for (let ci = 0; ci < cinG; ci++) {
      const iy = oy * g.strideH - g.padH + ky, ix = ox * g.strideW - g.padW + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      acc += x[((b * h + iy) * wd + ix) * cin + group * cinG + ci]! * w[((ky * g.kw + kx) * cinG + ci) * g.cout + co]!;
    }
    out.push(acc);
  }
  return out;
}

describe('conv2dForward matches the definition', () => {
  const cases: Array<[string, number, ConvSpec]> = [
    ['3x3 same, 1 input channel (first layer)', 1, { cout: 8, kh: 3, kw: 3, pad: 'same' }],
    ['3x3 stride 2', 5, { cout: 7, kh: 3, kw: 3, stride: 2, pad: 1 }],
    ['1x1 pointwise', 9, { cout: 6, kh: 1, kw: 1 }],
    ['5x5 valid', 3, { cout: 5, kh: 5, kw: 5 }],
    ['grouped', 6, { cout: 9, kh: 3, kw: 3, pad: 1, groups: 3 }],
    ['depthwise', 7, { cout: 7, kh: 3, kw: 3, pad: 1, groups: 7 }],
  ];
  for (const [name, cin, spec] of cases) {
    it(name, () => {
      const rng = new Rng(51);
      const n = 3, h = 9, w = 11;
      const x = random(n * h * w * cin, rng);
      const wt = random(spec.kh * spec.kw * (cin / (spec.groups ?? 1)) * spec.cout, rng);
      const bias = random(spec.cout, rng);
      const g = convGeometry(n, h, w, cin, spec);
      const out = new Float32Array(n * g.oh * g.ow * g.cout);
      conv2dForward(x, wt, bias, g, out);
      const ref = referenceConv(x, wt, bias, n, h, w, cin, spec);
      expect(out.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(out[i]).toBeCloseTo(ref[i]!, 4);
    });
  }
});

describe('GEMM forms', () => {
  it('A B, A^T B and A B^T on sizes that are not multiples of 4', () => {
    const rng = new Rng(52);
    const m = 7, n = 5, k = 6;
    const a = random(m * k, rng), b = random(k * n, rng), dy = random(m * n, rng);
    const c = new Float32Array(m * n);
    gemm(m, n, k, a, 0, b, 0, c, 0);
    const dw = new Float32Array(k * n).fill(1); // A^T B accumulates
    gemmAtB(m, n, k, a, 0, dy, 0, dw, 0);
    const da = new Float32Array(m * k);
    gemmABt(m, n, k, dy, 0, b, 0, da, 0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      expect(c[i * n + j]).toBeCloseTo(s, 5);
    }
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) {
      let s = 1;
      for (let i = 0; i < m; i++) s += a[i * k + p]! * dy[i * n + j]!;
      expect(dw[p * n + j]).toBeCloseTo(s, 5);
    }
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += dy[i * n + j]! * b[p * n + j]!;
      expect(da[i * k + p]).toBeCloseTo(s, 5);
    }
  });
});

describe('GEMM in WebAssembly', () => {
  // The WebAssembly tiles must give the very bits of the JS kernel (float64 sums in the same order),
  // so switching engines cannot change a trained model; the sizes are big enough to take that path,
  // with edges, offsets, a transposed B (packed) and a transposed A (strided).
  const forms: Array<[string, (m: number, n: number, k: number) => number[]]> = [
    ['A B', (m, n, k) => [3, k, 1, 1, n, 1, 2, n]],
    ['A^T B', (m, n) => [3, 1, m, 1, n, 1, 2, n]],
    ['A B^T', (m, n, k) => [3, k, 1, 1, 1, k, 2, n]],
  ];
  for (const [name, layout] of forms) for (const [m, n, k] of [[70, 18, 33], [256, 24, 144], [40, 8, 1000], [38, 10, 700]] as const) {
    for (const acc of [false, true]) {
      it(`${name} ${m}x${n}x${k}${acc ? ' accumulating' : ''} is bit-identical to the JS kernel`, () => {
        const rng = new Rng(m + n + k);
        const a = random(m * k + 3, rng), b = random(k * n + 1, rng);
        const before = random(m * n + 2, rng), viaWasm = before.slice(), viaJs = before.slice();
        const [aOff, asr, asc, bOff, bsr, bsc, cOff, ldc] = layout(m, n, k) as [number, number, number, number, number, number, number, number];
        gemmStrided(m, n, k, a, aOff, asr, asc, b, bOff, bsr, bsc, viaWasm, cOff, ldc, acc);
        gemmStridedJs(m, n, k, a, aOff, asr, asc, b, bOff, bsr, bsc, viaJs, cOff, ldc, acc);
        expect(Buffer.from(viaWasm.buffer).equals(Buffer.from(viaJs.buffer))).toBe(true);
        // and both are the product (not two equal wrong answers): element (1, 1) from the definition
        let s = acc ? before[cOff + ldc + 1]! : 0;
        for (let p = 0; p < k; p++) s += a[aOff + asr + p * asc]! * b[bOff + p * bsr + bsc]!;
        expect(viaWasm[cOff + ldc + 1]).toBeCloseTo(s, 4);
        expect(viaWasm[0]).toBe(before[0]); // outside C untouched
      });
    }
  }
});

describe('conv products in row and K blocks (gemm-blocks.ts)', () => {
  // Forward, input gradient and weight gradient of a groups = 1 conv, big enough to run blocked
  // (several row blocks and K blocks, tile edges in every dimension), against the JS tiles over the
  // whole column matrix: the same float64 sums in the same order, so the very same bits.
  const bits = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const cases: Array<[string, number, ConvSpec]> = [
    ['3x3 same', 5, { cout: 7, kh: 3, kw: 3, pad: 'same' }],
    ['3x3 stride 2', 6, { cout: 9, kh: 3, kw: 3, stride: 2, pad: 1 }],
    ['1x1 pointwise', 18, { cout: 13, kh: 1, kw: 1 }],
  ];
  for (const [name, cin, spec] of cases) {
    it(`${name} is bit-identical to the unblocked JS kernel`, () => {
      const rng = new Rng(53);
      const g = convGeometry(8, 12, 16, cin, spec);
      const m = g.n * g.oh * g.ow, k = g.kh * g.kw * cin;
      const x = random(g.n * g.h * g.w * cin, rng), w = random(k * g.cout, rng), bias = random(g.cout, rng);
      const dy = random(m * g.cout, rng), dxBefore = random(x.length, rng), dwBefore = random(w.length, rng);
      const cols = new Float32Array(m * k);
      im2col(x, g, cols);

      const out = new Float32Array(m * g.cout), outRef = new Float32Array(m * g.cout);
      conv2dForward(x, w, bias, g, out);
      gemmStridedJs(m, g.cout, k, cols, 0, k, 1, w, 0, g.cout, 1, outRef, 0, g.cout, false);
      for (let i = 0; i < outRef.length; i++) outRef[i] += bias[i % g.cout]!;
      expect(bits(out).equals(bits(outRef))).toBe(true);

      const dx = dxBefore.slice(), dxRef = dxBefore.slice();
      conv2dBackwardInput(dy, w, g, dx);
      if (k === cin) gemmStridedJs(m, k, g.cout, dy, 0, g.cout, 1, w, 0, 1, g.cout, dxRef, 0, k, true);
      else {
        const dcols = new Float32Array(m * k);
        gemmStridedJs(m, k, g.cout, dy, 0, g.cout, 1, w, 0, 1, g.cout, dcols, 0, k, false);
        col2imAdd(dcols, g, dxRef);
      }
      expect(bits(dx).equals(bits(dxRef))).toBe(true);

      const dw = dwBefore.slice(), dwRef = dwBefore.slice();
      conv2dBackwardWeight(x, dy, g, dw, null);
      gemmStridedJs(k, g.cout, m, cols, 0, 1, k, dy, 0, g.cout, 1, dwRef, 0, g.cout, true);
      expect(bits(dw).equals(bits(dwRef))).toBe(true);
      // and the reference is the conv (not two equal wrong answers): one output from the definition
      expect(out[5 * g.cout + 3]).toBeCloseTo(referenceConv(x, w, bias, g.n, g.h, g.w, cin, spec)[5 * g.cout + 3]!, 4);
    });
  }
});

describe('depthwise kernels', () => {
  // The kernels gather into float32-rounded sums; the definition scatters, one Float32Array add per
  // tap in (batch, row, column, ky, kx) order. Same adds in the same order: the same bits.
  const bits = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const [c, stride] of [[8, 1], [7, 2], [12, 1]] as const) {
    it(`forward, input and weight gradients match the scatter definition bit for bit (c=${c}, stride ${stride})`, () => {
      const rng = new Rng(54 + c);
      const g = convGeometry(3, 7, 9, c, { cout: c, kh: 3, kw: 3, stride, pad: 1, groups: c });
      const x = random(g.n * g.h * g.w * c, rng), w = random(9 * c, rng), bias = random(c, rng);
      const dy = random(g.n * g.oh * g.ow * c, rng), dx0 = random(x.length, rng), dw0 = random(w.length, rng);
      const out = new Float32Array(dy.length), outRef = new Float32Array(dy.length);
      const dx = dx0.slice(), dxRef = dx0.slice(), dw = dw0.slice(), dwRef = dw0.slice();
      depthwiseForward(x, w, bias, g, out);
      depthwiseBackwardInput(dy, w, g, dx);
      depthwiseBackwardWeight(x, dy, g, dw);
      for (let b = 0, p = 0; b < g.n; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++, p++) {
        for (let ch = 0; ch < c; ch++) outRef[p * c + ch] = bias[ch]!;
        for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
          const iy = oy * stride - 1 + ky, ix = ox * stride - 1 + kx;
          if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
          const xi = ((b * g.h + iy) * g.w + ix) * c, wi = (ky * 3 + kx) * c;
          for (let ch = 0; ch < c; ch++) {
            outRef[p * c + ch] += x[xi + ch]! * w[wi + ch]!;
            dxRef[xi + ch] += dy[p * c + ch]! * w[wi + ch]!;
            dwRef[wi + ch] += dy[p * c + ch]! * x[xi + ch]!;
          }
        }
      }
      expect(bits(out).equals(bits(outRef))).toBe(true);
      expect(bits(dx).equals(bits(dxRef))).toBe(true);
      expect(bits(dw).equals(bits(dwRef))).toBe(true);
    });
  }
});

describe('pooling', () => {
  for (const [c, k, stride, pad] of [[8, 3, 1, 1], [6, 2, 2, 0], [5, 3, 2, 1]] as const) {
    it(`max pool ${k}x${k} stride ${stride} (c=${c}) matches the definition, ties going to the first tap`, () => {
      const rng = new Rng(60 + c);
      const g = convGeometry(2, 7, 9, c, { cout: c, kh: k, kw: k, stride, pad });
      // few distinct values, so windows hold ties
      const x = Float32Array.from({ length: 2 * 7 * 9 * c }, () => Math.floor(rng.next() * 4));
      const out = new Float32Array(2 * g.oh * g.ow * c), argmax = new Int32Array(out.length);
      maxPoolForward(x, g, out, argmax);
      for (let b = 0, o = 0; b < 2; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) for (let ch = 0; ch < c; ch++, o++) {
        let best = -Infinity, at = -1;
        for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
          if (iy < 0 || iy >= 7 || ix < 0 || ix >= 9) continue;
          const i = ((b * 7 + iy) * 9 + ix) * c + ch;
          if (x[i]! > best) {
            best = x[i]!;
            at = i;
          }
        }
        expect(out[o]).toBe(best);
        expect(argmax[o]).toBe(at);
      }
    });
  }

  it('avg pool divides by the cells inside the map (corner of a padded 3x3 window sees 4)', () => {
    const x = Float32Array.from({ length: 9 }, (_, i) => i + 1); // 3x3, one channel: 1..9
    const g = convGeometry(1, 3, 3, 1, { cout: 1, kh: 3, kw: 3, stride: 1, pad: 1 });
    const out = new Float32Array(9);
    avgPoolForward(x, g, out);
    expect(out[0]).toBeCloseTo((1 + 2 + 4 + 5) / 4, 6);
    expect(out[4]).toBeCloseTo(45 / 9, 6);
  });
});
