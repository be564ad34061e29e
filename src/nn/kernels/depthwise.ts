/**
 * Depthwise convolution (channel multiplier 1): NHWC input, weights [kh, kw, c] (HWIO with one
 * input channel per group). The innermost loop runs over channels, contiguous in both the
 * activations and the weights.
 */
import type { ConvGeometry } from './conv-geometry.js';

export function depthwiseForward(
  x: Float32Array, wt: Float32Array, bias: Float32Array | null, g: ConvGeometry, out: Float32Array,
): void {
  const { n, h, w, cin: c, kh, kw, strideH, strideW, padH, padW, oh, ow } = g;
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = ((b * oh + oy) * ow + ox) * c;
    if (bias) for (let ch = 0; ch < c; ch++) out[o + ch] = bias[ch]!;
    else out.fill(0, o, o + c);
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * strideH - padH + ky;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * strideW - padW + kx;
        if (ix < 0 || ix >= w) continue;
        const xi = ((b * h + iy) * w + ix) * c;
        const wi = (ky * kw + kx) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] += x[xi + ch]! * wt[wi + ch]!;
      }
    }
  }
}

/** dx += depthwise-transpose(dy). */
export function depthwiseBackwardInput(dy: Float32Array, wt: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { n, h, w, cin: c, kh, kw, strideH, strideW, padH, padW, oh, ow } = g;
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = ((b * oh + oy) * ow + ox) * c;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * strideH - padH + ky;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * strideW - padW + kx;
        if (ix < 0 || ix >= w) continue;
        const xi = ((b * h + iy) * w + ix) * c;
        const wi = (ky * kw + kx) * c;
        for (let ch = 0; ch < c; ch++) dx[xi + ch] += dy[o + ch]! * wt[wi + ch]!;
      }
    }
  }
}

/** dweight += sum over positions of x-window * dy. */
export function depthwiseBackwardWeight(x: Float32Array, dy: Float32Array, g: ConvGeometry, dwt: Float32Array): void {
  const { n, h, w, cin: c, kh, kw, strideH, strideW, padH, padW, oh, ow } = g;
  for (let b = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    const o = ((b * oh + oy) * ow + ox) * c;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * strideH - padH + ky;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * strideW - padW + kx;
        if (ix < 0 || ix >= w) continue;
        const xi = ((b * h + iy) * w + ix) * c;
        const wi = (ky * kw + kx) * c;
        for (let ch = 0; ch < c; ch++) dwt[wi + ch] += dy[o + ch]! * x[xi + ch]!;
      }
    }
  }
}
