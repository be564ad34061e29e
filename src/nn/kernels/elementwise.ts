/**
 * Per-element kernels: activations, broadcast scaling (attention), nearest-neighbour resizing and
 * channel concatenation on NHWC maps.
 */

export type ActivationKind = 'relu' | 'relu6' | 'leaky' | 'sigmoid' | 'linear';

export function activationForward(x: Float32Array, kind: ActivationKind, alpha: number, out: Float32Array): void {
  const len = x.length;
  switch (kind) {
    case 'relu':
      for (let i = 0; i < len; i++) out[i] = x[i]! > 0 ? x[i]! : 0;
      break;
    case 'relu6':
      for (let i = 0; i < len; i++) out[i] = Math.min(Math.max(x[i]!, 0), 6);
      break;
    case 'leaky':
      for (let i = 0; i < len; i++) out[i] = x[i]! > 0 ? x[i]! : alpha * x[i]!;
      break;
    case 'sigmoid':
      for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
      break;
    case 'linear':
      out.set(x);
      break;
  }
}

/** dx += dy * f'(x); sigmoid uses its output y = f(x). */
export function activationBackward(
  x: Float32Array, y: Float32Array, dy: Float32Array, kind: ActivationKind, alpha: number, dx: Float32Array,
): void {
  const len = x.length;
  switch (kind) {
    case 'relu':
      for (let i = 0; i < len; i++) if (x[i]! > 0) dx[i] += dy[i]!;
      break;
    case 'relu6':
      for (let i = 0; i < len; i++) if (x[i]! > 0 && x[i]! < 6) dx[i] += dy[i]!;
      break;
    case 'leaky':
      for (let i = 0; i < len; i++) dx[i] += x[i]! > 0 ? dy[i]! : alpha * dy[i]!;
      break;
    case 'sigmoid':
      for (let i = 0; i < len; i++) dx[i] += dy[i]! * y[i]! * (1 - y[i]!);
      break;
    case 'linear':
      for (let i = 0; i < len; i++) dx[i] += dy[i]!;
      break;
  }
}

/**
 * out[b, p, c] = x[b, p, c] * s[b, p', c'] where s is [n, 1, 1, c] (per channel) when `perChannel`,
 * else [n, h, w, 1] (per pixel).
 */
export function scaleForward(
  x: Float32Array, s: Float32Array, n: number, hw: number, c: number, perChannel: boolean, out: Float32Array,
): void {
  for (let b = 0, o = 0; b < n; b++) for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++, o++) {
    out[o] = x[o]! * s[perChannel ? b * c + ch : b * hw + p]!;
  }
}

export function scaleBackward(
  x: Float32Array, s: Float32Array, dy: Float32Array, n: number, hw: number, c: number, perChannel: boolean,
  dx: Float32Array | null, ds: Float32Array | null,
): void {
  for (let b = 0, o = 0; b < n; b++) for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++, o++) {
    const si = perChannel ? b * c + ch : b * hw + p;
    if (dx) dx[o] += dy[o]! * s[si]!;
    if (ds) ds[si] += dy[o]! * x[o]!;
  }
}

/** Source row/column of every output row/column for a nearest-neighbour resize h -> oh. */
export function nearestIndex(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(inSize - 1, Math.floor((i * inSize) / outSize));
  return idx;
}

export function resizeNearestForward(
  x: Float32Array, n: number, h: number, w: number, c: number, rows: Int32Array, cols: Int32Array, out: Float32Array,
): void {
  const oh = rows.length, ow = cols.length;
  for (let b = 0, o = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++, o += c) {
    const src = ((b * h + rows[oy]!) * w + cols[ox]!) * c;
    for (let ch = 0; ch < c; ch++) out[o + ch] = x[src + ch]!;
  }
}

export function resizeNearestBackward(
  dy: Float32Array, n: number, h: number, w: number, c: number, rows: Int32Array, cols: Int32Array, dx: Float32Array,
): void {
  const oh = rows.length, ow = cols.length;
  for (let b = 0, o = 0; b < n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++, o += c) {
    const src = ((b * h + rows[oy]!) * w + cols[ox]!) * c;
    for (let ch = 0; ch < c; ch++) dx[src + ch] += dy[o + ch]!;
  }
}

/** Copies each input's channels into its slice of the output's channels ([pixels, sum c]). */
export function concatChannelsForward(xs: Float32Array[], widths: number[], pixels: number, out: Float32Array): void {
  const total = widths.reduce((a, b) => a + b, 0);
  let offset = 0;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!, c = widths[k]!;
    for (let p = 0; p < pixels; p++) {
      const o = p * total + offset, i = p * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] = x[i + ch]!;
    }
    offset += c;
  }
}

/** Adds the output gradient slice of input k into dx. */
export function concatChannelsBackward(
  dy: Float32Array, widths: number[], k: number, pixels: number, dx: Float32Array,
): void {
  const total = widths.reduce((a, b) => a + b, 0);
  let offset = 0;
  for (let j = 0; j < k; j++) offset += widths[j]!;
  const c = widths[k]!;
  for (let p = 0; p < pixels; p++) {
    const o = p * total + offset, i = p * c;
    for (let ch = 0; ch < c; ch++) dx[i + ch] += dy[o + ch]!;
  }
}
