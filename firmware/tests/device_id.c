/* What HAL code asks the chip about itself (STM32 boards only; QEMU's mps2 has no such area):
 * HAL_GetUIDw0/1/2 (unique ID words), LL_GetFlashSize (the F_SIZE halfword, KB), HAL_GetDEVID and
 * HAL_GetREVID (DBGMCU_IDCODE), read the way the HAL reads them. The addresses are STM32F4's
 * (RM0383 §24, §23.6.1); test/mcu/device-id.test.ts runs it on stm32f411re. */
#include <stdint.h>
#include <stdio.h>

#define UID_BASE 0x1FFF7A10u
#define FLASHSIZE_BASE 0x1FFF7A22u
#define DBGMCU_IDCODE (*(volatile uint32_t *)0xE0042000u)

int main(void) {
  const volatile uint32_t *uid = (const volatile uint32_t *)UID_BASE;
  uint32_t w0 = uid[0], w1 = uid[1], w2 = uid[2];
  unsigned flash_kb = *(const volatile uint16_t *)FLASHSIZE_BASE;
  uint32_t dev = DBGMCU_IDCODE & 0xFFFu, rev = DBGMCU_IDCODE >> 16;
  /* The UID read byte by byte (as a USB serial-number routine does) must agree with the words. */
  const volatile uint8_t *b = (const volatile uint8_t *)UID_BASE;
  uint32_t again = b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
  printf("uid %08lx %08lx %08lx bytes-agree %d\n", (unsigned long)w0, (unsigned long)w1, (unsigned long)w2, again == w0);
  printf("flash %u KB dev 0x%03lx rev 0x%04lx\n", flash_kb, (unsigned long)dev, (unsigned long)rev);
  return (w0 | w1 | w2) != 0 && flash_kb != 0 && dev != 0 ? 0 : 1;
}
