/* DSP extension (ARMv7E-M): SIMD add/subtract setting APSR.GE and SEL consuming it, saturating
 * arithmetic setting the sticky APSR.Q flag, dual 16-bit multiply-accumulate (SMLAD family, SMLALD),
 * 16x16 and 32x16 multiplies, most-significant-word multiplies (SMMLA/SMMUL with rounding),
 * sum of absolute differences and packing. Intrinsics come from ACLE (arm_acle.h); instructions it
 * lacks are written as inline asm. Q is read and cleared through __saturation_occurred(). */
#include <arm_acle.h>
#include "check.h"

static uint32_t apsr_ge(void) {
  uint32_t apsr;
  __asm volatile("mrs %0, apsr" : "=r"(apsr));
  return (apsr >> 16) & 0xFu;
}

#define ASM3(insn, a, b, c)                                                   \
  ({                                                                          \
    uint32_t r_;                                                              \
    __asm volatile(insn " %0, %1, %2, %3" : "=r"(r_) : "r"(a), "r"(b), "r"(c)); \
    r_;                                                                       \
  })
#define ASM2(insn, a, b)                                               \
  ({                                                                   \
    uint32_t r_;                                                       \
    __asm volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b));    \
    r_;                                                                \
  })

/* Prints a result and the Q flag it left, then clears Q for the next line. */
static void show(const char *name, uint32_t value) {
  int q = __saturation_occurred();
  __set_saturation_occurred(0);
  printf("%s: %08lx q=%d\n", name, (unsigned long)value, q);
}

