/* Dense int8 convolution (k x k, any stride and zero-point padding; 1x1 is the same code with no
 * gather) for the Cortex-M4: im2col of two output pixels into int16, then a 2-pixel x 4-channel
 * SMLAD block (8 accumulators, 6 word loads per 16 MACs). Always inlined, so the code generator's
 * literal shapes make the loop bounds and the row offsets immediates (TinyEngine's lesson).
 *
 * Data (src/codegen/kernel-packing.ts packConv2d makes both):
 *  - weights: int8 [coutP][kP], OHWI rows, kP = K rounded up to 4 (zero weights), coutP = cout
 *    rounded up to 4 (zero rows). A 4-byte group (k0,k1,k2,k3) expands with SXTB16 into the int16
 *    words (k0,k2) and (k1,k3); the im2col does the same to the inputs, so SMLAD pairs them.
 *  - chan[coutP]: bias = bias - zIn * sum(w) (zIn folded in: padded taps hold zIn, so they add
 *    zIn * w - zIn * w = 0 as the reference's "padded positions contribute 0").
 * Scratch (int16, word aligned): NN_CONV_SCRATCH_BYTES(coutP, kP) = the weights widened to int16
 * for the whole layer (so the inner loop reads SRAM, not 3-wait-state flash) + two im2col rows
 * + kP bytes to gather channel counts that are not a multiple of 4.
 * Input/output pixels are `in_stride` / `out_stride` bytes apart (>= channels), so a producer can
 * write its channel slice of a concat in place (out = concat base + channel offset).
 */
#ifndef NN_CONV_H
#define NN_CONV_H
#include <arm_acle.h>
#include <stdint.h>
#include <string.h>
#include "nn_requant.h"

#define NN_ROUND4(n) (((n) + 3) & ~3)
#define NN_CONV_SCRATCH_BYTES(coutP, kP) ((2 * (coutP) + 5) * (kP))

NN_INLINE uint32_t nn_ror8(uint32_t v) {
  return (v >> 8) | (v << 24);
}

NN_INLINE uint32_t nn_load32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Widens n int8 bytes (n % 4 == 0) into int16 words (b0,b2),(b1,b3) per group. */
NN_INLINE void nn_widen(const int8_t *src, int32_t *dst, int n) {
  for (int i = 0; i < n; i += 4) {
    uint32_t v = nn_load32(src + i);
    dst[0] = (int32_t)__sxtb16(v);
    dst[1] = (int32_t)__sxtb16(nn_ror8(v));
    dst += 2;
  }
}

/* One word of zIn in every byte, widened: the im2col value of a padded tap. */
NN_INLINE int32_t nn_zin_pair(int32_t zin) {
  return (int32_t)((uint32_t)(zin & 0xffff) | ((uint32_t)zin << 16));
}

/* im2col of output pixel (oy, ox) into dst (kP int16, widened); `stage` is kP int8 bytes for
 * channel counts that are not a multiple of 4. */
NN_INLINE void nn_im2col(const int8_t *in, int in_h, int in_w, int cin, int in_stride, int kh, int kw,
                         int stride, int pad_h, int pad_w, int32_t zin, int kp, int oy, int ox,
                         int8_t *stage, int32_t *dst) {
  if ((cin & 3) == 0) {
    const int32_t zz = nn_zin_pair(zin);
    for (int ky = 0; ky < kh; ky++) {
      int iy = oy * stride - pad_h + ky;
      for (int kx = 0; kx < kw; kx++) {
        int ix = ox * stride - pad_w + kx;
        if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
          for (int i = 0; i < cin / 2; i++) dst[i] = zz;
        } else {
          nn_widen(in + (iy * in_w + ix) * in_stride, dst, cin);
        }
        dst += cin / 2;
      }
    }
  } else {
    int8_t *s = stage;
    for (int ky = 0; ky < kh; ky++) {
      int iy = oy * stride - pad_h + ky;
      for (int kx = 0; kx < kw; kx++) {
        int ix = ox * stride - pad_w + kx;
        if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
          for (int c = 0; c < cin; c++) s[c] = (int8_t)zin;
        } else {
          const int8_t *src = in + (iy * in_w + ix) * in_stride;
          for (int c = 0; c < cin; c++) s[c] = src[c];
        }
        s += cin;
      }
    }
    for (int k = kh * kw * cin; k < kp; k++) stage[k] = 0; /* meets zero weights */
    nn_widen(stage, dst, kp);
  }
}

