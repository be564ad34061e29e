/* Depthwise int8 convolution (depth multiplier 1, k x k, any stride and padding) for the Cortex-M4.
 * Once per layer the input is copied into scratch widened to int16 with zIn taken away
 * ((x0-z, x2-z), (x1-z, x3-z) per 4 channels; padded positions hold 0, so they contribute nothing,
 * as the reference's skipped taps) and the weights are widened times 2^(ls+1) (the requantisation's
 * t then comes straight out of the accumulator, nn_requant.h). The loop then runs per 4-channel
 * group over the output pixels with every tap unrolled: 4 pipelined loads and 4 SMLABB/SMLATT per tap
 * and group, no bounds tests. Always inlined: literal shapes make every tap offset an immediate.
 * Weights: [kh][kw][c] int8 as the quantiser gives them; chan[c].bias = bias * 2^(ls+1)
 * (src/codegen/kernel-packing.ts packDepthwise).
 * Scratch: NN_DW_SCRATCH_BYTES(in_h, in_w, c, kh, kw, pad_h, pad_w, out_h, out_w) bytes, 4-byte
 * aligned (padded input, weights, and one 4-channel group's accumulators for every output pixel).
 */
#ifndef NN_DWCONV_H
#define NN_DWCONV_H
#include "nn_conv.h"

#define NN_DW_SCRATCH_BYTES(in_h, in_w, c, kh, kw, pad_h, pad_w, out_h, out_w)                 \
  ((((in_h) + 2 * (pad_h)) * ((in_w) + 2 * (pad_w)) + (kh) * (kw)) * NN_ROUND4(c) * 2 + (out_h) * (out_w) * 16)

NN_INLINE void nn_dwconv_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride,
                            const int8_t *weights, const nn_chan_t *chan, int kh, int kw, int stride,
                            int pad_h, int pad_w, int8_t *out, int out_h, int out_w, int out_stride,
                            int32_t zin, int32_t zout, int32_t act_min, int32_t act_max, void *scratch) {
  const int c4 = NN_ROUND4(c), gw = c4 / 2; /* words per widened pixel */
  const int ph = in_h + 2 * pad_h, pw = in_w + 2 * pad_w, taps = kh * kw;
  int32_t *xs = (int32_t *)scratch;     /* [ph][pw][c4/4][2] */
  int32_t *ws = xs + ph * pw * gw;      /* [c4/4][taps][2] */
  const uint32_t nz = (uint32_t)nn_zin_pair(-zin);

  /* Weights, widened and scaled per channel; channels past c get zero weights. */
  for (int g = 0; g < c4 / 4; g++) {
    for (int t = 0; t < taps; t++) {
      int16_t v[4];
      for (int j = 0; j < 4; j++) {
        int ch = 4 * g + j;
        v[j] = ch < c ? (int16_t)(weights[t * c + ch] * (1 << NN_RQ_LEFT(chan[ch].shifts))) : 0;
      }
      ws[(g * taps + t) * 2] = (int32_t)((uint16_t)v[0] | ((uint32_t)(uint16_t)v[2] << 16));
      ws[(g * taps + t) * 2 + 1] = (int32_t)((uint16_t)v[1] | ((uint32_t)(uint16_t)v[3] << 16));
    }
  }
  /* The padded, widened input. */
  for (int y = 0; y < ph; y++) {
    const int iy = y - pad_h;
    for (int x = 0; x < pw; x++) {
      const int ix = x - pad_w;
      int32_t *d = xs + (y * pw + x) * gw;
      if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
        for (int i = 0; i < gw; i++) d[i] = 0;
        continue;
      }
      const int8_t *s = in + (iy * in_w + ix) * in_stride;
      int ch = 0;
      for (; ch + 4 <= c; ch += 4, d += 2) {
        uint32_t v = nn_load32(s + ch);
        d[0] = (int32_t)__sxtab16(nz, v);
        d[1] = (int32_t)__sxtab16(nz, nn_ror8(v));
      }
      if (ch < c) {
        /* The last channels one by one: no load past the pixel's c bytes. */
        int32_t l[4] = { 0, 0, 0, 0 };
        for (int j = 0; ch + j < c; j++) l[j] = s[ch + j] - zin;
        d[0] = (int32_t)((uint16_t)l[0] | ((uint32_t)(uint16_t)l[2] << 16));
        d[1] = (int32_t)((uint16_t)l[1] | ((uint32_t)(uint16_t)l[3] << 16));
      }
    }
  }

  /* Per 4-channel group: the accumulators of every output pixel, then the requantisation channel by
   * channel with that channel's words in registers. */
  int32_t *accs = ws + c4 / 4 * taps * 2; /* [out_h * out_w][4] */
  const int pixels = out_h * out_w;
  for (int g = 0; g < c4 / 4; g++) {
    const int32_t *wg = ws + g * taps * 2;
    const nn_chan_t *ch = chan + 4 * g;
    const int count = 4 * g + 4 <= c ? 4 : c - 4 * g;
    const int32_t b0 = ch[0].bias, b1 = count > 1 ? ch[1].bias : 0, b2 = count > 2 ? ch[2].bias : 0,
                  b3 = count > 3 ? ch[3].bias : 0;
    int32_t *acc = accs;
    for (int oy = 0; oy < out_h; oy++) {
      const int32_t *base = xs + (oy * stride * pw) * gw + 2 * g;
      for (int ox = 0; ox < out_w; ox++, base += stride * gw, acc += 4) {
        int32_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
        if (__builtin_constant_p(taps) && taps <= 25 && (kh * pw + kw) * gw * 4 < 4096) {
#pragma GCC unroll 25
          for (int t = 0; t < taps; t++) {
            uint32_t xe, xo, we, wo;
            __asm__("ldr %[xe], [%[x], %[xoff]]\n\t"
                    "ldr %[xo], [%[x], %[xoff] + 4]\n\t"
                    "ldr %[we], [%[w], %[woff]]\n\t"
                    "ldr %[wo], [%[w], %[woff] + 4]\n\t"
                    "smlabb %[a0], %[xe], %[we], %[a0]\n\t"
                    "smlatt %[a2], %[xe], %[we], %[a2]\n\t"
                    "smlabb %[a1], %[xo], %[wo], %[a1]\n\t"
                    "smlatt %[a3], %[xo], %[wo], %[a3]"
                    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xe] "=&r"(xe), [xo] "=&r"(xo),
                      [we] "=&r"(we), [wo] "=&r"(wo)
                    : [x] "r"(base), [w] "r"(wg), [xoff] "i"(((t / kw) * pw + (t % kw)) * gw * 4), [woff] "i"(8 * t)
                    : "memory");
          }
        } else {
          for (int t = 0; t < taps; t++) {
            const int32_t *xp = base + ((t / kw) * pw + (t % kw)) * gw;
            uint32_t xe = (uint32_t)xp[0], xo = (uint32_t)xp[1];
            uint32_t we = (uint32_t)wg[2 * t], wo = (uint32_t)wg[2 * t + 1];
            a0 = __smlabb(xe, we, a0);
            a2 = __smlatt(xe, we, a2);
            a1 = __smlabb(xo, wo, a1);
            a3 = __smlatt(xo, wo, a3);
          }
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
      }
    }
    for (int j = 0; j < count; j++)
      nn_requant_column(accs + j, 4, out + 4 * g + j, out_stride, pixels, ch + j, zout, act_min, act_max);
  }
}

#endif
