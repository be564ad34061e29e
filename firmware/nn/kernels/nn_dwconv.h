/* Depthwise int8 convolution (depth multiplier 1, k x k, any stride, zero-point padding) for the
 * Cortex-M4: four channels per pass, one word of inputs and one of weights per tap, SXTAB16 takes
 * away zIn while widening, SMLABB/SMLATT accumulate. Padded taps are skipped (tap bounds per pixel),
 * so nothing is folded into the bias: chan[c].bias is the layer's bias.
 * Weights: [kh][kw][c] int8 as the quantiser gives them (src/codegen/kernel-packing.ts packDepthwise).
 * Channels that are not a multiple of 4 finish one at a time. Always inlined like nn_conv2d_s8.
 */
#ifndef NN_DWCONV_H
#define NN_DWCONV_H
#include "nn_conv.h"

NN_INLINE void nn_dwconv_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride,
                            const int8_t *weights, const nn_chan_t *chan, int kh, int kw, int stride,
                            int pad_h, int pad_w, int8_t *out, int out_h, int out_w, int out_stride,
                            int32_t zin, int32_t zout, int32_t act_min, int32_t act_max) {
  const uint32_t nz = (uint32_t)nn_zin_pair(-zin);
  const int c4 = c & ~3;
  for (int oy = 0; oy < out_h; oy++) {
    const int iy0 = oy * stride - pad_h;
    const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = iy0 + kh > in_h ? in_h - iy0 : kh;
    for (int ox = 0; ox < out_w; ox++) {
      const int ix0 = ox * stride - pad_w;
      const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = ix0 + kw > in_w ? in_w - ix0 : kw;
      const int8_t *src = in + (iy0 * in_w + ix0) * in_stride;
      int8_t *dst = out + (oy * out_w + ox) * out_stride;
      for (int ch = 0; ch < c4; ch += 4) {
        int32_t a0 = chan[ch].bias, a1 = chan[ch + 1].bias, a2 = chan[ch + 2].bias, a3 = chan[ch + 3].bias;
        for (int ky = ky0; ky < ky1; ky++) {
          const int8_t *srow = src + (ky * in_w) * in_stride + ch;
          const int8_t *wrow = weights + ky * kw * c + ch;
          for (int kx = kx0; kx < kx1; kx++) {
            uint32_t xv = nn_load32(srow + kx * in_stride), wv = nn_load32(wrow + kx * c);
            uint32_t xe = __sxtab16(nz, xv), xo = __sxtab16(nz, nn_ror8(xv));
            uint32_t we = __sxtb16(wv), wo = __sxtb16(nn_ror8(wv));
            a0 = __smlabb(xe, we, a0);
            a2 = __smlatt(xe, we, a2);
            a1 = __smlabb(xo, wo, a1);
            a3 = __smlatt(xo, wo, a3);
          }
        }
        dst[ch] = nn_out8(a0, chan + ch, zout, act_min, act_max);
        dst[ch + 1] = nn_out8(a1, chan + ch + 1, zout, act_min, act_max);
        dst[ch + 2] = nn_out8(a2, chan + ch + 2, zout, act_min, act_max);
        dst[ch + 3] = nn_out8(a3, chan + ch + 3, zout, act_min, act_max);
      }
      for (int ch = c4; ch < c; ch++) {
        int32_t a = chan[ch].bias;
        for (int ky = ky0; ky < ky1; ky++)
          for (int kx = kx0; kx < kx1; kx++)
            a += (src[(ky * in_w + kx) * in_stride + ch] - zin) * weights[(ky * kw + kx) * c + ch];
        dst[ch] = nn_out8(a, chan + ch, zout, act_min, act_max);
      }
    }
  }
}

#endif
