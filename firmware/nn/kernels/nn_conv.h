/* Dense int8 convolution (k x k, any stride and zero-point padding; 1x1 is the same code with no
 * gather) for the Cortex-M4: im2col of two output pixels into int16, then a 2-pixel x 4-channel
 * SMLAD block (8 accumulators, 6 word loads per 16 MACs). Always inlined, so the code generator's
 * literal shapes make the loop bounds and the row offsets immediates (TinyEngine's lesson).
 *
 * Data (src/codegen/kernel-packing.ts packConv2d makes both):
 *  - weights: int8 [coutP][kP], OHWI rows, each kernel row's kw * cin weights padded with zeros to
 *    a multiple of 4 (kP = NN_CONV_KP: the first conv's 3 taps a row become 4), coutP = cout
 *    rounded up to 4 (zero rows). A 4-byte group (k0,k1,k2,k3) expands with SXTB16 into the int16
 *    words (k0,k2) and (k1,k3); the im2col does the same to the inputs, so SMLAD pairs them.
 *  - chan[coutP]: bias = bias - zIn * sum(w) (zIn folded in: padded taps hold zIn, so they add
 *    zIn * w - zIn * w = 0 as the reference's "padded positions contribute 0").
 * Scratch (word aligned): NN_CONV_SCRATCH_BYTES(coutP, kP) = the channel records and the weights
 * widened to int16, copied once per layer so the inner loops read zero-wait SRAM, not 3-wait-state
 * flash (whose 8-line data cache the weights would thrash), + two im2col rows + kP gather bytes.
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
#ifndef NN_STRAIGHT_MAX
#define NN_STRAIGHT_MAX 8
#endif
#define NN_CONV_SCRATCH_BYTES(coutP, kP) (16 * (coutP) + (2 * (coutP) + 5) * (kP))
/* kP: each kernel row's kw * cin bytes rounded up to 4, times kh. */
#define NN_CONV_KP(cin, kh, kw) ((kh) * NN_ROUND4((cin) * (kw)))

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
#pragma GCC unroll 8
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

/* im2col of output pixel (oy, ox) into dst: per kernel row, the kw * cin window bytes (NHWC makes
 * them one contiguous run when in_stride == cin) widened, padded to a multiple of 4 (those bytes
 * meet zero weights); taps outside the map hold zin. `stage` is NN_ROUND4(kw * cin) bytes. */
NN_INLINE void nn_im2col(const int8_t *in, int in_h, int in_w, int cin, int in_stride, int kh, int kw,
                         int stride, int pad_h, int pad_w, int32_t zin, int oy, int ox, int8_t *stage,
                         int32_t *dst) {
  const int rowk = NN_ROUND4(cin * kw);
  const int32_t zz = nn_zin_pair(zin);
  const int ix0 = ox * stride - pad_w;
  const int inside_x = ix0 >= 0 && ix0 + kw <= in_w;
  for (int ky = 0; ky < kh; ky++, dst += rowk / 2) {
    const int iy = oy * stride - pad_h + ky;
    if (iy < 0 || iy >= in_h) {
      for (int i = 0; i < rowk / 2; i++) dst[i] = zz;
      continue;
    }
    const int8_t *src = in + (iy * in_w + ix0) * in_stride;
    if (inside_x && in_stride == cin) {
      nn_widen(src, dst, rowk); /* may read up to 3 bytes past the window: they meet zero weights */
    } else if ((cin & 3) == 0) {
      for (int kx = 0; kx < kw; kx++) {
        int32_t *d = dst + kx * cin / 2;
        if (ix0 + kx < 0 || ix0 + kx >= in_w) {
          for (int i = 0; i < cin / 2; i++) d[i] = zz;
        } else {
          nn_widen(src + kx * in_stride, d, cin);
        }
      }
    } else {
      int8_t *st = stage;
      for (int kx = 0; kx < kw; kx++, st += cin) {
        const int ix = ix0 + kx;
        for (int c = 0; c < cin; c++) st[c] = ix < 0 || ix >= in_w ? (int8_t)zin : src[kx * in_stride + c];
      }
      for (int k = kw * cin; k < rowk; k++) stage[k] = 0;
      nn_widen(stage, dst, rowk);
    }
  }
}

