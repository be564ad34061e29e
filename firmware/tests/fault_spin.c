/* A firmware that reads an address no device answers (0x60000000: the external-memory controller
 * window, which the STM32F411 does not have) and then spins in its own HardFault handler, as HAL
 * projects do. Nothing reaches the console after the first line; the run ends at mcusim's cycle
 * limit, and its summary must still name the access and decode the fault (test/sim/fault-log.test.ts). */
#include <stdint.h>
#include <stdio.h>

volatile uint32_t spins;

void HardFault_Handler(void) {
  for (;;) spins++;
}

int main(void) {
  printf("reading 0x60000000\n");
  fflush(stdout);
  uint32_t v = *(volatile uint32_t *)0x60000000u;
  printf("read %08lx\n", (unsigned long)v); /* not reached */
  return 0;
}
