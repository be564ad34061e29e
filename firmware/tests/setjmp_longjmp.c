/* setjmp/longjmp (newlib's ARM implementation: STM/LDM of r4-r11, sp, lr and, for hard-float,
 * VSTM/VLDM of d8-d15): a jump out of deep recursion, longjmp(env, 0) returning 1, nested buffers,
 * and callee-saved core and FP registers holding their values across the jump. */
#include <setjmp.h>
#include "check.h"

static jmp_buf outer, inner;
static volatile int depth_reached;

static __attribute__((noinline)) void recurse(int depth, int limit) {
  volatile char pad[24];
  pad[depth % 24] = (char)depth;
  depth_reached = depth + pad[depth % 24] * 0;
  if (depth >= limit) longjmp(outer, depth * 100);
  if (depth < 1000) recurse(depth + 1, limit);
}

static __attribute__((noinline)) void jump_zero(void) { longjmp(inner, 0); }

static __attribute__((noinline)) int nested(int x) {
  volatile int local = x * 3;
  int v = setjmp(inner);
  if (v == 0) {
    local += 1;
    jump_zero();
  }
  /* local must hold the value stored before the jump (it is volatile, so it lives in memory). */
  return v * 1000 + local;
}

int main(void) {
  volatile int round = 0;
  /* Not modified after setjmp, so C guarantees its value after longjmp; at -O2 it lives in a
   * callee-saved register (s16 or r4-r11), which longjmp must restore. */
  float fp_kept = OPAQUE(1.5f) * OPAQUE(1.25f);
  uint32_t int_kept = OPAQUE(0x5A5A1234u) ^ OPAQUE(0xFFu);
  int v = setjmp(outer);
  printf("setjmp returned %d (round %d)\n", v, round);
  if (round < 3) {
    round++;
    recurse(0, round * 10);
  }
  printf("depth reached: %d\n", depth_reached);
  printf("nested: %d\n", nested(OPAQUE(7)));
  printf("kept: %.4f %08lx\n", (double)(fp_kept * 2.0f), (unsigned long)int_kept);
  CHECK_EQ(v, 3000);
  CHECK_EQ(nested(1), 1004);
  return check_exit("setjmp_longjmp");
}
