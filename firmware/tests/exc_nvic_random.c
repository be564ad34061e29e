/* NVIC priority arbitration over pseudo-random configurations (ARMv7-M ARM B1.5.4): each round
 * picks a PRIGROUP, priorities for IRQs 1-7 (bits [7:5] only, so 3, 4 or 8 implemented bits give the
 * same result), a BASEPRI, a set of IRQs pended together under PRIMASK and, per IRQ, another IRQ its
 * handler pends once. The order of handler entries (upper case) and exits (lower case) is printed:
 * it follows from group priority (pre-emption), full priority then number (selection), BASEPRI
 * masking ('|' marks where BASEPRI is cleared). Every pend is followed by an ISB so the order does
 * not depend on where the core checks for interrupts. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_AIRCR REG(0xE000ED0Cu)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_ISPR0 REG(0xE000E200u)
#define NVIC_STIR REG(0xE000EF00u)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400u + (n)))

static uint32_t rng = 0x2545F491u;
static uint32_t next(uint32_t n) {
  rng = rng * 1664525u + 1013904223u;
  return (rng >> 8) % n;
}

static char events[96];
static unsigned event_count;
static void log_event(char c) {
  if (event_count < sizeof events - 1) events[event_count++] = c;
}

static volatile uint8_t chain[8];
static volatile uint8_t fired[8];

void IRQ_Handler(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  unsigned irq = ipsr - 16;
  log_event((char)('A' + irq - 1));
  if (!fired[irq] && chain[irq]) {
    fired[irq] = 1;
    NVIC_STIR = chain[irq];
    __asm volatile("dsb\n\tisb" ::: "memory");
  }
  log_event((char)('a' + irq - 1));
}

int main(void) {
  NVIC_ISER0 = 0x7Fu << 1;
  for (int round = 0; round < 40; round++) {
    uint32_t prigroup = next(8);
    SCB_AIRCR = (0x05FAu << 16) | (prigroup << 8);
    for (unsigned irq = 1; irq <= 7; irq++) {
      NVIC_IPR(irq) = (uint8_t)(next(8) << 5);
      chain[irq] = next(3) == 0 ? 0 : (uint8_t)(1 + next(7));
      fired[irq] = 0;
    }
    uint32_t pend_mask = 0;
    while (pend_mask == 0) pend_mask = next(128) << 1;
    uint32_t basepri = next(3) == 0 ? 0 : next(8) << 5;
    __asm volatile("cpsid i" ::: "memory");
    NVIC_ISPR0 = pend_mask;
    __asm volatile("msr basepri, %0" ::"r"(basepri) : "memory");
    __asm volatile("cpsie i\n\tisb" ::: "memory");
    log_event('|');
    __asm volatile("msr basepri, %0\n\tisb" ::"r"(0u) : "memory");
    events[event_count] = 0;
    printf("round %2d pg %lu bp %02lx: %s\n", round, (unsigned long)prigroup, (unsigned long)basepri, events);
    event_count = 0;
  }
  SCB_AIRCR = 0x05FAu << 16;
  return check_exit("exc_nvic_random");
}
