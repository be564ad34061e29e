/**
 * Depthwise convolution (channel multiplier 1): NHWC input, weights [kh, kw, c] (HWIO with one
 * input channel per group). The innermost loop runs over channels, contiguous in both the
 * activations and the weights; the window comes from window-taps.ts.
 */
import type { ConvGeometry } from './conv-geometry.js';
import { windowTaps } from './window-taps.js';

export function depthwiseForward(
  x: Float32Array, wt: Float32Array, bias: Float32Array | null, g: ConvGeometry, out: Float32Array,
): void {
  const c = g.cin;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * c;
    if (bias) for (let ch = 0; ch < c; ch++) out[o + ch] = bias[ch]!;
    else out.fill(0, o, o + c);
    for (let t = start[p]!; t < start[p + 1]!; t++) {
      const xi = pixel[t]! * c, wi = tap[t]! * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] += x[xi + ch]! * wt[wi + ch]!;
    }
  }
}

/** dx += depthwise-transpose(dy). */
export function depthwiseBackwardInput(dy: Float32Array, wt: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const c = g.cin;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * c;
    for (let t = start[p]!; t < start[p + 1]!; t++) {
      const xi = pixel[t]! * c, wi = tap[t]! * c;
      for (let ch = 0; ch < c; ch++) dx[xi + ch] += dy[o + ch]! * wt[wi + ch]!;
    }
  }
}

/** dweight += sum over positions of x-window * dy. */
export function depthwiseBackwardWeight(x: Float32Array, dy: Float32Array, g: ConvGeometry, dwt: Float32Array): void {
  const c = g.cin;
  const { positions, start, pixel, tap } = windowTaps(g);
  for (let p = 0; p < positions; p++) {
    const o = p * c;
    for (let t = start[p]!; t < start[p + 1]!; t++) {
      const xi = pixel[t]! * c, wi = tap[t]! * c;
      for (let ch = 0; ch < c; ch++) dwt[wi + ch] += dy[o + ch]! * x[xi + ch]!;
    }
  }
}
