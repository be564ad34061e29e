/* Max-pool (padding never wins; firmware/nn/README.md, "int8 arithmetic"): always inlined, so the
 * code generator's literal shapes unroll the channel loops. Word-wide paths (channels % 4 == 0,
 * aligned) take four bytewise maxima at once with SSUB8 + SEL; 2x2/2 and the SPPF's 3x3/1 (separable:
 * column maxima into a row buffer, then along the row) have their own loops. */
#ifndef NN_POOL_H
#define NN_POOL_H
#include <arm_acle.h>
#include <stdint.h>
#include "nn_requant.h"

/* Four bytewise signed maxima at once: SSUB8 sets GE per byte where a >= b, SEL picks. */
NN_INLINE uint32_t nn_max4(uint32_t a, uint32_t b) {
  (void)__ssub8(a, b);
  return __sel(a, b);
}

NN_INLINE uint32_t nn_ld4(const int8_t *p) {
  return *(const uint32_t *)(const void *)p;
}

NN_INLINE void nn_st4(int8_t *p, uint32_t v) {
  *(uint32_t *)(void *)p = v;
}

/* Any window, stride and padding, channel by channel where words do not fit (nn_pool.c). */
void nn_maxpool_generic(const int8_t *in, int in_h, int in_w, int c, int in_stride, int k, int stride, int pad,
                        int8_t *out, int out_h, int out_w, int out_stride);

/* 2x2 stride 2, no padding: every window lies inside the map. */
NN_INLINE void nn_maxpool_2x2(const int8_t *in, int in_w, int c, int is, int8_t *out, int out_h, int out_w, int os) {
  for (int oy = 0; oy < out_h; oy++) {
    const int8_t *p = in + (2 * oy * in_w) * is;
    int8_t *o = out + oy * out_w * os;
    for (int ox = 0; ox < out_w; ox++, p += 2 * is, o += os) {
      const int8_t *r = p + in_w * is;
      for (int ch = 0; ch < c; ch += 4) nn_st4(o + ch, nn_max4(nn_max4(nn_ld4(p + ch), nn_ld4(p + is + ch)), nn_max4(nn_ld4(r + ch), nn_ld4(r + is + ch))));
    }
  }
}

/* 3x3 stride 1, padding 1 (the SPPF pool), separable: the column maxima of three rows into `vrow`,
 * then the maxima of three neighbours along the row; the map's edges simply have fewer terms. */
NN_INLINE void nn_maxpool_3x3(const int8_t *in, int h, int w, int c, int is, int8_t *out, int os, int8_t *vrow) {
  for (int y = 0; y < h; y++) {
    const int8_t *mid = in + y * w * is;
    const int8_t *up = y > 0 ? mid - w * is : mid, *down = y + 1 < h ? mid + w * is : mid;
    for (int x = 0; x < w; x++)
      for (int ch = 0; ch < c; ch += 4) {
        const int off = x * is + ch;
        nn_st4(vrow + x * c + ch, nn_max4(nn_max4(nn_ld4(up + off), nn_ld4(mid + off)), nn_ld4(down + off)));
      }
    int8_t *o = out + y * w * os;
    for (int x = 0; x < w; x++, o += os) {
      const int8_t *v = vrow + x * c;
      const int8_t *l = x > 0 ? v - c : v, *r = x + 1 < w ? v + c : v;
      for (int ch = 0; ch < c; ch += 4) nn_st4(o + ch, nn_max4(nn_max4(nn_ld4(l + ch), nn_ld4(v + ch)), nn_ld4(r + ch)));
    }
  }
}

NN_INLINE void nn_maxpool_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride, int k, int stride, int pad,
                   int8_t *out, int out_h, int out_w, int out_stride) {
  const int words = (c & 3) == 0 && (in_stride & 3) == 0 && (out_stride & 3) == 0 && (((uintptr_t)in | (uintptr_t)out) & 3) == 0;
  if (words && k == 2 && stride == 2 && pad == 0) {
    nn_maxpool_2x2(in, in_w, c, in_stride, out, out_h, out_w, out_stride);
  } else if (words && k == 3 && stride == 1 && pad == 1 && in_w * c <= 512) {
    /* One row of column maxima. A fixed size, not a VLA: a VLA would make the caller keep a frame
     * pointer, and the conv kernels' SMLAD block needs all 14 other registers. */
    uint32_t vrow[128];
    nn_maxpool_3x3(in, in_h, in_w, c, in_stride, out, out_stride, (int8_t *)vrow);
  } else {
    nn_maxpool_generic(in, in_h, in_w, c, in_stride, k, stride, pad, out, out_h, out_w, out_stride);
  }
}

#endif
