/* The detector's int8 ops without a weight product (firmware/nn/README.md, "int8 arithmetic";
 * host reference src/nn/quant/int8-ops.ts): table lookup, broadcast multiply, add, channel-slice
 * copy and nearest resize (pools: nn_pool.c). Every map is NHWC with a
 * pixel stride in bytes (>= channels), so inputs and outputs may be channel slices of a concat. */
#include <arm_acle.h>
#include <string.h>
#include "nn_kernels.h"

void nn_lut_s8(const int8_t *in, int n, const int8_t *lut, int8_t *out) {
  for (int i = 0; i < n; i++) out[i] = lut[in[i] + 128];
}

/* One gated element with the fast requantisation: g2 = (g - zg) * 2^(ls+1), so (x - zx) * g2 is
 * already the t of nn_rq_t. */
static inline int8_t mul_one(int32_t x, int32_t zx, int32_t g2, const nn_chan_t *rq, int32_t zout, int32_t act_min,
                             int32_t act_max) {
  return nn_out_clamp(nn_rq_t((x - zx) * g2, rq->mult, rq->round, rq->shifts), zout, act_min, act_max);
}

/* Four channels of one pixel: SXTAB16 takes zx away while widening, SMULxy multiplies each 16-bit
 * lane by its gate lane (SMLABB/SMLATT with 0; ge = gates of channels 0 and 2, go = 1 and 3), one
 * word store. */
NN_INLINE uint32_t mul_word(uint32_t xv, uint32_t nzx, uint32_t ge, uint32_t go, const nn_chan_t *rq, int32_t zout,
                            int32_t act_min, int32_t act_max) {
  const uint32_t xe = __sxtab16(nzx, xv), xo = __sxtab16(nzx, nn_ror8(xv));
  const uint32_t b0 = (uint8_t)nn_rq_out(__smlabb(xe, ge, 0), rq->mult, rq->round, rq->shifts, zout, act_min, act_max);
  const uint32_t b1 = (uint8_t)nn_rq_out(__smlabb(xo, go, 0), rq->mult, rq->round, rq->shifts, zout, act_min, act_max);
  const uint32_t b2 = (uint8_t)nn_rq_out(__smlatt(xe, ge, 0), rq->mult, rq->round, rq->shifts, zout, act_min, act_max);
  const uint32_t b3 = (uint8_t)nn_rq_out(__smlatt(xo, go, 0), rq->mult, rq->round, rq->shifts, zout, act_min, act_max);
  return b0 | b1 << 8 | b2 << 16 | b3 << 24;
}

NN_INLINE void mul_map(const int8_t *x, int pixels, int c, int x_stride, const int8_t *gate, int per_pixel, int32_t zx,
                       int32_t zg, const nn_chan_t *rq, int32_t zout, int32_t act_min, int32_t act_max, int8_t *out,
                       int out_stride) {
  const int32_t scale = 1 << NN_RQ_LEFT(rq->shifts);
  /* Word-wide when four channels fit a word and each scaled gate fits a 16-bit lane (|g2| <= 255 * 2^7). */
  if ((c & 3) == 0 && c <= 64 && ((x_stride | out_stride) & 3) == 0 && (((uintptr_t)x | (uintptr_t)out) & 3) == 0 &&
      scale <= 128) {
    const uint32_t nzx = (uint32_t)nn_zin_pair(-zx);
    uint32_t ge[16], go[16];
    if (!per_pixel)
      for (int g = 0; g < c / 4; g++) {
        const int8_t *gp = gate + 4 * g;
        ge[g] = (uint16_t)((gp[0] - zg) * scale) | (uint32_t)((gp[2] - zg) * scale) << 16;
        go[g] = (uint16_t)((gp[1] - zg) * scale) | (uint32_t)((gp[3] - zg) * scale) << 16;
      }
    for (int i = 0; i < pixels; i++) {
      const uint32_t *xp = (const uint32_t *)(const void *)(x + i * x_stride);
      uint32_t *op = (uint32_t *)(void *)(out + i * out_stride);
      if (per_pixel) {
        const uint32_t g2 = (uint16_t)((gate[i] - zg) * scale), gg = g2 | g2 << 16;
        for (int g = 0; g < c / 4; g++) op[g] = mul_word(xp[g], nzx, gg, gg, rq, zout, act_min, act_max);
      } else {
        for (int g = 0; g < c / 4; g++) op[g] = mul_word(xp[g], nzx, ge[g], go[g], rq, zout, act_min, act_max);
      }
    }
    return;
  }
  if (per_pixel) {
    for (int i = 0; i < pixels; i++) {
      const int32_t g2 = (gate[i] - zg) * scale;
      const int8_t *xp = x + i * x_stride;
      int8_t *op = out + i * out_stride;
      for (int ch = 0; ch < c; ch++) op[ch] = mul_one(xp[ch], zx, g2, rq, zout, act_min, act_max);
    }
    return;
  }
  int32_t g2[64];
  for (int done = 0; done < c; done += 64) {
    const int n = c - done < 64 ? c - done : 64;
    for (int ch = 0; ch < n; ch++) g2[ch] = (gate[done + ch] - zg) * scale;
    for (int i = 0; i < pixels; i++) {
      const int8_t *xp = x + i * x_stride + done;
      int8_t *op = out + i * out_stride + done;
      for (int ch = 0; ch < n; ch++) op[ch] = mul_one(xp[ch], zx, g2[ch], rq, zout, act_min, act_max);
    }
  }
}

void nn_mul_s8(const int8_t *x, int h, int w, int c, int x_stride, const int8_t *gate, int per_pixel,
               int32_t zx, int32_t zg, int32_t zout, int32_t mult, int32_t shift, int32_t act_min,
               int32_t act_max, int8_t *out, int out_stride) {
  const int pixels = h * w;
  /* |(x - zx) * (g - zg)| <= 255 * 255 < 2^16: the fast form is exact while ls + 1 <= 15. */
  if (shift > 13) {
    for (int i = 0; i < pixels; i++)
      for (int ch = 0; ch < c; ch++) {
        int32_t v = (x[i * x_stride + ch] - zx) * (gate[per_pixel ? i : ch] - zg);
        out[i * out_stride + ch] = nn_out_clamp(nn_requantize(v, mult, shift), zout, act_min, act_max);
      }
    return;
  }
  const nn_chan_t rq = nn_rq_prepare(0, mult, shift);
  /* The clamp decided once: literal bounds let nn_out_clamp drop what it does not need. */
  if (act_min == zout && act_max == 127) mul_map(x, pixels, c, x_stride, gate, per_pixel, zx, zg, &rq, zout, zout, 127, out, out_stride);
  else if (act_min == -128 && act_max == 127) mul_map(x, pixels, c, x_stride, gate, per_pixel, zx, zg, &rq, zout, -128, 127, out, out_stride);
  else mul_map(x, pixels, c, x_stride, gate, per_pixel, zx, zg, &rq, zout, act_min, act_max, out, out_stride);
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