/* Widens the weights of one output channel, scaled by 2^left (the requantisation's t = acc << (ls+1)
 * then comes out of the accumulator directly). left = 1 in practice: SXTB16 then SADD16 doubles. */
NN_INLINE void nn_widen_row_scaled(const int8_t *src, int32_t *dst, int n, int left) {
  if (left == 1) {
    for (int i = 0; i < n; i += 4) {
      uint32_t v = nn_load32(src + i);
      uint32_t e = __sxtb16(v), o = __sxtb16(nn_ror8(v));
      dst[0] = (int32_t)__sadd16(e, e);
      dst[1] = (int32_t)__sadd16(o, o);
      dst += 2;
    }
  } else {
    for (int i = 0; i < n; i += 4) {
      dst[0] = (int32_t)(((uint32_t)(uint16_t)(src[i] * (1 << left))) | ((uint32_t)(src[i + 2] * (1 << left)) << 16));
      dst[1] = (int32_t)(((uint32_t)(uint16_t)(src[i + 1] * (1 << left))) | ((uint32_t)(src[i + 3] * (1 << left)) << 16));
      dst += 2;
    }
  }
}

/* One K-pair (one word per row) of the 2x4 block at byte offset A: four loads back to back (they
 * pipeline: 5 cycles), four SMLADs, two loads, four SMLADs = 16 cycles for 16 MACs. */
#define NN_GEMM_STEP_OFF(OFF)                                                                 \
  "ldr %[x0], [%[a], " OFF "]\n\t"                                                          \
  "ldr %[x1], [%[a], " OFF "+%c[nb]]\n\t"                                                   \
  "ldr %[wa], [%[w], " OFF "]\n\t"                                                          \
  "ldr %[wb], [%[w], " OFF "+%c[nb]]\n\t"                                                   \
  "smlad %[s00], %[x0], %[wa], %[s00]\n\t"                                                  \
  "smlad %[s10], %[x1], %[wa], %[s10]\n\t"                                                  \
  "smlad %[s01], %[x0], %[wb], %[s01]\n\t"                                                  \
  "smlad %[s11], %[x1], %[wb], %[s11]\n\t"                                                  \
  "ldr %[wa], [%[w], " OFF "+2*%c[nb]]\n\t"                                                 \
  "ldr %[wb], [%[w], " OFF "+3*%c[nb]]\n\t"                                                 \
  "smlad %[s02], %[x0], %[wa], %[s02]\n\t"                                                  \
  "smlad %[s12], %[x1], %[wa], %[s12]\n\t"                                                  \
  "smlad %[s03], %[x0], %[wb], %[s03]\n\t"                                                  \
  "smlad %[s13], %[x1], %[wb], %[s13]\n\t"
#define NN_GEMM_STEP(A) NN_GEMM_STEP_OFF("#" #A)

#define NN_GEMM_OPERANDS                                                                      \
  [s00] "+r"(s00), [s01] "+r"(s01), [s02] "+r"(s02), [s03] "+r"(s03), [s10] "+r"(s10),        \
  [s11] "+r"(s11), [s12] "+r"(s12), [s13] "+r"(s13), [a] "+r"(a), [w] "+r"(w),                \
  [x0] "=&r"(x0), [x1] "=&r"(x1), [wa] "=&r"(wa), [wb] "=&r"(wb)

/* The same step as two asm statements (channels 0-1, then 2-3 with x0/x1 carried in C variables):
 * at most 10 registers each, so gcc can always allocate them (spilling around them if it must)
 * wherever the conv is inlined; one asm of 14 operands failed with "impossible constraints" in
 * some model_run() contexts. Same instructions in the same order. */
