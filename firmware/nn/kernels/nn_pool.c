/* Pooling ops (firmware/nn/README.md, "int8 arithmetic"; host reference src/nn/quant/int8-ops.ts):
 * global average/max pool, per-pixel channel mean/max (max-pool: nn_pool.h). Word-wide paths work
 * on four channels at once: SSUB8 + SEL for maxima, SXTAB16 to sum bytes in 16-bit lanes. */
#include <arm_acle.h>
#include <string.h>
#include "nn_kernels.h"

static inline uint32_t ld(const int8_t *p) {
  return nn_ld4(p);
}

void nn_maxpool_generic(const int8_t *in, int in_h, int in_w, int c, int in_stride, int k, int stride, int pad,
                   int8_t *out, int out_h, int out_w, int out_stride) {
  const int c4 = (c & 3) == 0 && (in_stride & 3) == 0 && (out_stride & 3) == 0 && (((uintptr_t)in | (uintptr_t)out) & 3) == 0 ? c : 0;
  for (int oy = 0; oy < out_h; oy++) {
    const int iy0 = oy * stride - pad;
    const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = iy0 + k > in_h ? in_h - iy0 : k;
    for (int ox = 0; ox < out_w; ox++) {
      const int ix0 = ox * stride - pad;
      const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = ix0 + k > in_w ? in_w - ix0 : k;
      int8_t *dst = out + (oy * out_w + ox) * out_stride;
      const int8_t *first = in + ((iy0 + ky0) * in_w + ix0 + kx0) * in_stride;
      for (int ch = 0; ch < c4; ch += 4) {
        uint32_t m = *(const uint32_t *)(first + ch);
        for (int ky = ky0; ky < ky1; ky++) {
          const int8_t *row = in + ((iy0 + ky) * in_w + ix0) * in_stride + ch;
          for (int kx = kx0; kx < kx1; kx++) m = nn_max4(m, *(const uint32_t *)(row + kx * in_stride));
        }
        *(uint32_t *)(dst + ch) = m;
      }
      for (int ch = c4; ch < c; ch++) {
        int8_t m = first[ch];
        for (int ky = ky0; ky < ky1; ky++)
          for (int kx = kx0; kx < kx1; kx++) {
            int8_t v = in[((iy0 + ky) * in_w + ix0 + kx) * in_stride + ch];
            if (v > m) m = v;
          }
        dst[ch] = m;
      }
    }
  }
}

/* C's (num >= 0 ? num + den / 2 : num - den / 2) / den, as roundHalfAwayDiv in fixed-point.ts. */
static inline int32_t round_half_away_div(int32_t num, int32_t den) {
  return (num >= 0 ? num + den / 2 : num - den / 2) / den;
}

void nn_global_pool_s8(const int8_t *in, int h, int w, int c, int in_stride, int kind_max, int8_t *out) {
  const int pixels = h * w;
  int ch = 0;
  if ((in_stride & 3) == 0 && ((uintptr_t)in & 3) == 0) {
    for (; ch + 4 <= c; ch += 4) {
      const int8_t *p = in + ch;
      if (kind_max) {
        uint32_t m = 0x80808080u;
        for (int i = 0; i < pixels; i++, p += in_stride) m = nn_max4(m, ld(p));
        for (int j = 0; j < 4; j++) out[ch + j] = (int8_t)(m >> (8 * j));
        continue;
      }
      /* Sums of at most 256 bytes fit the 16-bit lanes; longer maps add up in chunks. */
      int32_t sum[4] = { 0, 0, 0, 0 };
      for (int done = 0; done < pixels;) {
        const int n = pixels - done < 256 ? pixels - done : 256;
        uint32_t even = 0, odd = 0;
        for (int i = 0; i < n; i++, p += in_stride) {
          const uint32_t v = ld(p);
          even = __sxtab16(even, v);
          odd = __sxtab16(odd, nn_ror8(v));
        }
        sum[0] += (int16_t)even;
        sum[2] += (int16_t)(even >> 16);
        sum[1] += (int16_t)odd;
        sum[3] += (int16_t)(odd >> 16);
        done += n;
      }
      for (int j = 0; j < 4; j++) out[ch + j] = (int8_t)round_half_away_div(sum[j], pixels);
    }
  }
  for (; ch < c; ch++) {
    int32_t acc = kind_max ? -128 : 0;
    const int8_t *p = in + ch;
    for (int i = 0; i < pixels; i++, p += in_stride) {
      if (kind_max) acc = *p > acc ? *p : acc;
      else acc += *p;
    }
    out[ch] = (int8_t)(kind_max ? acc : round_half_away_div(acc, pixels));
  }
}

void nn_channel_mean_max_s8(const int8_t *in, int h, int w, int c, int in_stride, int8_t *out) {
  const int pixels = h * w;
  const int words = (in_stride & 3) == 0 && ((uintptr_t)in & 3) == 0 && c <= 256 ? c & ~3 : 0;
  for (int i = 0; i < pixels; i++) {
    const int8_t *p = in + i * in_stride;
    int32_t sum = 0, max = -128;
    if (words) {
      uint32_t even = 0, odd = 0, m = 0x80808080u;
      for (int ch = 0; ch < words; ch += 4) {
        const uint32_t v = ld(p + ch);
        even = __sxtab16(even, v);
        odd = __sxtab16(odd, nn_ror8(v));
        m = nn_max4(m, v);
      }
      sum = (int16_t)even + (int16_t)(even >> 16) + (int16_t)odd + (int16_t)(odd >> 16);
      m = nn_max4(m, (m >> 16 | m << 16));
      m = nn_max4(m, nn_ror8(m));
      max = (int8_t)m;
    }
    for (int ch = words; ch < c; ch++) {
      sum += p[ch];
      if (p[ch] > max) max = p[ch];
    }
    out[2 * i] = (int8_t)round_half_away_div(sum, c);
    out[2 * i + 1] = (int8_t)max;
  }
}
