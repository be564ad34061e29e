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

#define NN_DW_GROUP_SCRATCH(in_h, in_w, c, kh, kw, pad_h, pad_w, out_h, out_w)                 \
  ((((in_h) + 2 * (pad_h)) * ((in_w) + 2 * (pad_w)) + (kh) * (kw)) * NN_ROUND4(c) * 2 + (out_h) * (out_w) * 16)
#define NN_DW_ROWS_SCRATCH(in_h, in_w, c, pad_h, pad_w, out_h, out_w)                           \
  (((in_h) + 2 * (pad_h)) * (c) * ((((in_w) + 2 * (pad_w) + 1) + 1) & ~1) * 2 + (out_h) * (out_w) * 4)
#define NN_DW_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NN_DW_SCRATCH_BYTES(in_h, in_w, c, kh, kw, pad_h, pad_w, out_h, out_w)                 \
  NN_DW_MAX(NN_DW_GROUP_SCRATCH(in_h, in_w, c, kh, kw, pad_h, pad_w, out_h, out_w),              \
            NN_DW_ROWS_SCRATCH(in_h, in_w, c, pad_h, pad_w, out_h, out_w))

/* 3x3 stride 1: the input copied channel-major per row ([y][c][x] int16, x - zIn, padding 0), so
 * the taps kx = 0, 1 of one channel are one word: per kernel row and two adjacent outputs, three
 * loads (one unaligned), two SMLAD and two SMLAxB for 6 MACs, the channel's weights in registers.
 * Needs an even output width and literal shapes (row offsets are immediates).
 * Accumulators of one channel for every pixel, then nn_requant_column. */
NN_INLINE void nn_dwconv3x3_rows(const int8_t *in, int in_h, int in_w, int c, int in_stride, const int8_t *weights,
                                 const nn_chan_t *chan, int pad_h, int pad_w, int8_t *out, int out_h, int out_w,
                                 int out_stride, int32_t zin, int32_t zout, int32_t act_min, int32_t act_max,
                                 void *scratch) {
  const int ph = in_h + 2 * pad_h, pw = in_w + 2 * pad_w, rl = (pw + 2) & ~1, plane = c * rl;
  int16_t *xs = (int16_t *)scratch; /* [ph][c][rl] */
  int32_t *accs = (int32_t *)(xs + ph * plane);
  for (int32_t *p = (int32_t *)xs; p < accs; p++) *p = 0;
  const uint32_t nz = (uint32_t)nn_zin_pair(-zin);
  for (int iy = 0; iy < in_h; iy++) {
    int16_t *row = xs + (iy + pad_h) * plane + pad_w;
    for (int ix = 0; ix < in_w; ix++) {
      const int8_t *src = in + (iy * in_w + ix) * in_stride;
      int16_t *d = row + ix;
      int ch = 0;
      for (; ch + 4 <= c; ch += 4, d += 4 * rl) {
        uint32_t v = nn_load32(src + ch);
        uint32_t e = __sxtab16(nz, v), o = __sxtab16(nz, nn_ror8(v));
        d[0] = (int16_t)e;
        d[rl] = (int16_t)o;
        d[2 * rl] = (int16_t)(e >> 16);
        d[3 * rl] = (int16_t)(o >> 16);
      }
      for (; ch < c; ch++, d += rl) *d = (int16_t)(src[ch] - zin);
    }
  }
  const int pixels = out_h * out_w;
  for (int ch = 0; ch < c; ch++) {
    const int left = (int)NN_RQ_LEFT(chan[ch].shifts);
    const int8_t *w = weights + ch;
#define NN_DW_W(t) ((uint32_t)(uint16_t)(int16_t)(w[(t) * c] * (1 << left)))
    /* (w[ky][0], w[ky][1]) per row; the third column packed two rows a word. */
    const uint32_t w0 = NN_DW_W(0) | NN_DW_W(1) << 16, w1 = NN_DW_W(3) | NN_DW_W(4) << 16,
                   w2 = NN_DW_W(6) | NN_DW_W(7) << 16, v0 = NN_DW_W(2) | NN_DW_W(5) << 16, v1 = NN_DW_W(8);
#undef NN_DW_W
    const int32_t bias = chan[ch].bias;
    int32_t *acc = accs;
    for (int oy = 0; oy < out_h; oy++) {
      const int16_t *r = xs + oy * plane + ch * rl;
      /* Two adjacent outputs a pair: x0 = (x[ox], x[ox+1]), x1 = (x[ox+1], x[ox+2]) (unaligned),
       * x2 = (x[ox+2], x[ox+3]). One asm per kernel row (at most 9 registers each, so gcc can always
       * allocate them wherever this is inlined; one asm for the whole loop needed 13 and failed with
       * "impossible constraints" in some model_run() contexts); the pair loop is C. */
      for (int pair = 0; pair < out_w / 2; pair++, r += 2, acc += 2) {
        int32_t x0, x1, x2, a0, a1;
        __asm__ volatile("ldr %[x0], [%[r]]\n\t"
                         "ldr %[x2], [%[r], #4]\n\t"
                         "ldr %[x1], [%[r], #2]\n\t"
                         "mov %[a0], %[b]\n\t"
                         "mov %[a1], %[b]\n\t"
                         "smlad %[a0], %[x0], %[w], %[a0]\n\t"
                         "smlabb %[a0], %[x2], %[v], %[a0]\n\t"
                         "smlad %[a1], %[x1], %[w], %[a1]\n\t"
                         "smlatb %[a1], %[x2], %[v], %[a1]"
                         : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [a0] "=&r"(a0), [a1] "=&r"(a1)
                         : [r] "r"(r), [b] "r"(bias), [w] "r"(w0), [v] "r"(v0)
                         : "memory");
        __asm__ volatile("ldr %[x0], [%[r], %[p]]\n\t"
                         "ldr %[x2], [%[r], %[p] + 4]\n\t"
                         "ldr %[x1], [%[r], %[p] + 2]\n\t"
                         "smlad %[a0], %[x0], %[w], %[a0]\n\t"
                         "smlabt %[a0], %[x2], %[v], %[a0]\n\t"
                         "smlad %[a1], %[x1], %[w], %[a1]\n\t"
                         "smlatt %[a1], %[x2], %[v], %[a1]"
                         : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [a0] "+r"(a0), [a1] "+r"(a1)
                         : [r] "r"(r), [w] "r"(w1), [v] "r"(v0), [p] "i"(plane * 2)
                         : "memory");
        __asm__ volatile("ldr %[x0], [%[r], %[p]]\n\t"
                         "ldr %[x2], [%[r], %[p] + 4]\n\t"
                         "ldr %[x1], [%[r], %[p] + 2]\n\t"
                         "smlad %[a0], %[x0], %[w], %[a0]\n\t"
                         "smlabb %[a0], %[x2], %[v], %[a0]\n\t"
                         "smlad %[a1], %[x1], %[w], %[a1]\n\t"
                         "smlatb %[a1], %[x2], %[v], %[a1]\n\t"
                         "strd %[a0], %[a1], [%[acc]]"
                         : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [a0] "+r"(a0), [a1] "+r"(a1)
                         : [r] "r"(r), [w] "r"(w2), [v] "r"(v1), [p] "i"(plane * 4), [acc] "r"(acc)
                         : "memory");
      }
    }
    nn_requant_column(accs, 1, out + ch, out_stride, pixels, chan + ch, zout, act_min, act_max);
  }
}


