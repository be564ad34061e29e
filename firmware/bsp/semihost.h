/* Raw Arm semihosting calls (Arm "Semihosting for AArch32 and AArch64", v2: SYS_WRITE0 = 0x04,
 * SYS_EXIT_EXTENDED = 0x20 with ADP_Stopped_ApplicationExit = 0x20026). Used where newlib's stdio
 * must not be (reset, fault handlers) and by generated programs that have no libc at all. */
#ifndef MCUSIM_SEMIHOST_H
#define MCUSIM_SEMIHOST_H
#include <stdint.h>

static inline uint32_t semihost_call(uint32_t op, const void *arg) {
  register uint32_t r0 __asm("r0") = op;
  register const void *r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static inline void semihost_write0(const char *text) { semihost_call(0x04, text); }

__attribute__((noreturn)) static inline void semihost_exit(int code) {
  uint32_t block[2] = {0x20026u, (uint32_t)code};
  semihost_call(0x20, block);
  for (;;) {
  }
}
#endif
