/* An interrupt-driven UART echo on the STM32F411 (NUCLEO-F411RE console, USART2, IRQ 38; RM0383
 * §19.6 registers, §19.4 interrupts): the receive interrupt (RXNEIE) puts bytes into a ring, Thread
 * mode sleeps in WFI and turns each line to upper case, the transmit interrupt (TXEIE) drains the
 * output ring and hands over to TCIE for the last byte. A '.' ends the session; the counts go out
 * through semihosting. Run with `mcusim run --board stm32f411re --uart-input <file>`. */
#include <stdint.h>
#include <stdio.h>

#define USART2_BASE 0x40004400u
#define USART_SR (*(volatile uint32_t *)(USART2_BASE + 0x00))
#define USART_DR (*(volatile uint32_t *)(USART2_BASE + 0x04))
#define USART_BRR (*(volatile uint32_t *)(USART2_BASE + 0x08))
#define USART_CR1 (*(volatile uint32_t *)(USART2_BASE + 0x0C))
#define RCC_APB1ENR (*(volatile uint32_t *)0x40023840u)
#define NVIC_ISER1 (*(volatile uint32_t *)0xE000E104u)
#define SR_RXNE (1u << 5)
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_RXNEIE (1u << 5)
#define CR1_TCIE (1u << 6)
#define CR1_TXEIE (1u << 7)
#define CR1_UE (1u << 13)
#define USART2_IRQn 38

static volatile uint8_t rx[16], tx[64];
static volatile unsigned rx_head, rx_tail, tx_head, tx_tail;
static volatile unsigned rx_irqs, tx_irqs, tc_irqs, overflows, tx_done;

/* Every external interrupt comes here (startup.c); only USART2's is enabled. */
void IRQ_Handler(void) {
  uint32_t sr = USART_SR, cr1 = USART_CR1;
  if (sr & SR_RXNE) {
    uint8_t b = (uint8_t)USART_DR; /* reading DR clears RXNE */
    rx_irqs++;
    if (rx_head - rx_tail < sizeof rx) rx[rx_head++ % sizeof rx] = b;
    else overflows++;
  }
  if (cr1 & CR1_TXEIE && sr & SR_TXE) {
    tx_irqs++;
    if (tx_tail != tx_head) USART_DR = tx[tx_tail++ % sizeof tx];
    if (tx_tail == tx_head) USART_CR1 = (USART_CR1 & ~CR1_TXEIE) | CR1_TCIE; /* last byte: wait for TC */
  } else if (cr1 & CR1_TCIE && sr & SR_TC) {
    tc_irqs++;
    USART_SR = ~SR_TC; /* rc_w0 */
    USART_CR1 &= ~CR1_TCIE;
    tx_done = 1;
  }
}

static void send(uint8_t b) {
  while (tx_head - tx_tail >= sizeof tx) __asm volatile("wfi");
  __asm volatile("cpsid i");
  tx[tx_head++ % sizeof tx] = b;
  tx_done = 0;
  USART_CR1 |= CR1_TXEIE;
  __asm volatile("cpsie i");
}

int main(void) {
  RCC_APB1ENR |= 1u << 17;          /* USART2EN */
  USART_BRR = 0x8B;                 /* 115200 baud from the 16 MHz HSI (APB1 = 16 MHz) */
  USART_CR1 = CR1_UE | CR1_TE | CR1_RE | CR1_RXNEIE;
  NVIC_ISER1 = 1u << (USART2_IRQn - 32);
  unsigned echoed = 0;
  int done = 0;
  while (!done) {
    __asm volatile("cpsid i");
    if (rx_head == rx_tail) __asm volatile("wfi"); /* woken by the pending interrupt, taken after cpsie */
    __asm volatile("cpsie i");
    while (rx_head != rx_tail) {
      uint8_t c = rx[rx_tail++ % sizeof rx];
      if (c == '.') done = 1;
      send(c >= 'a' && c <= 'z' ? (uint8_t)(c - 32) : c);
      echoed++;
    }
  }
  while (!tx_done) __asm volatile("wfi");
  printf("\nechoed %u bytes: rx irqs %u, txe irqs %u, tc irqs %u, overflows %u\n", echoed, rx_irqs, tx_irqs, tc_irqs, overflows);
  return overflows;
}
