/* 32- and 64-bit integer arithmetic. 64-bit multiply is inline (UMULL/MLA), 64-bit division goes
 * through libgcc (__aeabi_uldivmod, __aeabi_ldivmod), 64-bit shifts by a variable amount are inline
 * sequences with conditional moves at -O2 and calls at some levels. */
#include "check.h"

static uint64_t lcg64(uint64_t x) { return x * 6364136223846793005ull + 1442695040888963407ull; }

int main(void) {
  uint32_t a32 = OPAQUE(0xDEADBEEFu), b32 = OPAQUE(0x12345678u);
  printf("add32: %08lx\n", (unsigned long)(a32 + b32));
  printf("sub32: %08lx\n", (unsigned long)(b32 - a32));
  printf("mul32: %08lx\n", (unsigned long)(a32 * b32));
  printf("mla32: %08lx\n", (unsigned long)(a32 * b32 + 0x1111u));
  printf("neg32: %ld\n", (long)-(int32_t)OPAQUE(0x7FFFFFFF));
  CHECK_EQ(a32 + b32, 0xF0E21567u);

  uint64_t a = OPAQUE(0x123456789ABCDEF0ull), b = OPAQUE(0x0FEDCBA987654321ull);
  printf("add64: %016llx\n", a + b);
  printf("sub64: %016llx\n", b - a);
  printf("mul64: %016llx\n", a * b);
  printf("umull: %016llx\n", (uint64_t)OPAQUE(0xFFFFFFFFu) * OPAQUE(0xFFFFFFFEu));
  printf("smull: %lld\n", (int64_t)OPAQUE(-123456789) * OPAQUE(987654321));
  printf("udiv64: %016llx\n", a / OPAQUE(0x12345ull));
  printf("umod64: %016llx\n", a % OPAQUE(0x12345ull));
  printf("udiv64big: %016llx\n", OPAQUE(0xFFFFFFFFFFFFFFFFull) / b);
  int64_t na = -(int64_t)a;
  printf("sdiv64: %lld\n", na / OPAQUE(977ll));
  printf("smod64: %lld\n", na % OPAQUE(977ll));
  printf("sdiv64neg: %lld\n", OPAQUE(1000000000000ll) / OPAQUE(-7ll));
  int sh = OPAQUE(13);
  printf("shl64: %016llx\n", a << sh);
  printf("lsr64: %016llx\n", a >> (sh + 16));
  printf("asr64: %016llx\n", (uint64_t)((int64_t)OPAQUE(0xF234567800000000ull) >> (sh + 27)));
  printf("shl64by40: %016llx\n", a << (sh + 27));
  CHECK_EQ(a / 0x12345ull * 0x12345ull + a % 0x12345ull, a);
  CHECK_EQ((uint64_t)0xFFFFFFFFu * 0xFFFFFFFEu, 0xFFFFFFFD00000002ull);

  /* A mixing loop: multiply, divide, shift and compare on 64-bit values. */
  uint64_t x = OPAQUE(1ull), acc = 0;
  for (unsigned i = 0; i < 1000; i++) {
    x = lcg64(x);
    acc ^= x >> (i % 64);
    acc += x / (i + 1);
    if ((int64_t)x < 0) acc = (acc << 1) | (acc >> 63);
  }
  printf("mix64: %016llx\n", acc);
  return check_exit("int_arith");
}
