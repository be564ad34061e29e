/* Requantisation of an int32 accumulator to int8, bit for bit CMSIS-NN arm_nn_requantize without
 * CMSIS_NN_USE_SINGLE_ROUNDING (firmware/nn/README.md, "int8 arithmetic"; host: src/nn/quant/fixed-point.ts):
 *   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc << ls, mult), rs)
 * with ls = max(shift, 0), rs = max(-shift, 0).
 *
 * The fast form works on t = acc << (ls + 1) and per-channel words made offline
 * (src/codegen/kernel-packing.ts) or at run time (nn_rq_prepare):
 *   SaturatingRoundingDoublingHighMul(acc << ls, m) = floor((t * m + 2^31) / 2^32) = SMMULR(t, m)
 *   RoundingDivideByPOT(x, rs) = (x + 2^(rs-1) - [x < 0]) >> rs  (rs >= 1; x itself when rs = 0)
 * SMMLAR adds round = 2^(rs-1) inside the multiply; x < 0 exactly when t < 0 (m >= 2^30; the one
 * exception, acc = -1 with m = 2^30 and ls = 0, gives x = 0 and the same result either way); the
 * sign bit of t AND shifts (bit 31 set when rs >= 1) is the -1. Four instructions when the caller
 * already holds t (the dense conv scales its weights and bias by 2^(ls+1) once per layer).
 * Exact whenever |t| < 2^31: kernel-packing.ts checks this bound for every conv channel from its
 * weights (|acc| <= |bias| + 255 * sum|w|).
 */
#ifndef NN_REQUANT_H
#define NN_REQUANT_H
#include <stdint.h>

#define NN_INLINE static inline __attribute__((always_inline))

/* One output channel's requantisation, 16 bytes. `bias` is the kernel's accumulator start (each
 * kernel's header says what is folded into it). shifts = rs | (ls + 1) << 8 | (rs > 0) << 31. */
typedef struct {
  int32_t bias;
  int32_t mult;
  int32_t round; /* 2^(rs-1), 0 when rs = 0 */
  uint32_t shifts;
} nn_chan_t;

#define NN_RQ_LEFT(shifts) (((shifts) >> 8) & 0xff)

/* The fast form's words for a (mult, shift) pair at run time (ops with one multiplier). */
NN_INLINE nn_chan_t nn_rq_prepare(int32_t bias, int32_t mult, int32_t shift) {
  int32_t ls = shift > 0 ? shift : 0, rs = shift > 0 ? 0 : -shift;
  nn_chan_t c = { bias, mult, rs > 0 ? (int32_t)(1u << (rs - 1)) : 0,
                  (uint32_t)rs | ((uint32_t)(ls + 1) << 8) | (rs > 0 ? 0x80000000u : 0u) };
  return c;
}

/* requantize from t = acc << (ls + 1). */
NN_INLINE int32_t nn_rq_t(int32_t t, int32_t mult, int32_t round, uint32_t shifts) {
  int32_t y, c, r;
  __asm__("smmlar %[y], %[t], %[m], %[rnd]\n\t"
          "and %[c], %[t], %[s]\n\t"
          "add %[y], %[y], %[c], asr #31\n\t"
          "asr %[r], %[y], %[s]"
          : [c] "=&r"(c), [y] "=&r"(y), [r] "=r"(r)
          : [t] "r"(t), [s] "r"(shifts), [rnd] "r"(round), [m] "r"(mult));
  return r;
}

/* requantize(acc) with the fast form (|acc| * 2^(ls+1) < 2^31). */
NN_INLINE int32_t nn_rq_fast(int32_t acc, int32_t mult, int32_t round, uint32_t shifts) {
  return nn_rq_t((int32_t)((uint32_t)acc << NN_RQ_LEFT(shifts)), mult, round, shifts);
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

/* zout + r clamped to [act_min, act_max] (a subrange of int8). A ReLU (act_min = zout, act_max = 127)
 * is USAT #31 (max with 0) then SSAT; a linear output is SSAT alone; other ranges compare. */
NN_INLINE int8_t nn_out_clamp(int32_t r, int32_t zout, int32_t act_min, int32_t act_max) {
  int32_t v;
  if (act_min == zout && act_max == 127) {
    __asm__("usat %0, #31, %1" : "=r"(v) : "r"(r));
    __asm__("ssat %0, #8, %1" : "=r"(v) : "r"(v + zout));
    return (int8_t)v;
  }
  __asm__("ssat %0, #8, %1" : "=r"(v) : "r"(r + zout));
  if (act_min > -128 && v < act_min) v = act_min;
  if (act_max < 127 && v > act_max) v = act_max;
  return (int8_t)v;
}

/* requantize + zout + clamp from t. With a ReLU clamp (act_min = zout) the sign correction of the
 * rounding is left out: it only changes results for t < 0, where RoundingDivideByPOT gives a value
 * <= 0 with or without it and the clamp makes the output zout either way. */
NN_INLINE int8_t nn_rq_out(int32_t t, int32_t mult, int32_t round, uint32_t shifts, int32_t zout, int32_t act_min,
                           int32_t act_max) {
  if (act_min == zout && act_max == 127) {
    int32_t y;
    __asm__("smmlar %[y], %[t], %[m], %[rnd]\n\t"
            "asr %[y], %[y], %[s]\n\t"
            "usat %[y], #31, %[y]\n\t"
            "add %[y], %[y], %[z]\n\t"
            "ssat %[y], #8, %[y]"
            : [y] "=&r"(y)
            : [t] "r"(t), [m] "r"(mult), [rnd] "r"(round), [s] "r"(shifts), [z] "r"(zout));
    return (int8_t)y;
  }
  return nn_out_clamp(nn_rq_t(t, mult, round, shifts), zout, act_min, act_max);
}

/* One channel's outputs from n accumulators `acc_step` words apart (t-scaled, nn_rq_t) into bytes
 * `dst_stride` apart. Out of line: a loop of its own gets all the registers. */
void nn_requant_column(const int32_t *acc, int acc_step, int8_t *dst, int dst_stride, int n, const nn_chan_t *ch,
                       int32_t zout, int32_t act_min, int32_t act_max);

#endif
