/* NVIC priorities and masking (ARMv7-M ARM B1.5.4 priority grouping, B3.4 NVIC, B3.2.4 ICSR,
 * B3.2.6 AIRCR.PRIGROUP, B3.2.13 SHCSR, B5.2.3 MSR BASEPRI/BASEPRI_MAX/FAULTMASK).
 * The handlers log single letters: upper case on entry, lower case on exit, so "AbB" style strings
 * show nesting (preemption) and order (tail-chaining). Every priority used differs in bits [7:5]
 * only, so the output is the same whether 3 (AN386 silicon), 4 (STM32) or 8 (QEMU) priority bits
 * are implemented; which interrupt pre-empts which under each PRIGROUP follows from B1.5.4:
 * PRIGROUP = n makes bits [7:n+1] the group priority. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_AIRCR REG(0xE000ED0Cu)
#define SCB_SHPR2 REG(0xE000ED1Cu)
#define SCB_SHPR3 REG(0xE000ED20u)
#define SCB_SHCSR REG(0xE000ED24u)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_ICER0 REG(0xE000E180u)
#define NVIC_ISPR0 REG(0xE000E200u)
#define NVIC_ICPR0 REG(0xE000E280u)
#define NVIC_IABR0 REG(0xE000E300u)
#define NVIC_STIR REG(0xE000EF00u)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400u + (n)))

static char events[160];
static unsigned event_count;
static void log_event(char c) {
  if (event_count < sizeof events - 1) events[event_count++] = c;
}
static void print_events(const char *what) {
  events[event_count] = 0;
  printf("%s: %s\n", what, events);
  event_count = 0;
}
static void barrier(void) { __asm volatile("dsb\n\tisb" ::: "memory"); }
static uint32_t ipsr(void) {
  uint32_t v;
  __asm volatile("mrs %0, ipsr" : "=r"(v));
  return v;
}
static uint32_t get_basepri(void) {
  uint32_t v;
  __asm volatile("mrs %0, basepri" : "=r"(v));
  return v;
}
static void set_basepri(uint32_t v) { __asm volatile("msr basepri, %0\n\tisb" ::"r"(v) : "memory"); }
static void set_basepri_max(uint32_t v) { __asm volatile("msr basepri_max, %0\n\tisb" ::"r"(v) : "memory"); }
static uint32_t get_faultmask(void) {
  uint32_t v;
  __asm volatile("mrs %0, faultmask" : "=r"(v));
  return v;
}
static void set_prigroup(uint32_t g) {
  SCB_AIRCR = (0x05FAu << 16) | (g << 8);
  barrier();
}
static void pend(unsigned irq) {
  NVIC_STIR = irq;
  barrier();
}

/* What each IRQ's handler does besides logging; set per scenario. */
static volatile unsigned pend_from_1[3];
static volatile uint32_t icsr_seen[32];
static volatile uint32_t shcsr_seen;
static volatile uint32_t faultmask_in_handler;

void IRQ_Handler(void) {
  unsigned irq = ipsr() - 16;
  icsr_seen[irq] = SCB_ICSR;
  log_event((char)('A' + irq - 1));
  if (irq == 1) {
    for (int k = 0; k < 3; k++)
      if (pend_from_1[k]) pend(pend_from_1[k]);
  }
  if (irq == 7) {
    __asm volatile("cpsid f" ::: "memory");
    faultmask_in_handler = get_faultmask();
  }
  log_event((char)('a' + irq - 1));
}

void SVC_Handler(void) { shcsr_seen = SCB_SHCSR; }
static volatile uint32_t nmi_icsr;
void NMI_Handler(void) {
  nmi_icsr = SCB_ICSR;
  log_event('N');
}
void PendSV_Handler(void) {
  shcsr_seen = SCB_SHCSR;
  log_event('P');
}
static volatile unsigned systick_count;
static volatile int systick_counting;
void SysTick_Handler(void) {
  if (!systick_counting) {
    log_event('s'); /* pended by software */
    return;
  }
  if (systick_count >= 5) return;
  log_event('S');
  if (++systick_count == 5) {
    SYST_CSR = 0;
    SCB_ICSR = 1u << 25; /* PENDSTCLR: a tick that expired meanwhile is dropped */
  }
}