#define NN_GEMM_PAIR(OFF)                                                                          \
  do {                                                                                             \
    int32_t x0_, x1_, wa_, wb_;                                                                    \
    __asm__ volatile("ldr %[x0], [%[a], %[o]]\n\t"                                                  \
                     "ldr %[x1], [%[a], %[o]+%c[nb]]\n\t"                                           \
                     "ldr %[wa], [%[w], %[o]]\n\t"                                                  \
                     "ldr %[wb], [%[w], %[o]+%c[nb]]\n\t"                                           \
                     "smlad %[s0], %[x0], %[wa], %[s0]\n\t"                                         \
                     "smlad %[s1], %[x1], %[wa], %[s1]\n\t"                                         \
                     "smlad %[t0], %[x0], %[wb], %[t0]\n\t"                                         \
                     "smlad %[t1], %[x1], %[wb], %[t1]"                                             \
                     : [s0] "+r"(s00), [s1] "+r"(s10), [t0] "+r"(s01), [t1] "+r"(s11), [x0] "=&r"(x0_), \
                       [x1] "=&r"(x1_), [wa] "=&r"(wa_), [wb] "=&r"(wb_)                            \
                     : [a] "r"(a), [w] "r"(w), [nb] "i"(n * 4), [o] "i"(OFF)                        \
                     : "memory");                                                                  \
    __asm__ volatile("ldr %[wa], [%[w], %[o]+2*%c[nb]]\n\t"                                         \
                     "ldr %[wb], [%[w], %[o]+3*%c[nb]]\n\t"                                         \
                     "smlad %[s0], %[x0], %[wa], %[s0]\n\t"                                         \
                     "smlad %[s1], %[x1], %[wa], %[s1]\n\t"                                         \
                     "smlad %[t0], %[x0], %[wb], %[t0]\n\t"                                         \
                     "smlad %[t1], %[x1], %[wb], %[t1]"                                             \
                     : [s0] "+r"(s02), [s1] "+r"(s12), [t0] "+r"(s03), [t1] "+r"(s13), [wa] "=&r"(wa_), \
                       [wb] "=&r"(wb_)                                                              \
                     : [x0] "r"(x0_), [x1] "r"(x1_), [w] "r"(w), [nb] "i"(n * 4), [o] "i"(OFF)      \
                     : "memory");                                                                  \
  } while (0)

/* acc[p][j] += sum over kP of a_p . w_j for two widened pixel rows and four widened weight rows. */
NN_INLINE void nn_gemm_2x4(const int32_t *a, const int32_t *w, int kp, int32_t acc[8]) {
  const int n = kp / 2; /* words per row */
  int32_t s00 = acc[0], s01 = acc[1], s02 = acc[2], s03 = acc[3];
  int32_t s10 = acc[4], s11 = acc[5], s12 = acc[6], s13 = acc[7];
  if (__builtin_constant_p(kp) && kp * 6 < 4096) {
    /* Literal shapes: row offsets are immediates; 14 registers hold the block, so the loop limit
     * stays in memory (one load per eight K-pairs). */
    int32_t x0, x1, wa, wb;
    if (n <= NN_STRAIGHT_MAX) {
      /* Short rows (1x1 layers, the first conv): straight-line code, no loop at all. */
#pragma GCC unroll 16
      for (int i = 0; i < n; i++) NN_GEMM_PAIR(4 * i);
    } else {
    if (n >= 8) {
      /* The loop limit goes on the stack inside the asm (pushed from x0, free until the first
       * step): a memory operand would need a base register of its own when gcc cannot address the
       * caller's frame from sp (some inlined shapes), and all 14 are taken: "impossible constraints". */
      __asm__ volatile("add %[x0], %[a], %[lb]\n\t"
                       "str %[x0], [sp, #-8]!\n\t"
                       "1:\n\t" NN_GEMM_STEP(0) NN_GEMM_STEP(4) NN_GEMM_STEP(8) NN_GEMM_STEP(12) NN_GEMM_STEP(16)
                           NN_GEMM_STEP(20) NN_GEMM_STEP(24) NN_GEMM_STEP(28)
                       "adds %[a], #32\n\t"
                       "adds %[w], #32\n\t"
                       "ldr %[x0], [sp]\n\t"
                       "cmp %[a], %[x0]\n\t"
                       "bcc 1b\n\t"
                       "add sp, sp, #8"
                       : NN_GEMM_OPERANDS
                       : [nb] "i"(n * 4), [lb] "i"((n & ~7) * 4)
                       : "cc", "memory");
    }
    if (n & 4) {
#ifdef __OPTIMIZE_SIZE__
      /* -Os leaves fewer registers free around the inlined conv (this block failed to allocate at
       * some widths); at -O2 the one-asm form is 1 % of the detector's cycles faster. */
      NN_GEMM_PAIR(0);
      NN_GEMM_PAIR(4);
      NN_GEMM_PAIR(8);
      NN_GEMM_PAIR(12);
      a += 4;
      w += 4;
#else
      __asm__ volatile(NN_GEMM_STEP(0) NN_GEMM_STEP(4) NN_GEMM_STEP(8) NN_GEMM_STEP(12)
                       "adds %[a], #16\n\t"
                       "adds %[w], #16"
                       : NN_GEMM_OPERANDS
                       : [nb] "i"(n * 4)
                       : "memory");
#endif
    }
    if (n & 2) {
      NN_GEMM_PAIR(0);
      NN_GEMM_PAIR(4);
    }
    }
  } else {
    const int32_t *end = a + n;
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
  }
  acc[0] = s00; acc[1] = s01; acc[2] = s02; acc[3] = s03;
  acc[4] = s10; acc[5] = s11; acc[6] = s12; acc[7] = s13;
}

