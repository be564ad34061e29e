/**
 * Fixed-point arithmetic of int8 inference, bit for bit what the C kernels compute:
 * TFLite's reference requantisation (gemmlowp SaturatingRoundingDoublingHighMul and
 * RoundingDivideByPOT), which CMSIS-NN implements as arm_nn_requantize when
 * CMSIS_NN_USE_SINGLE_ROUNDING is not defined. Written by hand because no npm library offers this
 * exact rounding; the products are done in exact doubles (no BigInt) because this runs per output
 * element of the host reference.
 */

const TWO_POW_31 = 2147483648;
const TWO_POW_30 = 1073741824;
const TWO_POW_16 = 65536;
const TWO_POW_15 = 32768;

/**
 * gemmlowp SaturatingRoundingDoublingHighMul(a, b): round(a * b / 2^31) with ties towards +inf
 * (the nudge 1 - 2^30 on negative products with truncating division equals floor((ab + 2^30) / 2^31)),
 * saturating the single overflow case a = b = INT32_MIN.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === -TWO_POW_31 && b === -TWO_POW_31) return TWO_POW_31 - 1;
  // b = bh * 2^15 + bl with 0 <= bl < 2^15; every partial product below is exact in a double.
  const bl = b & 0x7fff;
  const bh = (b - bl) / TWO_POW_15;
  const high = a * bh; // |high| < 2^47
  const highRest = high - Math.floor(high / TWO_POW_16) * TWO_POW_16; // high mod 2^16, in [0, 2^16)
  const highQuot = (high - highRest) / TWO_POW_16;
  // a*b + 2^30 = highQuot * 2^31 + (highRest * 2^15 + a * bl + 2^30)
  const low = highRest * TWO_POW_15 + a * bl + TWO_POW_30;
  return highQuot + Math.floor(low / TWO_POW_31);
}

/** gemmlowp RoundingDivideByPOT(x, exponent): x / 2^exponent rounded half away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = ((1 << exponent) - 1) | 0; // exponent 31: 0x7fffffff, as the C expression wraps
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * arm_nn_requantize(acc, multiplier, shift): acc * 2^max(shift, 0) (int32, wrapping like the C
 * shift), high-multiplied by the Q31 multiplier, then divided by 2^max(-shift, 0) with rounding.
 */
export function requantize(acc: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul((acc << left) | 0, multiplier), right);
}

export interface QuantizedMultiplier {
  /** Q31 in [2^30, 2^31). */
  multiplier: number;
  /** In [-31, 30]: positive is a left shift. */
  shift: number;
}

/**
 * TFLite QuantizeMultiplier: real = multiplier * 2^(shift - 31) with the multiplier rounded to Q31.
 * The real value must be positive and within what [-31, 30] shifts can express.
 */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (!(real > 0) || !Number.isFinite(real)) throw new Error(`requantisation scale must be a positive number, got ${real}`);
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = real / 2 ** shift; // in [0.5, 1) up to log2 rounding, corrected below
  if (q >= 1) { q /= 2; shift++; }
  if (q < 0.5) { q *= 2; shift--; }
  let multiplier = Math.round(q * TWO_POW_31);
  if (multiplier === TWO_POW_31) { multiplier /= 2; shift++; }
  if (shift < -31 || shift > 30) throw new Error(`requantisation scale ${real} needs shift ${shift}, outside [-31, 30]`);
  return { multiplier, shift };
}

/** The real scale a quantised multiplier stands for. */
export function multiplierValue(m: QuantizedMultiplier): number {
  return (m.multiplier / TWO_POW_31) * 2 ** m.shift;
}

/**
 * num / den rounded half away from zero, for den > 0, as C computes it with truncating division:
 * (num >= 0 ? num + den / 2 : num - den / 2) / den (den / 2 truncated too).
 */
export function roundHalfAwayDiv(num: number, den: number): number {
  const half = Math.trunc(den / 2);
  return Math.trunc((num >= 0 ? num + half : num - half) / den);
}

export function clampInt8(v: number, lo = -128, hi = 127): number {
  return v < lo ? lo : v > hi ? hi : v;
}