/* 1x1 depthwise (the head's, with bias): per channel, t = bias + (x - zIn) * w * 2^(ls+1) for every
 * pixel into scratch, then nn_requant_column. */
NN_INLINE void nn_dwconv1x1(const int8_t *in, int pixels, int c, int in_stride, const int8_t *weights,
                            const nn_chan_t *chan, int8_t *out, int out_stride, int32_t zin, int32_t zout,
                            int32_t act_min, int32_t act_max, void *scratch) {
  int32_t *acc = (int32_t *)scratch;
  for (int ch = 0; ch < c; ch++) {
    const int32_t w = weights[ch] * (1 << NN_RQ_LEFT(chan[ch].shifts)), b = chan[ch].bias - zin * w;
    const int8_t *x = in + ch;
    for (int p = 0; p < pixels; p++, x += in_stride) acc[p] = b + *x * w;
    nn_requant_column(acc, 1, out + ch, out_stride, pixels, chan + ch, zout, act_min, act_max);
  }
}

NN_INLINE void nn_dwconv_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride,
                            const int8_t *weights, const nn_chan_t *chan, int kh, int kw, int stride,
                            int pad_h, int pad_w, int8_t *out, int out_h, int out_w, int out_stride,
                            int32_t zin, int32_t zout, int32_t act_min, int32_t act_max, void *scratch) {
  if (kh == 3 && kw == 3 && stride == 1 && (out_w & 1) == 0 && out_w > 0 && __builtin_constant_p(c) &&
      __builtin_constant_p(in_w) && c * (in_w + 2 * pad_w + 2) * 4 < 4096) {
    nn_dwconv3x3_rows(in, in_h, in_w, c, in_stride, weights, chan, pad_h, pad_w, out, out_h, out_w, out_stride, zin,
                      zout, act_min, act_max, scratch);
    return;
  }
  if (kh == 1 && kw == 1 && stride == 1 && pad_h == 0 && pad_w == 0) {
    nn_dwconv1x1(in, in_h * in_w, c, in_stride, weights, chan, out, out_stride, zin, zout, act_min, act_max, scratch);
    return;
  }
  const int c4 = NN_ROUND4(c), gw = c4 / 2; /* words per widened pixel */
  const int ph = in_h + 2 * pad_h, pw = in_w + 2 * pad_w, taps = kh * kw, gplane = ph * pw * 2;
  /* Group-major ([c4/4][ph][pw][2]), so a tap's offset from its output pixel is (ky * pw + kx) * 8
   * bytes whatever the channel count: an LDR immediate (< 4096) for any layer this board can hold.
   * Pixel-major ([ph][pw][c4/4][2]) put whole pixels between taps, which at 96 channels overflowed
   * the immediate and sent the FPN and head depthwise layers to the run-time-offset loop (~0.1 MAC/cycle). */
  int32_t *xs = (int32_t *)scratch;     /* [c4/4][ph][pw][2] */
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
      int32_t *d = xs + (y * pw + x) * 2;
      if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) {
        for (int g = 0; g < c4 / 4; g++, d += gplane) d[0] = d[1] = 0;
        continue;
      }
      const int8_t *s = in + (iy * in_w + ix) * in_stride;
      int ch = 0;
      for (; ch + 4 <= c; ch += 4, d += gplane) {
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
      const int32_t *base = xs + g * gplane + (oy * stride * pw) * 2;
      for (int ox = 0; ox < out_w; ox++, base += stride * 2, acc += 4) {
        int32_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
        if (__builtin_constant_p(taps) && taps <= 25 && (kh * pw + kw) * 8 < 4096) {
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
                    : [x] "r"(base), [w] "r"(wg), [xoff] "i"(((t / kw) * pw + (t % kw)) * 8), [woff] "i"(8 * t)
                    : "memory");
          }
        } else {
          for (int t = 0; t < taps; t++) {
            const int32_t *xp = base + ((t / kw) * pw + (t % kw)) * 2;
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
