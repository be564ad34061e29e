/*
 * DWT CYCCNT as firmware reads it, handed to the simulator through ITM stimulus port 1 right after
 * each read (the same two instructions each time), so a test can compare every value with the
 * simulator's own cycle count at that moment. Work of different lengths goes between the reads.
 */
#include <stdint.h>

#define DEMCR (*(volatile uint32_t *)0xE000EDFC)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004)
#define ITM_PORT1 (*(volatile uint32_t *)0xE0000004)
#define ITM_TER (*(volatile uint32_t *)0xE0000E00)
#define ITM_TCR (*(volatile uint32_t *)0xE0000E80)
#define ITM_LAR (*(volatile uint32_t *)0xE0000FB0)

static void __attribute__((noinline, naked)) report_cyccnt(void) {
  __asm volatile(
      "ldr r0, =0xE0001004\n"
      "ldr r1, =0xE0000004\n"
      "ldr r2, [r0]\n" /* read CYCCNT */
      "str r2, [r1]\n" /* hand it over on ITM port 1 */
      "bx lr\n");
}

static volatile uint32_t sink;

int main(void) {
  DEMCR |= 1u << 24; /* TRCENA */
  ITM_LAR = 0xC5ACCE55;
  ITM_TCR = 1;       /* ITMENA */
  ITM_TER = 1u << 1; /* port 1 */
  DWT_CYCCNT = 0;
  DWT_CTRL |= 1;     /* CYCCNTENA */
  report_cyccnt();
  for (uint32_t i = 0; i < 1000; i++) sink += i * i;
  report_cyccnt();
  for (uint32_t i = 0; i < 37; i++) sink ^= sink / (i + 3);
  report_cyccnt();
  return 0;
}
