/* Bit operations: CLZ, RBIT, REV/REV16/REVSH, bitfield extract/insert (UBFX/SBFX/BFI/BFC through C
 * bitfields), population count, trailing zeros and parity (libgcc or inline sequences). */
#include "check.h"

/* GCC 12's arm_acle.h lacks the ACLE data-processing intrinsics, so the instructions are spelled out. */
#define UNARY_INSN(name, insn)                                 \
  static inline uint32_t name(uint32_t x) {                   \
    uint32_t r;                                               \
    __asm volatile(insn " %0, %1" : "=r"(r) : "r"(x));        \
    return r;                                                 \
  }
UNARY_INSN(clz_insn, "clz")
UNARY_INSN(rbit_insn, "rbit")
UNARY_INSN(rev_insn, "rev")
UNARY_INSN(rev16_insn, "rev16")
UNARY_INSN(revsh_insn, "revsh")

struct packed_fields {
  uint32_t low : 5;
  int32_t mid : 11;
  uint32_t high : 16;
};

static const uint32_t inputs[] = {0, 1, 0x80000000u, 0xFFFFFFFFu, 0x00F0F000u, 0x12345678u, 0xDEADBEEFu, 0x00008001u};

int main(void) {
  for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    uint32_t x = OPAQUE(inputs[i]);
    printf("x=%08lx clz=%u rbit=%08lx rev=%08lx rev16=%08lx revsh=%08lx pop=%d ctz=%d parity=%d ffs=%d\n",
           (unsigned long)x, (unsigned)clz_insn(x), (unsigned long)rbit_insn(x), (unsigned long)rev_insn(x),
           (unsigned long)rev16_insn(x), (unsigned long)revsh_insn(x), __builtin_popcount(x),
           x ? __builtin_ctz(x) : 32, __builtin_parity(x), __builtin_ffs((int)x));
    CHECK_EQ(rbit_insn(rbit_insn(x)), x);
    CHECK_EQ(rev_insn(rev_insn(x)), x);
    CHECK_EQ(clz_insn(x), x ? (uint32_t)__builtin_clz(x) : 32u);
  }
  uint64_t w = OPAQUE(0x0000F00000000001ull);
  printf("clzll=%d ctzll=%d popll=%d\n", __builtin_clzll(w), __builtin_ctzll(w), __builtin_popcountll(w));

  struct packed_fields f;
  uint32_t raw = OPAQUE(0xA5A5F00Fu);
  __builtin_memcpy(&f, &raw, sizeof f);
  printf("fields: low=%lu mid=%ld high=%04lx\n", (unsigned long)f.low, (long)f.mid, (unsigned long)f.high);
  f.mid = OPAQUE(-3);
  f.low = OPAQUE(0x1Fu);
  __builtin_memcpy(&raw, &f, sizeof raw);
  printf("fields after insert: %08lx\n", (unsigned long)raw);

  /* Shifts and rotates by register amounts at and beyond the word size (C defines rotates only). */
  uint32_t v = OPAQUE(0x80000001u);
  for (unsigned s = 0; s < 32; s += 7) {
    uint32_t rot = (v >> s) | (v << ((32 - s) & 31));
    printf("ror %u: %08lx\n", s, (unsigned long)rot);
  }
  uint32_t bits = 0;
  for (unsigned i = 0; i < 32; i++) bits ^= (OPAQUE(0x9E3779B9u) >> i) & (1u << (31 - i));
  printf("xor fold: %08lx\n", (unsigned long)bits);
  return check_exit("bitops");
}
