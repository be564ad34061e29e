/* CMSDK APB UART interrupts on QEMU's mps2-an386 (Arm DDI0479C §4.3; UART1 at 0x40005000, TX
 * interrupt = IRQ 3, RX = IRQ 2): each byte written with CTRL.TX_INTEN set raises the TX interrupt
 * once the transmitter has taken it; the handler clears INTSTATUS.TX (write 1) or the level stays
 * up and the handler runs again. With TX_INTEN clear nothing is raised. UART1 is not the console,
 * so only the semihosting lines below reach stdout in QEMU and in mcusim. */
#include <stdint.h>
#include <stdio.h>

#define UART1 0x40005000u
#define UART_DATA (*(volatile uint32_t *)(UART1 + 0x00))
#define UART_STATE (*(volatile uint32_t *)(UART1 + 0x04))
#define UART_CTRL (*(volatile uint32_t *)(UART1 + 0x08))
#define UART_INTSTATUS (*(volatile uint32_t *)(UART1 + 0x0C))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART1 + 0x10))
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ISPR0 (*(volatile uint32_t *)0xE000E200u)
#define CTRL_TX_EN 1u
#define CTRL_TX_INTEN 4u
#define INT_TX 1u

static volatile unsigned tx_irqs, repeats, clear_in_handler = 1;

void IRQ_Handler(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  if ((ipsr & 0x1ff) != 16 + 3) return;
  tx_irqs++;
  if (clear_in_handler) UART_INTSTATUS = INT_TX;
  else if (++repeats == 3) UART_INTSTATUS = INT_TX; /* left asserted: taken again until cleared */
}

int main(void) {
  UART_BAUDDIV = 16;
  NVIC_ISER0 = 1u << 3;
  UART_CTRL = CTRL_TX_EN | CTRL_TX_INTEN;
  for (int k = 0; k < 5; k++) {
    UART_DATA = 'a' + k;
    __asm volatile("dsb\n\tisb");
  }
  printf("tx interrupts for 5 bytes: %u, intstatus after: %lu\n", tx_irqs, (unsigned long)UART_INTSTATUS);
  clear_in_handler = 0;
  tx_irqs = 0;
  UART_DATA = 'x';
  __asm volatile("dsb\n\tisb");
  printf("handler that clears on its third run: %u runs\n", tx_irqs);
  UART_CTRL = CTRL_TX_EN;
  tx_irqs = 0;
  UART_DATA = 'y';
  __asm volatile("dsb\n\tisb");
  printf("tx_inten clear: %u interrupts, intstatus %lu, pending %lu\n", tx_irqs, (unsigned long)UART_INTSTATUS, (unsigned long)(NVIC_ISPR0 >> 3) & 1);
  return 0;
}
