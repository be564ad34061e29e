/* The detector's int8 ops without a weight product (firmware/nn/README.md, "int8 arithmetic";
 * host reference src/nn/quant/int8-ops.ts): max-pool, global avg/max pool, channel mean/max, table
 * lookup, broadcast multiply, add, channel-slice copy and nearest resize. Every map is NHWC with a
 * pixel stride in bytes (>= channels), so inputs and outputs may be channel slices of a concat. */
#include <arm_acle.h>
#include <string.h>
#include "nn_kernels.h"

/* Four bytewise signed maxima at once: SSUB8 sets GE per byte where a >= b, SEL picks. */
static inline uint32_t max4(uint32_t a, uint32_t b) {
  (void)__ssub8(a, b);
  return __sel(a, b);
}

void nn_maxpool_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride, int k, int stride, int pad,
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

/* Two outputs per turn: two loads, the four requantisation instructions (nn_rq_t) twice, the
 * clamp twice, two stores. */
#define NN_RQ_COLUMN_LOOP2(CLAMP0, CLAMP1)                                                              \
  __asm__ volatile("1:\n\t"                                                                           \
                   "ldr %[t0], [%[a]]\n\t"                                                            \
                   "ldr %[t1], [%[a], %[astep]]\n\t"                                                  \
                   "add %[a], %[a], %[astep], lsl #1\n\t"                                             \
                   "smmlar %[y0], %[t0], %[m], %[r]\n\t"                                              \
                   "smmlar %[y1], %[t1], %[m], %[r]\n\t"                                              \
                   "and %[t0], %[t0], %[s]\n\t"                                                       \
                   "and %[t1], %[t1], %[s]\n\t"                                                       \
                   "add %[y0], %[y0], %[t0], asr #31\n\t"                                             \
                   "add %[y1], %[y1], %[t1], asr #31\n\t"                                             \
                   "asr %[y0], %[y0], %[s]\n\t"                                                       \
                   "asr %[y1], %[y1], %[s]\n\t" CLAMP0 CLAMP1                                         \
                   "strb %[y0], [%[d]]\n\t"                                                           \
                   "strb %[y1], [%[d], %[dstep]]\n\t"                                                 \
                   "add %[d], %[d], %[dstep], lsl #1\n\t"                                             \
                   "cmp %[a], %[end]\n\t"                                                             \
                   "bcc 1b"                                                                           \
                   : [a] "+r"(acc), [d] "+r"(dst), [t0] "=&r"(t0), [t1] "=&r"(t1), [y0] "=&r"(y0),    \
                     [y1] "=&r"(y1)                                                                   \
                   : [astep] "r"(acc_step * 4), [dstep] "r"(dst_stride), [m] "r"(m), [r] "r"(r),       \
                     [s] "r"(s), [z] "r"(zout), [end] "r"(end2)                                       \
                   : "cc", "memory")
#define NN_RELU(y) "usat %[" y "], #31, %[" y "]\n\tadd %[" y "], %[" y "], %[z]\n\tssat %[" y "], #8, %[" y "]\n\t"
#define NN_LINEAR(y) "add %[" y "], %[" y "], %[z]\n\tssat %[" y "], #8, %[" y "]\n\t"

void nn_requant_column(const int32_t *acc, int acc_step, int8_t *dst, int dst_stride, int n, const nn_chan_t *ch,
                       int32_t zout, int32_t act_min, int32_t act_max) {
  const int32_t m = ch->mult, r = ch->round;
  const uint32_t s = ch->shifts;
  const int32_t *end2 = acc + (n & ~1) * acc_step;
  int32_t t0, t1, y0, y1;
  const int relu = act_min == zout && act_max == 127, linear = act_min == -128 && act_max == 127;
  if (n >= 2 && relu) {
    NN_RQ_COLUMN_LOOP2(NN_RELU("y0"), NN_RELU("y1"));
  } else if (n >= 2 && linear) {
    NN_RQ_COLUMN_LOOP2(NN_LINEAR("y0"), NN_LINEAR("y1"));
  }
  const int32_t *end = acc + (n - (relu || linear ? (n & ~1) : 0)) * acc_step;
  for (; acc < end; acc += acc_step, dst += dst_stride) *dst = nn_out_clamp(nn_rq_t(*acc, m, r, s), zout, act_min, act_max);
}

