/* Shared helpers for the C test programs: self-checks that print a FAIL line and count failures, and
 * OPAQUE(), which hides a value from the optimiser so -O2/-Os still compute it on the target CPU
 * instead of folding it at compile time. Every program prints "key: value" lines (compared byte for
 * byte between QEMU and mcusim) and returns check_exit(), 0 when every check held, 1 otherwise. */
#ifndef MCUSIM_TEST_CHECK_H
#define MCUSIM_TEST_CHECK_H
#include <stdint.h>
#include <stdio.h>

static int check_failures;

#define OPAQUE(x)                         \
  ({                                      \
    __auto_type opaque_value_ = (x);       \
    __asm volatile("" : "+m"(opaque_value_)); \
    opaque_value_;                        \
  })

#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      printf("FAIL line %d: %s\n", __LINE__, #cond);             \
      check_failures++;                                          \
    }                                                            \
  } while (0)

#define CHECK_EQ(got, want)                                                              \
  do {                                                                                   \
    unsigned long long got_ = (unsigned long long)(got), want_ = (unsigned long long)(want); \
    if (got_ != want_) {                                                                 \
      printf("FAIL line %d: %s = 0x%llx, want 0x%llx\n", __LINE__, #got, got_, want_);   \
      check_failures++;                                                                  \
    }                                                                                    \
  } while (0)

static inline int check_exit(const char *program) {
  printf("%s: %s\n", program, check_failures ? "FAILED" : "ok");
  return check_failures ? 1 : 0;
}
#endif