/* Requantises and stores channel j of a 4-channel group for one or two pixels. */
#define NN_STORE_J(j)                                                                              \
  do {                                                                                             \
    const int32_t m_ = ch[j].mult, r_ = ch[j].round;                                               \
    const uint32_t s_ = ch[j].shifts;                                                              \
    o0[j] = nn_rq_out(a##j, m_, r_, s_, zout, act_min, act_max);                                   \
    if (second) o1[j] = nn_rq_out(b##j, m_, r_, s_, zout, act_min, act_max);                       \
  } while (0)

/* One output pixel pair (`second` = 0: a single last pixel): im2col (or the widened inputs for 1x1),
 * then per 4-channel group the SMLAD block and the requantisation straight from its registers. */
NN_INLINE void nn_conv_pair(const int8_t *in, int in_h, int in_w, int cin, int in_stride, int cout, int coutp, int kh,
                            int kw, int stride, int pad_h, int pad_w, int kp, int pointwise, int p, int oy, int ox,
                            int oy1, int ox1, const int second, int8_t *o0, int8_t *o1, const nn_chan_t *chan,
                            const int32_t *wide, int32_t *rows, int8_t *stage, int32_t zin, int32_t zout,
                            int32_t act_min, int32_t act_max) {
  if (pointwise) {
    nn_widen(in + p * in_stride, rows, cin);
    nn_widen(in + (second ? p + 1 : p) * in_stride, rows + kp / 2, cin);
  } else {
    nn_im2col(in, in_h, in_w, cin, in_stride, kh, kw, stride, pad_h, pad_w, zin, oy, ox, stage, rows);
    nn_im2col(in, in_h, in_w, cin, in_stride, kh, kw, stride, pad_h, pad_w, zin, oy1, ox1, stage, rows + kp / 2);
  }
  for (int c = 0; c < coutp; c += 4, o0 += 4, o1 += 4) {
    const nn_chan_t *ch = chan + c;
    int32_t acc[8] = { ch[0].bias, ch[1].bias, ch[2].bias, ch[3].bias, ch[0].bias, ch[1].bias, ch[2].bias, ch[3].bias };
    nn_gemm_2x4(rows, wide + c * (kp / 2), kp, acc);
    const int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], b0 = acc[4], b1 = acc[5], b2 = acc[6], b3 = acc[7];
    NN_STORE_J(0);
    if (c + 1 < cout) NN_STORE_J(1);
    if (c + 2 < cout) NN_STORE_J(2);
    if (c + 3 < cout) NN_STORE_J(3);
  }
}

/* One output channel (the spatial attention's 3x3 2 -> 1): the roles swap so no SMLAD is spent on
 * padding channels: the weights, widened, are both "pixel" rows of the 2x4 block and four pixels'
 * im2col rows take the four "channel" rows; acc[0..3] are four outputs. Scratch as for cout = 4. */
NN_INLINE void nn_conv_single_channel(const int8_t *in, int in_h, int in_w, int cin, int in_stride, int kh, int kw,
                                      int stride, int pad_h, int pad_w, int kp, int8_t *out, int out_w, int out_stride,
                                      int pixels, const nn_chan_t *chan, int32_t *wide, int32_t *rows, int8_t *stage,
                                      int32_t zin, int32_t zout, int32_t act_min, int32_t act_max) {
  for (int i = 0; i < kp / 2; i++) rows[i] = rows[kp / 2 + i] = wide[i]; /* the widened weights, twice */
  const int32_t m = chan[0].mult, r = chan[0].round, b = chan[0].bias;
  const uint32_t s = chan[0].shifts;
  for (int p = 0; p < pixels; p += 4) {
    const int n = pixels - p < 4 ? pixels - p : 4;
    for (int j = 0; j < 4; j++) {
      const int q = p + (j < n ? j : 0);
      nn_im2col(in, in_h, in_w, cin, in_stride, kh, kw, stride, pad_h, pad_w, zin, q / out_w, q % out_w, stage,
                wide + j * (kp / 2));
    }
    int32_t acc[8] = { b, b, b, b, b, b, b, b };
    nn_gemm_2x4(rows, wide, kp, acc);
    for (int j = 0; j < n; j++) out[(p + j) * out_stride] = nn_rq_out(acc[j], m, r, s, zout, act_min, act_max);
  }
}

/* Dense conv, output (out_h x out_w x cout) at `out` with pixel stride out_stride. */
NN_INLINE void nn_conv2d_s8(const int8_t *in, int in_h, int in_w, int cin, int in_stride,
                            const int8_t *weights, const nn_chan_t *chan, int cout, int kh, int kw,
                            int stride, int pad_h, int pad_w, int8_t *out, int out_h, int out_w,
                            int out_stride, int32_t zin, int32_t zout, int32_t act_min, int32_t act_max,
                            void *scratch) {
  const int kp = NN_CONV_KP(cin, kh, kw), coutp = NN_ROUND4(cout);
  const int pointwise = kh == 1 && kw == 1 && stride == 1 && pad_h == 0 && pad_w == 0 && (cin & 3) == 0;
  nn_chan_t *sram_chan = (nn_chan_t *)scratch;    /* the records, copied out of flash once */
  int32_t *wide = (int32_t *)(sram_chan + coutp); /* coutp rows of kp/2 words */
  int32_t *rows = wide + coutp * (kp / 2);        /* two im2col rows */
  int8_t *stage = (int8_t *)(rows + kp);          /* kernel-row gathers: kp bytes */
  for (int c = 0; c < coutp; c++)
    nn_widen_row_scaled(weights + c * kp, wide + c * (kp / 2), kp, (int)NN_RQ_LEFT(chan[c].shifts));
  memcpy(sram_chan, chan, sizeof(nn_chan_t) * coutp);
  const int pixels = out_h * out_w;
  if (cout == 1) {
    nn_conv_single_channel(in, in_h, in_w, cin, in_stride, kh, kw, stride, pad_h, pad_w, kp, out, out_w, out_stride,
                           pixels, sram_chan, wide, rows, stage, zin, zout, act_min, act_max);
    return;
  }
  int oy = 0, ox = 0, p = 0;
  for (; p + 1 < pixels; p += 2) {
    int oy1 = oy, ox1 = ox + 1;
    if (ox1 == out_w) { ox1 = 0; oy1++; }
    int8_t *o0 = out + p * out_stride;
    nn_conv_pair(in, in_h, in_w, cin, in_stride, cout, coutp, kh, kw, stride, pad_h, pad_w, kp, pointwise, p, oy, ox,
                 oy1, ox1, 1, o0, o0 + out_stride, sram_chan, wide, rows, stage, zin, zout, act_min, act_max);
    ox = ox1 + 1;
    oy = oy1;
    if (ox == out_w) { ox = 0; oy++; }
  }
  if (p < pixels) {
    int8_t *o0 = out + p * out_stride;
    nn_conv_pair(in, in_h, in_w, cin, in_stride, cout, coutp, kh, kw, stride, pad_h, pad_w, kp, pointwise, p, oy, ox,
                 oy, ox, 0, o0, o0, sram_chan, wide, rows, stage, zin, zout, act_min, act_max);
  }
}

#endif
