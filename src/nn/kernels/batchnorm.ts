/**
 * Batch normalisation over the N*H*W positions of each channel of an NHWC map (Ioffe & Szegedy
 * 2015). Training mode normalises with the batch statistics and returns them so the layer can
 * update its running estimates; backward is the closed form of the batch-statistics gradient.
 */

export interface BatchStats {
  mean: Float32Array;
  /** 1 / sqrt(biased batch variance + eps), per channel. */
  invStd: Float32Array;
  /** Unbiased batch variance, for the running estimate. */
  varUnbiased: Float32Array;
}

/**
 * out = gamma * (x - mean_batch) * invStd + beta; xhat (normalised input) is kept for backward.
 * With `relu` the ReLU is applied in the same pass (out = max(0, that), rounded to float32 first as
 * a separate activation would see it), which saves the activation its own map and pass.
 */
export function batchNormTrainForward(
  x: Float32Array, rows: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number,
  out: Float32Array, xhat: Float32Array, relu = false,
): BatchStats {
  // Loops index rows as r * c + ch: V8 runs the (r, o) pair with o stepped in the inner loop 3-4x
  // slower (measured). Every sum still runs over rows in order, so the results are unchanged.
  const mean = new Float64Array(c), sq = new Float64Array(c);
  channelSums(x, rows, c, null, mean);
  for (let ch = 0; ch < c; ch++) mean[ch] /= rows;
  channelSums(x, rows, c, mean, sq);
  const stats: BatchStats = {
    mean: new Float32Array(c), invStd: new Float32Array(c), varUnbiased: new Float32Array(c),
  };
  for (let ch = 0; ch < c; ch++) {
    stats.mean[ch] = mean[ch]!;
    stats.invStd[ch] = 1 / Math.sqrt(sq[ch]! / rows + eps);
    stats.varUnbiased[ch] = rows > 1 ? sq[ch]! / (rows - 1) : 0;
  }
  const { mean: m32, invStd } = stats;
  if (c % 4 !== 0) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) normalizeOne(x, xhat, out, o + ch, m32[ch]!, invStd[ch]!, gamma[ch]!, beta[ch]!, relu);
    }
    return stats;
  }
  // four channels at a time with their statistics in locals (2x faster than reloading them per
  // element), a cache-sized block of rows at a time (see ROW_BLOCK_FLOATS)
  const n = rows * c, block = rowBlock(c);
  for (let b0 = 0; b0 < n; b0 += block) {
    const b1 = Math.min(n, b0 + block);
    for (let ch = 0; ch < c; ch += 4) {
      const m0 = m32[ch]!, m1 = m32[ch + 1]!, m2 = m32[ch + 2]!, m3 = m32[ch + 3]!;
      const i0 = invStd[ch]!, i1 = invStd[ch + 1]!, i2 = invStd[ch + 2]!, i3 = invStd[ch + 3]!;
      const g0 = gamma[ch]!, g1 = gamma[ch + 1]!, g2 = gamma[ch + 2]!, g3 = gamma[ch + 3]!;
      const e0 = beta[ch]!, e1 = beta[ch + 1]!, e2 = beta[ch + 2]!, e3 = beta[ch + 3]!;
      for (let o = b0 + ch; o < b1; o += c) {
        normalizeOne(x, xhat, out, o, m0, i0, g0, e0, relu);
        normalizeOne(x, xhat, out, o + 1, m1, i1, g1, e1, relu);
        normalizeOne(x, xhat, out, o + 2, m2, i2, g2, e2, relu);
        normalizeOne(x, xhat, out, o + 3, m3, i3, g3, e3, relu);
      }
    }
  }
  return stats;
}

/** xhat = (x - mean) * invStd; out = gamma * xhat + beta, or its ReLU (small enough for V8 to inline). */
function normalizeOne(
  x: Float32Array, xhat: Float32Array, out: Float32Array, o: number,
  mean: number, invStd: number, gamma: number, beta: number, relu: boolean,
): void {
  const xh = (x[o]! - mean) * invStd;
  xhat[o] = xh;
  const y = gamma * xh + beta;
  // max(y, 0) without a data-dependent branch (it would mispredict on half the values): for the
  // float32 value v, (v + |v|) / 2 is exactly v when v > 0 and +0 otherwise, all in float64
  const v = Math.fround(y);
  out[o] = relu ? (v + Math.abs(v)) * 0.5 : y;
}

