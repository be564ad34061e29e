#include "normalise.h"

/* num / den rounded half away from zero, den > 0 (C division truncates). */
static int32_t round_half_away_div(int32_t num, int32_t den) {
  int32_t half = den / 2;
  return (num >= 0 ? num + half : num - half) / den;
}

void normalise_frame(const int16_t *centi, uint32_t pixels, int subtract_mean, int32_t centi_per_step,
                     int32_t zero_point, int8_t *out) {
  const int32_t n = (int32_t)pixels;
  int32_t sum = 0;
  if (subtract_mean) {
    for (uint32_t i = 0; i < pixels; i++) sum += centi[i];
  }
  const int32_t den = n * centi_per_step;
  for (uint32_t i = 0; i < pixels; i++) {
    int32_t q = zero_point + round_half_away_div(centi[i] * n - sum, den);
    out[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
  }
}
