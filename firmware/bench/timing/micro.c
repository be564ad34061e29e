/* Timing micro-benchmark harness: sets the core clock and FLASH_ACR as argv asks, turns on the DWT
 * cycle counter, runs every sequence of seqs.S (and of flash.S twice: cold, then warm caches) and
 * prints "<name> <cycles>" per line. The expected counts live in the tests in test/timing.
 * argv[1], argv[2]: clock and FLASH_ACR mode, see clock.c. */
#include <stdint.h>
#include <stdio.h>
#include "bench_list.h"

#define REG(a) (*(volatile uint32_t *)(a))
#define DEMCR REG(0xE000EDFCu)
#define DWT_CTRL REG(0xE0001000u)
#define NVIC_ISER0 REG(0xE000E100u)

extern uint32_t SystemCoreClock;
void bench_clock_setup(const char *clock, const char *acr);


#define X(n) uint32_t t_##n(void);
TIMING_BENCHES
#undef X
uint32_t f_empty(void), f_straight16(void), f_straight32(void), f_loop(void), f_literal(void);

int main(int argc, char **argv) {
  const char *clock = argc > 1 ? argv[1] : "hsi16";
  const char *acr = argc > 2 ? argv[2] : "off";
  bench_clock_setup(clock, acr);
  DEMCR |= 1u << 24;
  DWT_CTRL |= 1u;
  NVIC_ISER0 = 1u;
  printf("clock %lu\n", (unsigned long)SystemCoreClock);
#define X(n) printf(#n " %lu\n", (unsigned long)t_##n());
  TIMING_BENCHES
#undef X
#define F(n)                                                         \
  do {                                                               \
    uint32_t cold = f_##n(), warm = f_##n();                         \
    printf("flash_" #n " %lu %lu\n", (unsigned long)cold, (unsigned long)warm); \
  } while (0)
  F(empty);
  F(straight16);
  F(straight32);
  F(loop);
  F(literal);
  return 0;
}
