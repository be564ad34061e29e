/* Clock and flash set-up shared by the timing benchmarks (STM32F411, RM0383 §3.4 and §6.3).
 * clock "hsi16": the 16 MHz reset clock, 0 WS; "pll100": HSE 8 MHz (bypass, from the ST-LINK) ->
 * PLL /M=8 *N=400 /P=4 = 100 MHz, with FLASH_ACR.LATENCY = 3 set before the switch (RM0383 Table 5:
 * 90-100 MHz at 2.7-3.6 V). acr: "none" leaves FLASH_ACR alone (boards without it); "off",
 * "prefetch", "icache", "dcache" or "art" (all three) set PRFTEN/ICEN/DCEN. */
#include <stdint.h>
#include <string.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define RCC_CR REG(0x40023800u)
#define RCC_PLLCFGR REG(0x40023804u)
#define RCC_CFGR REG(0x40023808u)
#define FLASH_ACR REG(0x40023C00u)

uint32_t SystemCoreClock = 16000000u;

static void clock_pll100(void) {
  RCC_CR |= (1u << 18) | (1u << 16); /* HSEBYP, HSEON */
  while (!(RCC_CR & (1u << 17))) {
  }
  RCC_PLLCFGR = (1u << 22) | (1u << 16) | (400u << 6) | 8u; /* PLLSRC=HSE, P=4 (01), N=400, M=8 */
  RCC_CR |= 1u << 24;
  while (!(RCC_CR & (1u << 25))) {
  }
  FLASH_ACR = (FLASH_ACR & ~0xFu) | 3u;
  RCC_CFGR = (RCC_CFGR & ~3u) | 2u;
  while (((RCC_CFGR >> 2) & 3u) != 2u) {
  }
  SystemCoreClock = 100000000u;
}

static uint32_t acr_bits(const char *mode) {
  if (!strcmp(mode, "prefetch")) return 1u << 8;
  if (!strcmp(mode, "icache")) return 1u << 9;
  if (!strcmp(mode, "dcache")) return 1u << 10;
  if (!strcmp(mode, "art")) return 7u << 8;
  return 0;
}

void bench_clock_setup(const char *clock, const char *acr) {
  if (!strcmp(clock, "pll100")) clock_pll100();
  if (strcmp(acr, "none")) FLASH_ACR = (FLASH_ACR & ~(7u << 8)) | acr_bits(acr);
}