/**
 * dx += gamma * invStd / rows * (rows * dy - sum(dy) - xhat * sum(dy * xhat));
 * dgamma += sum(dy * xhat); dbeta += sum(dy).
 * With `reluOut` (the output of a fused BatchNorm + ReLU) dy is first masked where the ReLU was off:
 * the upstream gradient is then exactly what the separate activation's backward would have passed.
 */
export function batchNormTrainBackward(
  dy: Float32Array, xhat: Float32Array, rows: number, c: number, gamma: Float32Array, invStd: Float32Array,
  dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, reluOut: Float32Array | null = null,
): void {
  // the ReLU mask without a branch: a ReLU output is +0 or positive, so its bits as an int32 are
  // 0 or positive, and (-bits) >>> 31 is the 0/1 mask (dy * 0 may be -0: the sums do not change)
  const on = reluOut ? new Int32Array(reluOut.buffer, reluOut.byteOffset, reluOut.length) : null;
  const sumDy = new Float64Array(c), sumDyXhat = new Float64Array(c);
  if (c % 4 !== 0) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        const d = maskedDy(dy, on, o + ch);
        sumDy[ch] += d;
        sumDyXhat[ch] += d * xhat[o + ch]!;
      }
    }
  } else {
    // four channels at a time in local sums (see channelSums), each still summed over rows in order
    const n = rows * c, block = rowBlock(c);
    for (let b0 = 0; b0 < n; b0 += block) for (let ch = 0; ch < c; ch += 4) {
      let s0 = sumDy[ch]!, s1 = sumDy[ch + 1]!, s2 = sumDy[ch + 2]!, s3 = sumDy[ch + 3]!;
      let p0 = sumDyXhat[ch]!, p1 = sumDyXhat[ch + 1]!, p2 = sumDyXhat[ch + 2]!, p3 = sumDyXhat[ch + 3]!;
      for (let o = b0 + ch, b1 = Math.min(n, b0 + block); o < b1; o += c) {
        const d0 = maskedDy(dy, on, o);
        const d1 = maskedDy(dy, on, o + 1);
        const d2 = maskedDy(dy, on, o + 2);
        const d3 = maskedDy(dy, on, o + 3);
        s0 += d0;
        s1 += d1;
        s2 += d2;
        s3 += d3;
        p0 += d0 * xhat[o]!;
        p1 += d1 * xhat[o + 1]!;
        p2 += d2 * xhat[o + 2]!;
        p3 += d3 * xhat[o + 3]!;
      }
      sumDy[ch] = s0;
      sumDy[ch + 1] = s1;
      sumDy[ch + 2] = s2;
      sumDy[ch + 3] = s3;
      sumDyXhat[ch] = p0;
      sumDyXhat[ch + 1] = p1;
      sumDyXhat[ch + 2] = p2;
      sumDyXhat[ch + 3] = p3;
    }
  }
  const scale = new Float32Array(c), meanDy = new Float32Array(c), meanDyXhat = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    dgamma[ch] += sumDyXhat[ch]!;
    dbeta[ch] += sumDy[ch]!;
    scale[ch] = gamma[ch]! * invStd[ch]!;
    meanDy[ch] = sumDy[ch]! / rows;
    meanDyXhat[ch] = sumDyXhat[ch]! / rows;
  }
  if (c % 4 !== 0) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) backOne(dy, on, xhat, dx, o + ch, scale[ch]!, meanDy[ch]!, meanDyXhat[ch]!);
    }
    return;
  }
  const n = rows * c, block = rowBlock(c);
  for (let b0 = 0; b0 < n; b0 += block) for (let ch = 0; ch < c; ch += 4) {
    const s0 = scale[ch]!, s1 = scale[ch + 1]!, s2 = scale[ch + 2]!, s3 = scale[ch + 3]!;
    const d0 = meanDy[ch]!, d1 = meanDy[ch + 1]!, d2 = meanDy[ch + 2]!, d3 = meanDy[ch + 3]!;
    const p0 = meanDyXhat[ch]!, p1 = meanDyXhat[ch + 1]!, p2 = meanDyXhat[ch + 2]!, p3 = meanDyXhat[ch + 3]!;
    for (let o = b0 + ch, b1 = Math.min(n, b0 + block); o < b1; o += c) {
      backOne(dy, on, xhat, dx, o, s0, d0, p0);
      backOne(dy, on, xhat, dx, o + 1, s1, d1, p1);
      backOne(dy, on, xhat, dx, o + 2, s2, d2, p2);
      backOne(dy, on, xhat, dx, o + 3, s3, d3, p3);
    }
  }
}

