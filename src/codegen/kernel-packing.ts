/**
 * Offline packing of a quantised layer's weights and requantisation for the Cortex-M4 kernels in
 * firmware/nn/kernels (nn_conv.h, nn_dwconv.h, nn_requant.h describe the layouts this produces):
 * - conv: OHWI rows, each kernel row's kw*cin weights padded with zeros to a multiple of 4
 *   (kP = kh * round4(kw*cin): the im2col copies a kernel row as one run of bytes), and zero rows
 *   up to coutP = cout rounded up to 4 (the kernel's 2x4 SMLAD block needs no tail);
 * - per output channel one nn_chan_t record {bias, mult, round, shifts} (4 int32): for conv the
 *   input zero point is folded into the bias ((bias - zIn * sum(w)) * 2^(ls+1): the kernel pads with
 *   zIn and widens the weights times 2^(ls+1), so its accumulator is the requantisation's t);
 *   `round` and `shifts` are the precomputed words of the fast requantisation (nn_requant.h).
 * The fast requantisation is exact while |acc| * 2^(max(shift,0)+1) < 2^31; packing proves it from
 * the weights (|acc| <= |bias| + 255 * sum|w|) and refuses a layer that could exceed it.
 */

export interface ConvLike {
  kh: number;
  kw: number;
  /** OHWI [cout][kh][kw][cin] (conv) or [kh][kw][c] (depthwise). */
  weights: Int8Array;
  bias: Int32Array;
  requant: { multiplier: Int32Array; shift: Int32Array };
}

export interface PackedLayer {
  /** int8 weights in the kernel's layout. */
  weights: Int8Array;
  /** nn_chan_t records, 4 int32 per (padded) output channel. */
  channels: Int32Array;
  /** Output channels the records cover (cout rounded up to 4 for conv, c for depthwise). */
  paddedChannels: number;
  /** SRAM scratch the kernel needs (NN_CONV_SCRATCH_BYTES, NN_DW_SCRATCH_BYTES). */
  scratchBytes: number;
}

export const CHANNEL_RECORD_WORDS = 4;

const round4 = (n: number): number => (n + 3) & ~3;

/**
 * The nn_chan_t words {bias, mult, round, shifts} of one channel (nn_rq_prepare in nn_requant.h):
 * shifts = rs | (ls + 1) << 8 | (rs > 0) << 31. `scaleBias` multiplies the bias by 2^(ls+1), for
 * the dense conv whose widened weights carry that factor.
 */
export function channelRecord(bias: number, multiplier: number, shift: number, scaleBias = false): [number, number, number, number] {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const round = right > 0 ? 2 ** (right - 1) : 0;
  const shifts = (right | ((left + 1) << 8) | (right > 0 ? 0x80000000 : 0)) | 0;
  return [scaleBias ? bias * 2 ** (left + 1) : bias, multiplier | 0, round | 0, shifts];
}

function checkFastBound(layer: string, channel: number, bias: number, absWeightSum: number, shift: number): void {
  const left = shift > 0 ? shift : 0;
  const bound = Math.abs(bias) + 255 * absWeightSum;
  if (bound * 2 ** (left + 1) >= 2 ** 31) {
    throw new Error(`${layer}: channel ${channel} accumulator bound ${bound} with shift ${shift} exceeds the kernels' requantisation range (|acc| * 2^(shift+1) < 2^31)`);
  }
}

/** The kernels widen weights to int16 times 2^(ls+1): 127 * 2^(ls+1) must fit. */
function checkWeightScaling(layer: string, channel: number, shift: number): void {
  if (shift > 7) throw new Error(`${layer}: channel ${channel} shift ${shift} > 7 is beyond the kernels' int16 weight scaling`);
}

/** Conv k x k (and 1x1): weights [coutP][kP], records with zIn folded into the bias. */
export function packConv2d(layer: ConvLike, cin: number, inputZeroPoint: number, name = 'conv2d'): PackedLayer {
  const cout = layer.bias.length;
  const k = layer.kh * layer.kw * cin;
  if (layer.weights.length !== cout * k) throw new Error(`${name}: ${layer.weights.length} weights, expected ${cout} x ${k}`);
  const row = layer.kw * cin, rowP = round4(row);
  const kP = layer.kh * rowP, coutP = round4(cout);
  const weights = new Int8Array(coutP * kP);
  const channels = new Int32Array(coutP * CHANNEL_RECORD_WORDS);
  for (let co = 0; co < cout; co++) {
    let sum = 0, absSum = 0;
    for (let i = 0; i < k; i++) {
      const w = layer.weights[co * k + i]!;
      weights[co * kP + Math.floor(i / row) * rowP + (i % row)] = w;
      sum += w;
      absSum += Math.abs(w);
    }
    const bias = layer.bias[co]! - inputZeroPoint * sum;
    const shift = layer.requant.shift[co]!;
    checkFastBound(name, co, layer.bias[co]!, absSum, shift);
    checkWeightScaling(name, co, shift);
    channels.set(channelRecord(bias, layer.requant.multiplier[co]!, shift, true), co * CHANNEL_RECORD_WORDS);
  }
  // Padding rows: zero weights, zero bias, a valid multiplier; their outputs are never stored.
  for (let co = cout; co < coutP; co++) channels.set(channelRecord(0, 1 << 30, 0), co * CHANNEL_RECORD_WORDS);
  return { weights, channels, paddedChannels: coutP, scratchBytes: 16 * coutP + (2 * coutP + 5) * kP };
}

/** NN_DW_SCRATCH_BYTES of nn_dwconv.h: the larger of the 4-channel-group and the 3x3 row layouts. */
function depthwiseScratchBytes(layer: { kh: number; kw: number; padH: number; padW: number; stride: number }, c: number, h: number, w: number): number {
  const ph = h + 2 * layer.padH, pw = w + 2 * layer.padW;
  const outPixels = (Math.floor((ph - layer.kh) / layer.stride) + 1) * (Math.floor((pw - layer.kw) / layer.stride) + 1);
  const group = (ph * pw + layer.kh * layer.kw) * round4(c) * 2 + outPixels * 16;
  const rows = ph * c * ((pw + 2) & ~1) * 2 + outPixels * 4;
  return Math.max(group, rows);
}

/**
 * Depthwise k x k (also 1x1): weights unchanged ([kh][kw][c]), records with bias * 2^(ls+1); the
 * scratch holds the zero-padded input widened to int16 and the widened weights (nn_dwconv.h).
 */
export function packDepthwise(
  layer: ConvLike & { padH: number; padW: number; stride: number }, inputHeight: number, inputWidth: number, name = 'depthwise',
): PackedLayer {
  const c = layer.bias.length;
  const taps = layer.kh * layer.kw;
  if (layer.weights.length !== taps * c) throw new Error(`${name}: ${layer.weights.length} weights, expected ${taps} x ${c}`);
  const channels = new Int32Array(c * CHANNEL_RECORD_WORDS);
  for (let ch = 0; ch < c; ch++) {
    let absSum = 0;
    for (let t = 0; t < taps; t++) absSum += Math.abs(layer.weights[t * c + ch]!);
    const shift = layer.requant.shift[ch]!;
    checkFastBound(name, ch, layer.bias[ch]!, absSum, shift);
    checkWeightScaling(name, ch, shift);
    channels.set(channelRecord(layer.bias[ch]!, layer.requant.multiplier[ch]!, shift, true), ch * CHANNEL_RECORD_WORDS);
  }
  return { weights: Int8Array.from(layer.weights), channels, paddedChannels: c, scratchBytes: depthwiseScratchBytes(layer, c, inputHeight, inputWidth) };
}