/* acc[p][j] += sum over kP of a_p . w_j for two widened pixel rows and four widened weight rows. */
NN_INLINE void nn_gemm_2x4(const int32_t *a, const int32_t *w, int kp, int32_t acc[8]) {
  const int n = kp / 2; /* words per row */
  int32_t s00 = acc[0], s01 = acc[1], s02 = acc[2], s03 = acc[3];
  int32_t s10 = acc[4], s11 = acc[5], s12 = acc[6], s13 = acc[7];
  const int32_t *end = a + n;
#pragma GCC unroll 2
  for (; a < end; a++, w++) {
    int32_t x0 = a[0], x1 = a[n];
    int32_t w0 = w[0], w1 = w[n];
    s00 = __smlad(x0, w0, s00);
    s10 = __smlad(x1, w0, s10);
    s01 = __smlad(x0, w1, s01);
    s11 = __smlad(x1, w1, s11);
    int32_t w2 = w[2 * n], w3 = w[3 * n];
    s02 = __smlad(x0, w2, s02);
    s12 = __smlad(x1, w2, s12);
    s03 = __smlad(x0, w3, s03);
    s13 = __smlad(x1, w3, s13);
  }
  acc[0] = s00; acc[1] = s01; acc[2] = s02; acc[3] = s03;
  acc[4] = s10; acc[5] = s11; acc[6] = s12; acc[7] = s13;
}

NN_INLINE int8_t nn_out8(int32_t acc, const nn_chan_t *c, int32_t zout, int32_t act_min, int32_t act_max) {
  return (int8_t)nn_clamp(nn_rq_fast(acc, c->mult, c->round, c->shifts) + zout, act_min, act_max);
}

/* Dense conv, output (out_h x out_w x cout) at `out` with pixel stride out_stride. */
NN_INLINE void nn_conv2d_s8(const int8_t *in, int in_h, int in_w, int cin, int in_stride,
                            const int8_t *weights, const nn_chan_t *chan, int cout, int kh, int kw,
                            int stride, int pad_h, int pad_w, int8_t *out, int out_h, int out_w,
                            int out_stride, int32_t zin, int32_t zout, int32_t act_min, int32_t act_max,
                            void *scratch) {
  const int kp = NN_ROUND4(kh * kw * cin), coutp = NN_ROUND4(cout);
  int32_t *wide = (int32_t *)scratch;      /* coutp rows of kp/2 words */
  int32_t *rows = wide + coutp * (kp / 2); /* two im2col rows */
  int8_t *stage = (int8_t *)(rows + kp);   /* only used when cin % 4 != 0: kp bytes */
  nn_widen(weights, wide, coutp * kp);
  const int pixels = out_h * out_w;
  for (int p = 0; p < pixels; p += 2) {
    const int second = p + 1 < pixels;
    const int q = second ? p + 1 : p;
    nn_im2col(in, in_h, in_w, cin, in_stride, kh, kw, stride, pad_h, pad_w, zin, kp, p / out_w, p % out_w,
              stage, rows);
    nn_im2col(in, in_h, in_w, cin, in_stride, kh, kw, stride, pad_h, pad_w, zin, kp, q / out_w, q % out_w,
              stage, rows + kp / 2);
    int8_t *o0 = out + p * out_stride, *o1 = out + q * out_stride;
    for (int c = 0; c < coutp; c += 4) {
      const nn_chan_t *ch = chan + c;
      int32_t acc[8] = { ch[0].bias, ch[1].bias, ch[2].bias, ch[3].bias,
                         ch[0].bias, ch[1].bias, ch[2].bias, ch[3].bias };
      nn_gemm_2x4(rows, wide + c * (kp / 2), kp, acc);
      for (int j = 0; j < 4 && c + j < cout; j++) {
        o0[c + j] = nn_out8(acc[j], ch + j, zout, act_min, act_max);
        if (second) o1[c + j] = nn_out8(acc[4 + j], ch + j, zout, act_min, act_max);
      }
    }
  }
}

#endif