int main(void) {
  uint32_t a = OPAQUE(0x7FFF8000u), b = OPAQUE(0x00027FFFu), c = OPAQUE(10u);
  __set_saturation_occurred(0);

  show("smlad", (uint32_t)__smlad(OPAQUE(0x00020003u), OPAQUE(0x00040005u), (int32_t)c));
  show("smlad overflow", (uint32_t)__smlad(OPAQUE(0x80008000u), OPAQUE(0x80008000u), 0));
  show("smladx", (uint32_t)__smladx(a, b, (int32_t)c));
  show("smlsd", (uint32_t)__smlsd(a, b, (int32_t)c));
  show("smlsdx", (uint32_t)__smlsdx(a, b, (int32_t)c));
  show("smuad", (uint32_t)__smuad(a, b));
  show("smusd", (uint32_t)__smusd(a, b));
  int64_t acc = OPAQUE(-5ll);
  printf("smlald: %016llx\n", (unsigned long long)__smlald(a, b, acc));
  printf("smlsld: %016llx\n", (unsigned long long)__smlsld(a, b, acc));
  show("smlabb", (uint32_t)__smlabb(a, b, (int32_t)c));
  show("smlatt", (uint32_t)__smlatt(a, b, (int32_t)c));
  show("smlabb overflow", (uint32_t)__smlabb(OPAQUE(0x8000u), OPAQUE(0x8000u), 0x7FFFFFFF));
  show("smlawb", (uint32_t)__smlawb((int32_t)OPAQUE(0x12345678u), (int32_t)b, (int32_t)c));
  show("smulwt", ASM2("smulwt", OPAQUE(0x12345678u), a));
  show("smulbt", ASM2("smulbt", a, b));
  show("smmul", ASM2("smmul", OPAQUE(0x40000000u), OPAQUE(0x7FFFFFFFu)));
  show("smmulr", ASM2("smmulr", OPAQUE(0x40000000u), OPAQUE(0x7FFFFFFFu)));
  show("smmla", ASM3("smmla", OPAQUE(0x89ABCDEFu), OPAQUE(0x12345678u), c));
  show("smmlsr", ASM3("smmlsr", OPAQUE(0x89ABCDEFu), OPAQUE(0x12345678u), c));

  show("qadd", (uint32_t)__qadd((int32_t)OPAQUE(0x7FFFFFF0u), 0x100));
  show("qsub", (uint32_t)__qsub((int32_t)OPAQUE(0x80000010u), 0x100));
  show("qdbl", (uint32_t)__qdbl((int32_t)OPAQUE(0x40000000u)));
  show("qdadd", ASM2("qdadd", OPAQUE(5u), OPAQUE(0x60000000u)));
  show("qdsub", ASM2("qdsub", OPAQUE(5u), OPAQUE(0x60000000u)));
  show("qadd no sat", (uint32_t)__qadd(OPAQUE(1000), -3));
  show("ssat 8", (uint32_t)__ssat((int32_t)OPAQUE(300), 8));
  show("ssat 8 in range", (uint32_t)__ssat((int32_t)OPAQUE(-100), 8));
  show("usat 8", (uint32_t)__usat((int32_t)OPAQUE(-5), 8));
  uint32_t sat;
  __asm volatile("ssat %0, #12, %1, lsl #4" : "=r"(sat) : "r"(OPAQUE(0x00000123u)));
  show("ssat 12 lsl 4", sat);
  __asm volatile("usat %0, #7, %1, asr #3" : "=r"(sat) : "r"(OPAQUE(0x000003F8u)));
  show("usat 7 asr 3", sat);
  show("ssat16 4", (uint32_t)__ssat16((int32_t)OPAQUE(0x0007FFF0u), 4));
  show("usat16 4", (uint32_t)__usat16((int32_t)OPAQUE(0x0010FFFFu), 4));
  show("qadd16", (uint32_t)__qadd16((int16x2_t)a, (int16x2_t)b));
  show("qsub8", (uint32_t)__qsub8((int8x4_t)a, (int8x4_t)b));
  show("uqadd8", (uint32_t)__uqadd8((uint8x4_t)OPAQUE(0xF0807F01u), (uint8x4_t)OPAQUE(0x20808001u)));
  show("qasx", (uint32_t)__qasx((int16x2_t)a, (int16x2_t)b));

  uint32_t s = (uint32_t)__sadd8((int8x4_t)OPAQUE(0x7F80FF01u), (int8x4_t)OPAQUE(0x01FF0180u));
  uint32_t ge = apsr_ge();
  uint32_t sel = (uint32_t)__sel((uint8x4_t)OPAQUE(0xAABBCCDDu), (uint8x4_t)OPAQUE(0x11223344u));
  printf("sadd8: %08lx ge=%lx sel=%08lx\n", (unsigned long)s, (unsigned long)ge, (unsigned long)sel);
  s = (uint32_t)__usub16((uint16x2_t)OPAQUE(0x00050010u), (uint16x2_t)OPAQUE(0x00060001u));
  ge = apsr_ge();
  printf("usub16: %08lx ge=%lx\n", (unsigned long)s, (unsigned long)ge);
  s = (uint32_t)__uadd8((uint8x4_t)OPAQUE(0xFF017F80u), (uint8x4_t)OPAQUE(0x01FF0180u));
  ge = apsr_ge();
  printf("uadd8: %08lx ge=%lx\n", (unsigned long)s, (unsigned long)ge);
  s = (uint32_t)__ssax((int16x2_t)OPAQUE(0x80007FFFu), (int16x2_t)OPAQUE(0x00010001u));
  ge = apsr_ge();
  printf("ssax: %08lx ge=%lx\n", (unsigned long)s, (unsigned long)ge);
  printf("shadd16: %08lx\n", (unsigned long)__shadd16((int16x2_t)a, (int16x2_t)b));
  printf("uhsub8: %08lx\n", (unsigned long)__uhsub8((uint8x4_t)OPAQUE(0x00FF1080u), (uint8x4_t)OPAQUE(0xFF001181u)));
  printf("usad8: %lu\n", (unsigned long)__usad8((uint8x4_t)OPAQUE(0x01FF1080u), (uint8x4_t)OPAQUE(0xFF001181u)));
  printf("usada8: %lu\n", (unsigned long)__usada8((uint8x4_t)OPAQUE(0x01FF1080u), (uint8x4_t)OPAQUE(0xFF001181u), 1000));
  printf("sxtb16: %08lx\n", (unsigned long)__sxtb16((int8x4_t)OPAQUE(0x12805634u)));
  printf("uxtab16: %08lx\n", (unsigned long)__uxtab16((uint16x2_t)OPAQUE(0x00010002u), (uint8x4_t)OPAQUE(0xAABBCCDDu)));
  printf("pkhbt: %08lx\n", (unsigned long)ASM2("pkhbt", OPAQUE(0x11112222u), OPAQUE(0x33334444u)));
  uint32_t pk;
  __asm volatile("pkhtb %0, %1, %2, asr #16" : "=r"(pk) : "r"(OPAQUE(0x11112222u)), "r"(OPAQUE(0x8000FFFFu)));
  printf("pkhtb asr16: %08lx\n", (unsigned long)pk);
  uint32_t lo = OPAQUE(0xFFFFFFFFu), hi = OPAQUE(0x7FFFFFFFu);
  __asm volatile("smlalbb %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(OPAQUE(0x7FFFu)), "r"(OPAQUE(0x7FFFu)));
  printf("smlalbb: %08lx%08lx\n", (unsigned long)hi, (unsigned long)lo);
  lo = OPAQUE(0xFFFFFFFFu), hi = OPAQUE(0xFFFFFFFFu);
  __asm volatile("umaal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(OPAQUE(0xFFFFFFFFu)), "r"(OPAQUE(0xFFFFFFFFu)));
  printf("umaal: %08lx%08lx\n", (unsigned long)hi, (unsigned long)lo);

  /* A dot product of int16 vectors the way CMSIS-NN does it: two lanes per SMLAD, checked in C. */
  static int16_t x[64], y[64];
  for (int i = 0; i < 64; i++) {
    x[i] = (int16_t)(i * 1031 - 30000);
    y[i] = (int16_t)(20000 - i * 777);
  }
  int32_t dot_simd = 0, dot_c = 0;
  for (int i = 0; i < 64; i += 2) {
    uint32_t xv, yv;
    __builtin_memcpy(&xv, &x[i], 4);
    __builtin_memcpy(&yv, &y[i], 4);
    dot_simd = __smlad(xv, yv, dot_simd);
    dot_c += x[i] * y[i] + x[i + 1] * y[i + 1];
  }
  printf("dot: %ld\n", (long)dot_simd);
  CHECK_EQ(dot_simd, dot_c);
  CHECK_EQ(__smlad(0x00020003u, 0x00040005u, 10), 33);
  return check_exit("dsp");
}
