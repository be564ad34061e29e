/* Pooling ops (firmware/nn/README.md, "int8 arithmetic"; host reference src/nn/quant/int8-ops.ts):
 * max-pool (padding never wins), global average/max pool, per-pixel channel mean/max. Word-wide
 * paths work on four channels at once: SSUB8 + SEL for maxima, SXTAB16 to sum bytes in 16-bit lanes. */
#include <arm_acle.h>
#include <string.h>
#include "nn_kernels.h"

/* Four bytewise signed maxima at once: SSUB8 sets GE per byte where a >= b, SEL picks. */
static inline uint32_t max4(uint32_t a, uint32_t b) {
  (void)__ssub8(a, b);
  return __sel(a, b);
}

static inline uint32_t ld(const int8_t *p) {
  return *(const uint32_t *)(const void *)p;
}

static inline void st(int8_t *p, uint32_t v) {
  *(uint32_t *)(void *)p = v;
}

__attribute__((noinline)) static void maxpool_generic(const int8_t *in, int in_h, int in_w, int c, int in_stride, int k, int stride, int pad,
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
          for (int kx = kx0; kx < kx1; kx++) m = max4(m, *(const uint32_t *)(row + kx * in_stride));
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

/* 2x2 stride 2, no padding: every window lies inside the map. */
__attribute__((noinline)) static void maxpool_2x2(const int8_t *in, int in_w, int c, int is, int8_t *out, int out_h, int out_w, int os) {
  for (int oy = 0; oy < out_h; oy++) {
    const int8_t *p = in + (2 * oy * in_w) * is;
    int8_t *o = out + oy * out_w * os;
    for (int ox = 0; ox < out_w; ox++, p += 2 * is, o += os) {
      const int8_t *r = p + in_w * is;
      for (int ch = 0; ch < c; ch += 4) st(o + ch, max4(max4(ld(p + ch), ld(p + is + ch)), max4(ld(r + ch), ld(r + is + ch))));
    }
  }
}

/* 3x3 stride 1, padding 1 (the SPPF pool), separable: the column maxima of three rows into `vrow`,
 * then the maxima of three neighbours along the row; the map's edges simply have fewer terms. */
__attribute__((noinline)) static void maxpool_3x3(const int8_t *in, int h, int w, int c, int is, int8_t *out, int os, int8_t *vrow) {
  for (int y = 0; y < h; y++) {
    const int8_t *mid = in + y * w * is;
    const int8_t *up = y > 0 ? mid - w * is : mid, *down = y + 1 < h ? mid + w * is : mid;
    for (int x = 0; x < w; x++)
      for (int ch = 0; ch < c; ch += 4) {
        const int off = x * is + ch;
        st(vrow + x * c + ch, max4(max4(ld(up + off), ld(mid + off)), ld(down + off)));
      }
    int8_t *o = out + y * w * os;
    for (int x = 0; x < w; x++, o += os) {
      const int8_t *v = vrow + x * c;
      const int8_t *l = x > 0 ? v - c : v, *r = x + 1 < w ? v + c : v;
      for (int ch = 0; ch < c; ch += 4) st(o + ch, max4(max4(ld(l + ch), ld(v + ch)), ld(r + ch)));
    }
  }
}

void nn_maxpool_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride, int k, int stride, int pad,
                   int8_t *out, int out_h, int out_w, int out_stride) {
  const int words = (c & 3) == 0 && (in_stride & 3) == 0 && (out_stride & 3) == 0 && (((uintptr_t)in | (uintptr_t)out) & 3) == 0;
  if (words && k == 2 && stride == 2 && pad == 0) {
    maxpool_2x2(in, in_w, c, in_stride, out, out_h, out_w, out_stride);
  } else if (words && k == 3 && stride == 1 && pad == 1 && in_w * c <= 2048) {
    uint32_t vrow[512];
    maxpool_3x3(in, in_h, in_w, c, in_stride, out, out_stride, (int8_t *)vrow);
  } else {
    maxpool_generic(in, in_h, in_w, c, in_stride, k, stride, pad, out, out_h, out_w, out_stride);
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
        for (int i = 0; i < pixels; i++, p += in_stride) m = max4(m, ld(p));
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
        m = max4(m, v);
      }
      sum = (int16_t)even + (int16_t)(even >> 16) + (int16_t)odd + (int16_t)(odd >> 16);
      m = max4(m, (m >> 16 | m << 16));
      m = max4(m, nn_ror8(m));
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
