/* Core clock and flash set-up before inference, from the board's generated board_config.h
 * (src/codegen/board-config.ts derives it from the board profile). On an STM32F4 (RM0383 §6.3 RCC,
 * §3.4 FLASH_ACR): HSE in bypass (the ST-LINK's 8 MHz MCO on a Nucleo), PLL to the chip's maximum
 * clock, FLASH_ACR.LATENCY from the board's wait-state table raised before the switch, then the ART
 * (prefetch, instruction and data caches) on: the configuration the README's cycle figures use.
 * On an STM32L4: MSI through the PLL to 80 MHz, 4 wait states (VCORE range 1), prefetch and caches on.
 * Other boards (mps2: fixed 25 MHz) keep their reset clock. */
#include <stdint.h>
#include "board_config.h"

#define REG(a) (*(volatile uint32_t *)(a))

void board_clock_init(void) {
#if BOARD_CLOCK_F4_PLL
  const uint32_t rcc = 0x40023800u;
  REG(rcc + 0x00) |= (1u << 18) | (1u << 16); /* RCC_CR: HSEBYP, HSEON */
  while (!(REG(rcc + 0x00) & (1u << 17))) {   /* HSERDY */
  }
  /* RCC_PLLCFGR: PLLSRC = HSE, PLLP encoded (P/2 - 1), PLLN, PLLM */
  REG(rcc + 0x04) = (1u << 22) | ((BOARD_PLL_P / 2u - 1u) << 16) | (BOARD_PLL_N << 6) | BOARD_PLL_M;
  REG(rcc + 0x00) |= 1u << 24;               /* PLLON */
  while (!(REG(rcc + 0x00) & (1u << 25))) {  /* PLLRDY */
  }
  const uint32_t acr = 0x40023C00u;
  REG(acr) = (REG(acr) & ~0xFu) | BOARD_FLASH_LATENCY;
  REG(rcc + 0x08) = (REG(rcc + 0x08) & ~(7u << 10)) | (4u << 10); /* PPRE1 = /2: APB1 <= 50 MHz */
  REG(rcc + 0x08) = (REG(rcc + 0x08) & ~3u) | 2u; /* RCC_CFGR.SW = PLL */
  while (((REG(rcc + 0x08) >> 2) & 3u) != 2u) {
  }
  REG(acr) |= 7u << 8;                       /* PRFTEN | ICEN | DCEN: the ART accelerator */
#elif BOARD_CLOCK_L4_PLL
  /* STM32L4 (RM0351 §6.4 RCC, §3.7.1 FLASH_ACR): MSI 4 MHz / M * N / R, wait states raised first. */
  const uint32_t rcc = 0x40021000u, acr = 0x40022000u;
  REG(acr) = (REG(acr) & ~7u) | BOARD_FLASH_LATENCY;
  while ((REG(acr) & 7u) != BOARD_FLASH_LATENCY) {
  }
  /* RCC_PLLCFGR: PLLSRC = MSI (1), PLLM = M - 1 [6:4], PLLN [14:8], PLLREN (24), PLLR = R/2 - 1 [26:25] */
  REG(rcc + 0x0C) = 1u | ((BOARD_PLL_M - 1u) << 4) | (BOARD_PLL_N << 8) | (1u << 24) | ((BOARD_PLL_R / 2u - 1u) << 25);
  REG(rcc + 0x00) |= 1u << 24;               /* PLLON */
  while (!(REG(rcc + 0x00) & (1u << 25))) {  /* PLLRDY */
  }
  REG(rcc + 0x08) = (REG(rcc + 0x08) & ~3u) | 3u; /* RCC_CFGR.SW = PLL */
  while (((REG(rcc + 0x08) >> 2) & 3u) != 3u) {
  }
  REG(acr) |= 7u << 8;                       /* PRFTEN | ICEN | DCEN */
#endif
}
