/* The out-of-line requantisation loop of nn_requant.h (nn_requant_column). */
#include "nn_requant.h"

/* Two outputs per turn: two loads, the requantisation (nn_rq_t; CORR is its sign correction, left
 * out under a ReLU as in nn_rq_out) twice, the clamp twice, two stores. */
#define NN_RQ_CORRECTION                                                                              \
  "and %[t0], %[t0], %[s]\n\t"                                                                        \
  "and %[t1], %[t1], %[s]\n\t"                                                                        \
  "add %[y0], %[y0], %[t0], asr #31\n\t"                                                              \
  "add %[y1], %[y1], %[t1], asr #31\n\t"
#define NN_RQ_COLUMN_LOOP2(CORR, CLAMP0, CLAMP1)                                                        \
  __asm__ volatile("1:\n\t"                                                                           \
                   "ldr %[t0], [%[a]]\n\t"                                                            \
                   "ldr %[t1], [%[a], %[astep]]\n\t"                                                  \
                   "add %[a], %[a], %[astep], lsl #1\n\t"                                             \
                   "smmlar %[y0], %[t0], %[m], %[r]\n\t"                                              \
                   "smmlar %[y1], %[t1], %[m], %[r]\n\t" CORR                                         \
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

#ifdef __OPTIMIZE__
/* The two-at-a-time loops. At -Os gcc's register allocation needs them in functions of their own to
 * find 13 free registers; at -O2 they inline (a call per channel column costs ~2 %). */
#ifdef __OPTIMIZE_SIZE__
#define NN_COLUMN_LOOP_ATTR __attribute__((noinline))
#else
#define NN_COLUMN_LOOP_ATTR __attribute__((always_inline)) inline
#endif
NN_COLUMN_LOOP_ATTR static void column_pairs_relu(const int32_t *acc, int acc_step, int8_t *dst, int dst_stride,
                                                        const int32_t *end2, int32_t m, int32_t r, uint32_t s,
                                                        int32_t zout) {
  int32_t t0, t1, y0, y1;
  NN_RQ_COLUMN_LOOP2("", NN_RELU("y0"), NN_RELU("y1"));
}

NN_COLUMN_LOOP_ATTR static void column_pairs_linear(const int32_t *acc, int acc_step, int8_t *dst, int dst_stride,
                                                          const int32_t *end2, int32_t m, int32_t r, uint32_t s,
                                                          int32_t zout) {
  int32_t t0, t1, y0, y1;
  NN_RQ_COLUMN_LOOP2(NN_RQ_CORRECTION, NN_LINEAR("y0"), NN_LINEAR("y1"));
}
#endif

void nn_requant_column(const int32_t *acc, int acc_step, int8_t *dst, int dst_stride, int n, const nn_chan_t *ch,
                       int32_t zout, int32_t act_min, int32_t act_max) {
  const int32_t m = ch->mult, r = ch->round;
  const uint32_t s = ch->shifts;
  int done = 0; /* outputs written by the two-at-a-time loops */
#ifdef __OPTIMIZE__
  const int32_t *end2 = acc + (n & ~1) * acc_step;
  if (n >= 2 && act_min == zout && act_max == 127) {
    column_pairs_relu(acc, acc_step, dst, dst_stride, end2, m, r, s, zout);
    done = n & ~1;
  } else if (n >= 2 && act_min == -128 && act_max == 127) {
    column_pairs_linear(acc, acc_step, dst, dst_stride, end2, m, r, s, zout);
    done = n & ~1;
  }
#endif
  /* The odd last output, other clamps, and unoptimised builds (a frame pointer leaves too few
   * registers for the loops above). */
  acc += done * acc_step;
  dst += done * dst_stride;
  for (int i = done; i < n; i++, acc += acc_step, dst += dst_stride) *dst = nn_rq_out(*acc, m, r, s, zout, act_min, act_max);
}
