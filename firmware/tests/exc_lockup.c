/* Lockup (ARMv7-M ARM B1.5.15): an undefined instruction with UsageFault disabled escalates to
 * HardFault (HFSR.FORCED), and the HardFault handler itself executes an undefined instruction, a
 * fault at execution priority -1 that can be neither taken nor escalated. The core locks up: QEMU
 * aborts with "Lockup", mcusim stops with exit code 20 and reports the fault (test/sim). */
#include <stdio.h>

void HardFault_Handler(void) {
  __asm volatile("udf #7" ::: "memory");
}

int main(void) {
  printf("about to fault\n");
  fflush(stdout);
  __asm volatile("udf #1" ::: "memory");
  printf("not reached\n");
  return 0;
}
