/**
 * From a TFRM frame (int16 centi-degrees, firmware/frames/README.md) to the detector's int8 input,
 * in integer steps the firmware repeats bit for bit (firmware/nn/README.md, "Input normalisation").
 * Training feeds (°C - frame mean) * scale (src/nn/train/batch.ts inputTensor); here the frame
 * mean is never rounded: with n pixels and sum = Σ centi,
 *   q = clamp(zeroPoint + roundHalfAwayDiv(centi * n - sum, n * centiPerStep), -128, 127),
 * i.e. (centi - sum / n) / centiPerStep rounded once. Without mean subtraction the numerator is
 * centi * n.
 */
import type { InputQuantization } from './graph.js';
import { clampInt8, roundHalfAwayDiv } from './fixed-point.js';

/** °C -> int16 centi-degrees exactly as the TFRM writer rounds them (src/nn/data/frame-file.ts). */
export function celsiusToCenti(celsius: ArrayLike<number>): Int16Array {
  const out = new Int16Array(celsius.length);
  for (let i = 0; i < celsius.length; i++) {
    const centi = Math.round(celsius[i]! * 100);
    if (!(centi >= -32768 && centi <= 32767)) throw new Error(`pixel ${i}: ${celsius[i]} °C does not fit int16 centi-degrees`);
    out[i] = centi;
  }
  return out;
}

export function normaliseFrameToInt8(centi: ArrayLike<number>, q: InputQuantization): Int8Array {
  const n = centi.length;
  let sum = 0;
  if (q.subtractFrameMean) for (let i = 0; i < n; i++) sum += centi[i]!;
  const den = n * q.centiPerStep;
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = clampInt8(q.zeroPoint + roundHalfAwayDiv(centi[i]! * n - sum, den));
  return out;
}

/** The input tensor's scale (network units per int8 step) for a training transform scale per °C. */
export function inputScale(q: InputQuantization, floatScalePerCelsius: number): number {
  return (q.centiPerStep / 100) * floatScalePerCelsius;
}