/** dx += scale * (dy - mean(dy) - xhat * mean(dy * xhat)), dy masked by the fused ReLU if any. */
function backOne(
  dy: Float32Array, on: Int32Array | null, xhat: Float32Array, dx: Float32Array, o: number,
  scale: number, meanDy: number, meanDyXhat: number,
): void {
  dx[o] += scale * (maskedDy(dy, on, o) - meanDy - xhat[o]! * meanDyXhat);
}

/** dy where the fused ReLU was on, 0 (or -0) where it was off; all of dy without a ReLU. */
function maskedDy(dy: Float32Array, on: Int32Array | null, o: number): number {
  return on === null ? dy[o]! : dy[o]! * (-on[o]! >>> 31);
}

/**
 * acc[ch] = sum over rows of x[r, ch] (centre null) or of (x[r, ch] - centre[ch])^2, in row order.
 * With a channel count divisible by 4 the sums run four channels at a time in local variables: a
 * Float64Array accumulator stored and reloaded per element ran 3x slower in V8 (measured).
 */
function channelSums(x: Float32Array, rows: number, c: number, centre: Float64Array | null, acc: Float64Array): void {
  if (c % 4 !== 0) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        if (centre === null) acc[ch] += x[o + ch]!;
        else {
          const d = x[o + ch]! - centre[ch]!;
          acc[ch] += d * d;
        }
      }
    }
    return;
  }
  const n = rows * c, block = rowBlock(c);
  for (let b0 = 0; b0 < n; b0 += block) for (let ch = 0; ch < c; ch += 4) {
    let s0 = acc[ch]!, s1 = acc[ch + 1]!, s2 = acc[ch + 2]!, s3 = acc[ch + 3]!;
    const b1 = Math.min(n, b0 + block);
    if (centre === null) {
      for (let o = b0 + ch; o < b1; o += c) {
        s0 += x[o]!;
        s1 += x[o + 1]!;
        s2 += x[o + 2]!;
        s3 += x[o + 3]!;
      }
    } else {
      const m0 = centre[ch]!, m1 = centre[ch + 1]!, m2 = centre[ch + 2]!, m3 = centre[ch + 3]!;
      for (let o = b0 + ch; o < b1; o += c) {
        const d0 = x[o]! - m0, d1 = x[o + 1]! - m1, d2 = x[o + 2]! - m2, d3 = x[o + 3]! - m3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
    }
    acc[ch] = s0;
    acc[ch + 1] = s1;
    acc[ch + 2] = s2;
    acc[ch + 3] = s3;
  }
}

/**
 * Floats per block of rows in the four-channel loops: each pass over four channels reads every
 * cache line of the block, so over a whole map (several MB at batch 64) the map came from L3 once
 * per four channels; a 16 KB block (times the 3-4 arrays a loop reads) stays in L1 across them.
 * A sum carries over from block to block, still over rows in order, so the bits do not change.
 */
const ROW_BLOCK_FLOATS = 4096;

/** Floats per row block: whole rows of c channels. */
function rowBlock(c: number): number {
  return Math.max(1, Math.floor(ROW_BLOCK_FLOATS / c)) * c;
}

/** Inference: a per-channel affine map from the running statistics. */
export function batchNormEvalForward(
  x: Float32Array, rows: number, c: number, scale: Float32Array, shift: Float32Array, out: Float32Array,
): void {
  for (let r = 0, o = 0; r < rows; r++) for (let ch = 0; ch < c; ch++, o++) out[o] = x[o]! * scale[ch]! + shift[ch]!;
}