int main(void) {
  /* 0. Reset values and identification (B3.2.3 CPUID, B3.3.6 SYST_CALIB, B3.2.8 CCR.STKALIGN). */
  printf("cpuid %08lx calib %08lx ccr %08lx aircr %08lx shcsr %08lx icsr %08lx\n", (unsigned long)REG(0xE000ED00u),
         (unsigned long)REG(0xE000E01Cu), (unsigned long)REG(0xE000ED14u), (unsigned long)SCB_AIRCR,
         (unsigned long)SCB_SHCSR, (unsigned long)SCB_ICSR);
  /* SysTick on the reference clock (CLKSOURCE = 0) counts too: three wraps seen by polling. */
  SYST_RVR = 99;
  SYST_CVR = 0;
  SYST_CSR = 1;
  unsigned ref_wraps = 0;
  for (unsigned polls = 0; ref_wraps < 3 && polls < 10000000u; polls++)
    if (SYST_CSR & (1u << 16)) ref_wraps++;
  SYST_CSR = 0;
  printf("reference clock wraps: %u\n", ref_wraps);

  NVIC_ISER0 = 0xFFu << 1; /* IRQs 1..8 */

  /* 1. Under PRIGROUP 0/4/5/6/7, IRQ1 (A, 0xE0) pends IRQ4 (D, 0x20), IRQ3 (C, 0x60), IRQ2 (B, 0xA0).
   * Groups: PRIGROUP<=4: all distinct, each pre-empts A. PRIGROUP 5 (bits 7:6): C0,80,40,00: all
   * pre-empt. PRIGROUP 6 (bit 7): A and B share group 0x80: B waits; C and D (group 0) pre-empt.
   * PRIGROUP 7: one group, nothing pre-empts; the three then run by subpriority D, C, B (not by
   * IRQ number, which would give B, C, D). */
  NVIC_IPR(1) = 0xE0; NVIC_IPR(2) = 0xA0; NVIC_IPR(3) = 0x60; NVIC_IPR(4) = 0x20;
  pend_from_1[0] = 4; pend_from_1[1] = 3; pend_from_1[2] = 2;
  static const uint32_t groups[] = {0, 4, 5, 6, 7};
  for (unsigned g = 0; g < 5; g++) {
    set_prigroup(groups[g]);
    printf("prigroup %lu reads %lu\n", (unsigned long)groups[g], (unsigned long)((SCB_AIRCR >> 8) & 7));
    pend(1);
    char what[32];
    snprintf(what, sizeof what, "prigroup %lu order", (unsigned long)groups[g]);
    print_events(what);
  }
  pend_from_1[0] = pend_from_1[1] = pend_from_1[2] = 0;
  set_prigroup(0);

  /* 2. Pended together under PRIMASK: taken by priority, equal priorities by lower IRQ number. */
  NVIC_IPR(5) = 0x80; NVIC_IPR(6) = 0x80;
  __asm volatile("cpsid i" ::: "memory");
  NVIC_ISPR0 = (1u << 6) | (1u << 5) | (1u << 2) | (1u << 4);
  barrier();
  printf("ispr under primask: %08lx\n", (unsigned long)NVIC_ISPR0);
  printf("icsr vectpending: %lu isrpending: %lu\n", (unsigned long)((SCB_ICSR >> 12) & 0x1FF), (unsigned long)((SCB_ICSR >> 22) & 1));
  log_event('|');
  __asm volatile("cpsie i" ::: "memory");
  barrier();
  print_events("primask release order");

  /* A disabled interrupt stays pending and is not taken; enabling it takes it. */
  NVIC_ICER0 = 1u << 8;
  NVIC_IPR(8) = 0x40;
  pend(8);
  log_event('|');
  printf("disabled irq pending: %lu\n", (unsigned long)((NVIC_ISPR0 >> 8) & 1));
  NVIC_ISER0 = 1u << 8;
  barrier();
  print_events("enable pending irq");
  /* Clear-pending removes it without running it. */
  __asm volatile("cpsid i" ::: "memory");
  pend(8);
  NVIC_ICPR0 = 1u << 8;
  __asm volatile("cpsie i" ::: "memory");
  barrier();
  log_event('|');
  print_events("cleared before taken");

  /* 3. BASEPRI masks priorities >= its value; BASEPRI_MAX only raises the masking. */
  set_basepri(0x60);
  pend(4); /* 0x20 < 0x60: taken */
  pend(3); /* 0x60: masked */
  pend(2); /* 0xA0: masked */
  log_event('|');
  set_basepri_max(0x80);
  printf("basepri after basepri_max 0x80: %02lx\n", (unsigned long)get_basepri());
  set_basepri_max(0);
  printf("basepri after basepri_max 0: %02lx\n", (unsigned long)get_basepri());
  set_basepri_max(0x40);
  printf("basepri after basepri_max 0x40: %02lx\n", (unsigned long)get_basepri());
  set_basepri(0x80); /* lets C (0x60) in, B (0xA0) still masked */
  log_event('|');
  set_basepri(0);
  print_events("basepri order");

  /* WFI with PRIMASK set: the pending interrupt wakes the core without being taken (B1.5.19);
   * it is taken once PRIMASK is cleared. */
  __asm volatile("cpsid i" ::: "memory");
  pend(4);
  __asm volatile("wfi" ::: "memory");
  log_event('W');
  __asm volatile("cpsie i" ::: "memory");
  barrier();
  print_events("wfi under primask");

  /* An interrupt pended by the first instruction of an IT block (STIR write): the handler clobbers
   * the flags; the IT state and flags restored from the stacked xPSR make the rest of the block run
   * as if nothing happened. Where exactly the interrupt is taken depends on the core (QEMU takes it
   * at the end of its translation block), the result does not. */
  uint32_t it_a, it_b, it_c;
  __asm volatile(
      "movs %0, #0\n\t"
      "movs %1, #0\n\t"
      "movs %2, #0\n\t"
      "cmp %0, #0\n\t"
      "itete eq\n\t"
      "streq %4, [%3]\n\t"
      "addne %0, %0, #1\n\t"
      "addeq %1, %1, #2\n\t"
      "addne %2, %2, #4\n\t"
      "isb\n\t"
      : "=&l"(it_a), "=&l"(it_b), "=&l"(it_c)
      : "r"(&NVIC_STIR), "r"(4u)
      : "cc", "memory");
  printf("interrupt in it block: %lu %lu %lu\n", (unsigned long)it_a, (unsigned long)it_b, (unsigned long)it_c);
  print_events("it block irq");

  /* NMI: pended through ICSR.NMIPENDSET, taken even under FAULTMASK; SysTick through PENDSTSET
   * while the timer is off. */
  __asm volatile("cpsid f" ::: "memory");
  SCB_ICSR = 1u << 31;
  barrier();
  log_event('|');
  __asm volatile("cpsie f" ::: "memory");
  SCB_ICSR = 1u << 26;
  barrier();
  print_events("nmi under faultmask, then pendstset");
  printf("icsr in nmi: vectactive %lu rettobase %lu\n", (unsigned long)(nmi_icsr & 0x1FF), (unsigned long)((nmi_icsr >> 11) & 1));

  /* 4. FAULTMASK masks every interrupt; set inside a handler it is cleared by the exception return. */
  __asm volatile("cpsid f" ::: "memory");
  pend(4);
  log_event('|');
  __asm volatile("cpsie f" ::: "memory");
  barrier();
  NVIC_IPR(7) = 0xC0;
  pend(7);
  printf("faultmask in handler %lu, after return %lu\n", (unsigned long)faultmask_in_handler, (unsigned long)get_faultmask());
  print_events("faultmask order");

  /* 5. ICSR as seen by handlers: VECTACTIVE, RETTOBASE (no other active exception), VECTPENDING. */
  pend_from_1[0] = 4; /* D pre-empts A: RETTOBASE 0 inside D */
  pend_from_1[1] = 2; /* B at A's priority: waits, then tail-chains with RETTOBASE 1 */
  NVIC_IPR(2) = 0xE0;
  pend_from_1[2] = 0;
  pend(1);
  print_events("icsr scenario order");
  for (unsigned irq = 1; irq <= 4; irq++) {
    uint32_t v = icsr_seen[irq];
    if (irq == 3) continue;
    printf("irq %u icsr: vectactive %lu rettobase %lu\n", irq, (unsigned long)(v & 0x1FF), (unsigned long)((v >> 11) & 1));
  }
  pend_from_1[0] = 0;
  NVIC_IPR(2) = 0xA0;
  __asm volatile("cpsid i" ::: "memory");
  pend(2);
  pend(4);
  printf("vectpending with B and D pending: %lu\n", (unsigned long)((SCB_ICSR >> 12) & 0x1FF));
  printf("iabr in thread: %08lx\n", (unsigned long)NVIC_IABR0);
  __asm volatile("cpsie i" ::: "memory");
  barrier();
  print_events("drain");

  /* 6. SHCSR active bits inside SVC and PendSV; PendSV (lowest) tail-chains after SVC. */
  SCB_SHPR2 = 0x40u << 24;
  SCB_SHPR3 = (0xE0u << 16) | (0x80u << 24);
  __asm volatile("svc #0" ::: "memory");
  printf("shcsr in svc: %08lx\n", (unsigned long)shcsr_seen);
  SCB_ICSR = 1u << 28;
  barrier();
  printf("shcsr in pendsv: %08lx\n", (unsigned long)shcsr_seen);
  print_events("pendsv");
  printf("shcsr in thread: %08lx\n", (unsigned long)SCB_SHCSR);

  /* 7. SysTick clocked by the core: COUNTFLAG by polling, then 5 interrupts. Only counts are printed. */
  SYST_RVR = 1999;
  SYST_CVR = 0;
  SYST_CSR = 5; /* CLKSOURCE core, ENABLE, no interrupt */
  unsigned wraps = 0;
  while (wraps < 3)
    if (SYST_CSR & (1u << 16)) wraps++;
  printf("countflag wraps: %u\n", wraps);
  SYST_CSR = 0;
  SYST_RVR = 0xFFFFFF;
  SYST_CVR = 0; /* clears COUNTFLAG and the counter */
  printf("countflag after cvr write: %lu\n", (unsigned long)((SYST_CSR >> 16) & 1));
  printf("rvr: %06lx\n", (unsigned long)SYST_RVR);
  SYST_RVR = 2999;
  SYST_CVR = 0;
  systick_counting = 1;
  SYST_CSR = 7;
  while (systick_count < 5) {
  }
  print_events("systick");
  printf("systick pending after stop: %lu\n", (unsigned long)((SCB_ICSR >> 26) & 1));

  return check_exit("exc_nvic");
}
