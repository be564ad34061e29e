/* FPSCR behaviour of the FPv4-SP unit (ARMv7-M ARM A2.5.3, B1.5.9): the four rounding modes
 * (RMode, bits 23:22), VCVTR using them while VCVT always truncates, flush-to-zero (FZ, bit 24) with
 * the input-denormal flag IDC, default NaN (DN, bit 25) against NaN propagation, and the cumulative
 * exception flags IOC/DZC/OFC/UFC/IXC. Values are printed as raw bits. Soft-float builds have no FPU
 * to program, so they print only that. */
#include "check.h"

#if defined(__ARM_FP)
static uint32_t get_fpscr(void) {
  uint32_t v;
  __asm volatile("vmrs %0, fpscr" : "=r"(v));
  return v;
}
static void set_fpscr(uint32_t v) { __asm volatile("vmsr fpscr, %0" ::"r"(v) : "memory"); }

static uint32_t bits(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  return u;
}
static float from_bits(uint32_t u) {
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}

/* The operations go through inline asm so the compiler cannot fold or reorder them around VMSR. */
#define FOP(insn, a, b)                                                     \
  ({                                                                        \
    float r_;                                                               \
    __asm volatile(insn " %0, %1, %2" : "=t"(r_) : "t"(a), "t"(b));         \
    r_;                                                                     \
  })
static int32_t vcvtr_s32(float f) {
  float r;
  __asm volatile("vcvtr.s32.f32 %0, %1" : "=t"(r) : "t"(f));
  return (int32_t)bits(r);
}
static int32_t vcvt_s32(float f) {
  float r;
  __asm volatile("vcvt.s32.f32 %0, %1" : "=t"(r) : "t"(f));
  return (int32_t)bits(r);
}

static const char *const mode_names[4] = {"RN", "RP", "RM", "RZ"};

int main(void) {
  float one = OPAQUE(1.0f), three = OPAQUE(3.0f), mone = OPAQUE(-1.0f);
  for (uint32_t mode = 0; mode < 4; mode++) {
    set_fpscr(mode << 22);
    float q = FOP("vdiv.f32", one, three), nq = FOP("vdiv.f32", mone, three);
    float s = FOP("vadd.f32", OPAQUE(16777216.0f), one);
    printf("%s: 1/3=%08lx -1/3=%08lx 2^24+1=%08lx cvtr(2.5)=%ld cvtr(-2.5)=%ld cvtr(-1.5)=%ld cvt(-2.7)=%ld fpscr=%08lx\n",
           mode_names[mode], (unsigned long)bits(q), (unsigned long)bits(nq), (unsigned long)bits(s),
           (long)vcvtr_s32(OPAQUE(2.5f)), (long)vcvtr_s32(OPAQUE(-2.5f)), (long)vcvtr_s32(OPAQUE(-1.5f)),
           (long)vcvt_s32(OPAQUE(-2.7f)), (unsigned long)get_fpscr());
  }

  float denormal = from_bits(OPAQUE(0x00200000u)); /* 2^-128 */
  set_fpscr(0);
  float kept = FOP("vmul.f32", denormal, one);
  uint32_t after_normal = get_fpscr();
  set_fpscr(1u << 24);
  float flushed = FOP("vmul.f32", denormal, one);
  uint32_t after_fz = get_fpscr();
  float tiny = FOP("vmul.f32", from_bits(OPAQUE(0x00800000u)), OPAQUE(0.5f));
  uint32_t after_fz_underflow = get_fpscr();
  printf("fz off: %08lx fpscr=%08lx\n", (unsigned long)bits(kept), (unsigned long)after_normal);
  printf("fz on: %08lx fpscr=%08lx\n", (unsigned long)bits(flushed), (unsigned long)after_fz);
  printf("fz underflow: %08lx fpscr=%08lx\n", (unsigned long)bits(tiny), (unsigned long)after_fz_underflow);

  float payload_nan = from_bits(OPAQUE(0x7F812345u)); /* signalling NaN with a payload */
  set_fpscr(0);
  float propagated = FOP("vadd.f32", payload_nan, one);
  uint32_t after_snan = get_fpscr();
  set_fpscr(1u << 25);
  float defaulted = FOP("vadd.f32", payload_nan, one);
  printf("dn off: %08lx fpscr=%08lx\n", (unsigned long)bits(propagated), (unsigned long)after_snan);
  printf("dn on: %08lx fpscr=%08lx\n", (unsigned long)bits(defaulted), (unsigned long)get_fpscr());

  struct {
    const char *name;
    uint32_t a, b;
  } cases[] = {
      {"0/0", 0x00000000u, 0x00000000u},   {"1/0", 0x3F800000u, 0x00000000u},
      {"max*2", 0x7F7FFFFFu, 0x40000000u}, {"min/3", 0x00800000u, 0x40400000u},
      {"1/3", 0x3F800000u, 0x40400000u},   {"-inf/inf", 0xFF800000u, 0x7F800000u},
  };
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    set_fpscr(0);
    float r = FOP("vdiv.f32", from_bits(OPAQUE(cases[i].a)), from_bits(OPAQUE(cases[i].b)));
    if (i == 2) {
      set_fpscr(0);
      r = FOP("vmul.f32", from_bits(OPAQUE(cases[i].a)), from_bits(OPAQUE(cases[i].b)));
    }
    printf("flags %s: %08lx fpscr=%08lx\n", cases[i].name, (unsigned long)bits(r), (unsigned long)get_fpscr());
  }

  /* VCMP and VCMPE against a quiet NaN: VCMPE raises Invalid Operation, VCMP does not. */
  set_fpscr(0);
  float qnan = from_bits(OPAQUE(0x7FC00001u));
  __asm volatile("vcmp.f32 %0, %1\n\tvmrs APSR_nzcv, fpscr" ::"t"(qnan), "t"(one) : "cc");
  uint32_t after_vcmp = get_fpscr();
  __asm volatile("vcmpe.f32 %0, %1" ::"t"(qnan), "t"(one));
  printf("vcmp nan: fpscr=%08lx vcmpe nan: fpscr=%08lx\n", (unsigned long)after_vcmp, (unsigned long)get_fpscr());

  set_fpscr(3u << 22);
  CHECK_EQ(bits(FOP("vdiv.f32", one, three)), 0x3EAAAAAAu);
  set_fpscr(0);
  CHECK_EQ(bits(FOP("vdiv.f32", one, three)), 0x3EAAAAABu);
  return check_exit("fpscr");
}
#else
int main(void) {
  printf("fpscr: soft-float build has no FPU to program\n");
  return check_exit("fpscr");
}
#endif
