/* Requantisation of an int32 accumulator to int8, bit for bit CMSIS-NN arm_nn_requantize without
 * CMSIS_NN_USE_SINGLE_ROUNDING (firmware/nn/README.md, "int8 arithmetic"; host: src/nn/quant/fixed-point.ts):
 *   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc << ls, mult), rs)
 * with ls = max(shift, 0), rs = max(-shift, 0).
 *
 * The fast form (nn_rq_fast) uses precomputed per-channel words (src/codegen/kernel-packing.ts makes
 * them offline; nn_rq_prepare makes them at run time) so one output costs 7 instructions:
 *   t = acc << (ls + 1)
 *   SaturatingRoundingDoublingHighMul(acc << ls, m) = floor((t * m + 2^31) / 2^32) = SMMULR(t, m)
 *   RoundingDivideByPOT(x, rs) = (x + 2^(rs-1) - [x < 0]) >> rs  (rs >= 1; x itself when rs = 0)
 * and SMMLAR adds 2^(rs-1) inside the multiply. x < 0 exactly when acc < 0 (m >= 2^30; the one
 * exception, acc = -1 with m = 2^30 and ls = 0, gives x = 0 and the same result either way).
 * Exact whenever |acc| * 2^(ls+1) < 2^31: kernel-packing.ts checks this bound for every conv channel
 * from its weights (|acc| <= |bias| + 255 * sum|w|).
 */
#ifndef NN_REQUANT_H
#define NN_REQUANT_H
#include <stdint.h>

#define NN_INLINE static inline __attribute__((always_inline))

/* One output channel's requantisation, 16 bytes. `bias` is the kernel's accumulator start (each
 * kernel's header says what is folded into it). shifts = (ls + 1) | rs << 8 | (rs > 0) << 31. */
typedef struct {
  int32_t bias;
  int32_t mult;
  int32_t round; /* 2^(rs-1), 0 when rs = 0 */
  uint32_t shifts;
} nn_chan_t;

/* The fast form's words for a (mult, shift) pair at run time (ops with one multiplier). */
NN_INLINE nn_chan_t nn_rq_prepare(int32_t bias, int32_t mult, int32_t shift) {
  int32_t ls = shift > 0 ? shift : 0, rs = shift > 0 ? 0 : -shift;
  nn_chan_t c = { bias, mult, rs > 0 ? (int32_t)(1u << (rs - 1)) : 0,
                  (uint32_t)(ls + 1) | ((uint32_t)rs << 8) | (rs > 0 ? 0x80000000u : 0u) };
  return c;
}

/* requantize(acc) with the fast form (see the bound above). */
NN_INLINE int32_t nn_rq_fast(int32_t acc, int32_t mult, int32_t round, uint32_t shifts) {
  int32_t t, y, c, r;
  __asm__("lsl %[t], %[acc], %[s]\n\t"
          "asr %[c], %[t], #31\n\t"
          "and %[c], %[c], %[s], asr #31\n\t"
          "add %[c], %[c], %[rnd]\n\t"
          "smmlar %[y], %[t], %[m], %[c]\n\t"
          "lsr %[c], %[s], #8\n\t"
          "asr %[r], %[y], %[c]"
          : [t] "=&r"(t), [c] "=&r"(c), [y] "=&r"(y), [r] "=r"(r)
          : [acc] "r"(acc), [s] "r"(shifts), [rnd] "r"(round), [m] "r"(mult));
  return r;
}

/* The plain C form, for ops whose operands may exceed the fast form's bound (add). */
NN_INLINE int32_t nn_requantize(int32_t acc, int32_t mult, int32_t shift) {
  int32_t ls = shift > 0 ? shift : 0, rs = shift > 0 ? 0 : -shift;
  int32_t a = (int32_t)((uint32_t)acc << ls);
  int32_t x = (int32_t)(((int64_t)a * mult + (1ll << 30)) >> 31);
  if (rs == 0) return x;
  int32_t mask = (int32_t)((1u << rs) - 1u);
  int32_t thr = (mask >> 1) + (x < 0);
  return (x >> rs) + ((x & mask) > thr);
}

NN_INLINE int32_t nn_clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

#endif
