/* Integer division: SDIV/UDIV through C (truncation toward zero, C99 6.5.5), the edge cases the
 * instructions define and C leaves undefined (INT_MIN / -1, division by zero with CCR.DIV_0_TRP clear:
 * ARMv7-M ARM A7.7.127 and A7.7.195 give 0x80000000 and 0), reached with inline SDIV/UDIV, and
 * 64-bit division through libgcc. */
#include <limits.h>
#include "check.h"

static int32_t sdiv_insn(int32_t n, int32_t d) {
  int32_t q;
  __asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(n), "r"(d));
  return q;
}

static uint32_t udiv_insn(uint32_t n, uint32_t d) {
  uint32_t q;
  __asm volatile("udiv %0, %1, %2" : "=r"(q) : "r"(n), "r"(d));
  return q;
}

static const int32_t signed_cases[][2] = {
    {7, 2}, {-7, 2}, {7, -2}, {-7, -2}, {INT_MAX, 1}, {INT_MIN, 1}, {INT_MIN, 2}, {INT_MIN, INT_MAX},
    {INT_MAX, INT_MIN}, {0, -5}, {1, INT_MIN}, {-1000000007, 13}, {123456789, -1},
};
static const uint32_t unsigned_cases[][2] = {
    {7, 2}, {0xFFFFFFFFu, 1}, {0xFFFFFFFFu, 0xFFFFFFFFu}, {0xFFFFFFFEu, 0xFFFFFFFFu}, {0x80000000u, 3},
    {1, 0x80000000u}, {0xDEADBEEFu, 0x10000u}, {1000000007u, 10u},
};

int main(void) {
  for (unsigned i = 0; i < sizeof signed_cases / sizeof signed_cases[0]; i++) {
    int32_t n = OPAQUE(signed_cases[i][0]), d = OPAQUE(signed_cases[i][1]);
    printf("sdiv %ld / %ld: q=%ld r=%ld\n", (long)n, (long)d, (long)(n / d), (long)(n % d));
    CHECK_EQ(n / d * d + n % d, n);
  }
  for (unsigned i = 0; i < sizeof unsigned_cases / sizeof unsigned_cases[0]; i++) {
    uint32_t n = OPAQUE(unsigned_cases[i][0]), d = OPAQUE(unsigned_cases[i][1]);
    printf("udiv %lu / %lu: q=%lu r=%lu\n", (unsigned long)n, (unsigned long)d, (unsigned long)(n / d),
           (unsigned long)(n % d));
  }
  /* Cases C does not define, by instruction. DIV_0_TRP is clear after reset (CCR reset value). */
  printf("sdiv INT_MIN / -1: %08lx\n", (unsigned long)sdiv_insn(OPAQUE(INT_MIN), OPAQUE(-1)));
  printf("sdiv 5 / 0: %ld\n", (long)sdiv_insn(OPAQUE(5), OPAQUE(0)));
  printf("sdiv INT_MIN / 0: %ld\n", (long)sdiv_insn(OPAQUE(INT_MIN), OPAQUE(0)));
  printf("udiv 0xffffffff / 0: %lu\n", (unsigned long)udiv_insn(OPAQUE(0xFFFFFFFFu), OPAQUE(0u)));
  CHECK_EQ(sdiv_insn(OPAQUE(INT_MIN), OPAQUE(-1)), INT_MIN);
  CHECK_EQ(udiv_insn(OPAQUE(7u), OPAQUE(0u)), 0);

  /* Division by constants becomes multiply-high sequences at -O2; check them against the instruction. */
  uint32_t sum = 0;
  for (uint32_t n = OPAQUE(0xFFFFFF00u); n != 0x40; n += 0x3F3F3F3u) {
    sum += n / 10 + n % 7 + (uint32_t)((int32_t)n / -3);
    CHECK_EQ(n / 10, udiv_insn(n, 10));
    CHECK_EQ((int32_t)n / -3, sdiv_insn((int32_t)n, -3));
    if (n < 0x3F3F3F3u) break;
  }
  printf("constdiv sum: %08lx\n", (unsigned long)sum);

  int64_t big = OPAQUE(-9000000000000000000ll);
  printf("ldiv: %lld %lld\n", big / OPAQUE(1000000007ll), big % OPAQUE(1000000007ll));
  printf("ldiv by 1: %lld\n", big / OPAQUE(1ll));
  printf("uldiv: %llu %llu\n", OPAQUE(18446744073709551615ull) / OPAQUE(4294967296ull),
         OPAQUE(18446744073709551615ull) % OPAQUE(4294967297ull));
  return check_exit("division");
}
