/* SCR.SLEEPONEXIT (ARMv7-M ARM B1.5.8 ExceptionReturn, SleepOnExit; B3.2.7 SCR): with the bit set,
 * returning to Thread mode from the last active exception puts the core to sleep instead of running
 * Thread mode; the next interrupt is taken from there. SysTick interrupts every 50000 cycles; the
 * third handler clears SLEEPONEXIT, so Thread mode, which waits for the first tick, sees a count of 3.
 * Not compared with QEMU: in our runs QEMU 7.2 let Thread mode run after the second tick (it printed 2);
 * test/sim/sleep-on-exit.test.ts holds mcusim to the architectural 3. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_SCR REG(0xE000ED10u)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)

static volatile uint32_t count;

void SysTick_Handler(void) {
  if (++count == 3) {
    SCB_SCR &= ~2u;
    SYST_CSR = 0;
  }
}

int main(void) {
  SYST_RVR = 49999;
  SYST_CVR = 0;
  SCB_SCR |= 2u; /* SLEEPONEXIT */
  SYST_CSR = 7;  /* core clock, interrupt, enable */
  while (count == 0) {
  }
  uint32_t seen = count;
  printf("thread resumed with count %lu\n", (unsigned long)seen);
  CHECK_EQ(seen, 3);
  return check_exit("exc_sleeponexit");
}