/* C's (num >= 0 ? num + den / 2 : num - den / 2) / den, as roundHalfAwayDiv in fixed-point.ts. */
static inline int32_t round_half_away_div(int32_t num, int32_t den) {
  return (num >= 0 ? num + den / 2 : num - den / 2) / den;
}

void nn_global_pool_s8(const int8_t *in, int h, int w, int c, int in_stride, int kind_max, int8_t *out) {
  const int pixels = h * w;
  for (int ch = 0; ch < c; ch++) {
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
  for (int i = 0; i < pixels; i++) {
    const int8_t *p = in + i * in_stride;
    int32_t sum = 0, max = -128;
    for (int ch = 0; ch < c; ch++) {
      sum += p[ch];
      if (p[ch] > max) max = p[ch];
    }
    out[2 * i] = (int8_t)round_half_away_div(sum, c);
    out[2 * i + 1] = (int8_t)max;
  }
}

void nn_lut_s8(const int8_t *in, int n, const int8_t *lut, int8_t *out) {
  for (int i = 0; i < n; i++) out[i] = lut[in[i] + 128];
}

void nn_mul_s8(const int8_t *x, int h, int w, int c, int x_stride, const int8_t *gate, int per_pixel,
               int32_t zx, int32_t zg, int32_t zout, int32_t mult, int32_t shift, int32_t act_min,
               int32_t act_max, int8_t *out, int out_stride) {
  /* |(x - zx) * (g - zg)| <= 255 * 255 < 2^16: the fast form is exact for shift <= 13. */
  const nn_chan_t rq = nn_rq_prepare(0, mult, shift);
  const int fast = shift <= 13;
  const int pixels = h * w;
  for (int i = 0; i < pixels; i++) {
    const int8_t *xp = x + i * x_stride;
    int8_t *op = out + i * out_stride;
    for (int ch = 0; ch < c; ch++) {
      int32_t g = gate[per_pixel ? i : ch] - zg;
      int32_t v = (xp[ch] - zx) * g;
      int32_t r = fast ? nn_rq_fast(v, rq.mult, rq.round, rq.shifts) : nn_requantize(v, mult, shift);
      op[ch] = nn_out_clamp(r, zout, act_min, act_max);
    }
  }
}

void nn_add_s8(const int8_t *a, const int8_t *b, int n, const nn_add_params_t *p, int8_t *out) {
  const int32_t scale = 1 << p->left_shift;
  for (int i = 0; i < n; i++) {
    int32_t sa = nn_requantize((a[i] - p->za) * scale, p->mult1, p->shift1);
    int32_t sb = nn_requantize((b[i] - p->zb) * scale, p->mult2, p->shift2);
    int32_t r = nn_requantize(sa + sb, p->mult_out, p->shift_out);
    out[i] = (int8_t)nn_clamp(r + p->zout, p->act_min, p->act_max);
  }
}

void nn_copy_channels_s8(const int8_t *in, int pixels, int c, int in_stride, int8_t *out, int out_stride) {
  if (in_stride == c && out_stride == c) {
    memcpy(out, in, (size_t)pixels * c);
    return;
  }
  for (int i = 0; i < pixels; i++) memcpy(out + i * out_stride, in + i * in_stride, (size_t)c);
}

/* Output row oy reads input row min(h - 1, floor(oy * h / oh)), columns alike (nearestSource). */
void nn_resize_nearest_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride, int8_t *out, int out_h,
                          int out_w, int out_stride) {
  for (int oy = 0; oy < out_h; oy++) {
    int iy = oy * in_h / out_h;
    if (iy > in_h - 1) iy = in_h - 1;
    for (int ox = 0; ox < out_w; ox++) {
      int ix = ox * in_w / out_w;
      if (ix > in_w - 1) ix = in_w - 1;
      memcpy(out + (oy * out_w + ox) * out_stride, in + (iy * in_w + ix) * in_stride, (size_t)c);
    }
  }
}
