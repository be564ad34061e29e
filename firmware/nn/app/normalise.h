/* TFRM centi-degrees -> the network's int8 input, bit for bit as normaliseFrameToInt8
 * (src/nn/quant/normalise.ts): with n pixels and sum = the frame's sum of centi-degrees,
 * q = clamp(zero_point + round_half_away(centi * n - sum, n * centi_per_step), -128, 127)
 * (without the mean, sum = 0). Integer only: no float rounding can differ between the host and
 * the Cortex-M4. */
#ifndef DETECTOR_NORMALISE_H
#define DETECTOR_NORMALISE_H
#include <stdint.h>

void normalise_frame(const int16_t *centi, uint32_t pixels, int subtract_mean, int32_t centi_per_step,
                     int32_t zero_point, int8_t *out);
#endif
