/* Exceptions and interrupts (ARMv7-M ARM B1.5, B3.3 SysTick, B3.4 NVIC): SysTick interrupts counted
 * to a fixed number, SVC with its immediate and stacked arguments, PendSV tail-chained after a
 * higher-priority handler, software-pended external IRQs masked by PRIMASK and BASEPRI, preemption by
 * a higher priority and tail-chaining at equal priority, thread mode on the process stack, and FP
 * context preserved across interrupts (hard-float). Only event order and counts are printed, never
 * how long anything took, so the output does not depend on the simulator's speed. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_SHPR2 REG(0xE000ED1Cu)
#define SCB_SHPR3 REG(0xE000ED20u)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_ICER0 REG(0xE000E180u)
#define NVIC_ISPR0 REG(0xE000E200u)
#define NVIC_STIR REG(0xE000EF00u)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400u + (n)))

static volatile uint32_t systick_count;
static volatile float systick_float_work;
static char events[64];
static volatile unsigned event_count;

static void log_event(char c) {
  if (event_count < sizeof events - 1) events[event_count++] = c;
}
static uint32_t ipsr(void) {
  uint32_t v;
  __asm volatile("mrs %0, ipsr" : "=r"(v));
  return v;
}
static void barrier(void) { __asm volatile("dsb\n\tisb" ::: "memory"); }

void SysTick_Handler(void) {
  /* The handler stops the timer itself and drops a tick that expired meanwhile (QEMU's SysTick runs
   * in host time, so a loaded host can pend the next one before this handler ends), so the count is
   * exact however late thread mode looks at it. */
  if (systick_count >= 20) return;
  if (++systick_count == 20) {
    SYST_CSR = 0;
    SCB_ICSR = 1u << 25; /* PENDSTCLR */
  }
#if defined(__ARM_FP)
  /* Uses s0-s15 inside the handler; the interrupted code's FP registers must survive (lazy stacking). */
  float f = systick_float_work;
  for (int i = 0; i < 4; i++) f = f * 0.5f + 3.0f;
  systick_float_work = f;
#endif
}

/* SVC: the immediate is in the SVC instruction just before the stacked return address. The result
 * goes back in the stacked r0. The frame is found on MSP or PSP according to EXC_RETURN bit 2. */
void svc_dispatch(uint32_t *frame, uint32_t exc_return) {
  uint8_t imm = *(const uint8_t *)(frame[6] - 2);
  frame[0] = frame[0] * 10u + imm;
  log_event((exc_return & 4u) ? 's' : 'S');
  SCB_ICSR = 1u << 28; /* PENDSVSET: runs after this handler, PendSV having the lowest priority */
  log_event(ipsr() == 11 ? '1' : '?');
}
__attribute__((naked)) void SVC_Handler(void) {
  __asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "b svc_dispatch\n\t");
}

void PendSV_Handler(void) { log_event('P'); }

void IRQ_Handler(void) {
  uint32_t irq = ipsr() - 16;
  switch (irq) {
    case 5:
      log_event('A');
      NVIC_STIR = 8; /* higher priority: preempts right here */
      barrier();
      NVIC_STIR = 9; /* same priority: waits, then tail-chains */
      barrier();
      log_event('a');
      break;
    case 6: log_event('M'); break;
    case 7: log_event('B'); break;
    case 8: log_event('H'); break;
    case 9: log_event('T'); break;
    default: log_event('?'); break;
  }
}

static uint32_t svc7(uint32_t arg) {
  register uint32_t r0 __asm("r0") = arg;
  __asm volatile("svc #7" : "+r"(r0)::"memory");
  return r0;
}

static uint32_t process_stack[256] __attribute__((aligned(8)));

int main(void) {
  SCB_SHPR3 = (0xE0u << 16) | (0x20u << 24); /* PendSV lowest, SysTick high */
  SCB_SHPR2 = 0x40u << 24;                   /* SVC */
  NVIC_IPR(5) = 0x80; NVIC_IPR(6) = 0x80; NVIC_IPR(7) = 0x80; NVIC_IPR(8) = 0x40; NVIC_IPR(9) = 0x80;
  NVIC_ISER0 = (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 9);

  /* SysTick every 25000 core cycles (1 ms at the AN386's 25 MHz); FP work in thread mode meanwhile. */
  SYST_RVR = 24999;
  SYST_CVR = 0;
  SYST_CSR = 7; /* CLKSOURCE = core, TICKINT, ENABLE */
  volatile float acc = 0.0f;
  float x = 1.0f;
  unsigned rounds = 0;
  while (systick_count < 20) {
    for (int i = 0; i < 100; i++) {
      x = x * 1.0001f + 0.25f;
      if (x > 1000.0f) x -= 999.0f;
    }
    acc = x;
    rounds++;
  }
  uint32_t ticks = systick_count;
  printf("systick ticks: %lu\n", (unsigned long)ticks);
  printf("systick handler float: %s\n", systick_float_work >= 0.0f ? "ran" : "broken");
  /* Thread-mode FP state must equal a run of the same loop with no interrupt at all. */
  float y = 1.0f;
  for (unsigned r = 0; r < rounds; r++) {
    for (int i = 0; i < 100; i++) {
      y = y * 1.0001f + 0.25f;
      if (y > 1000.0f) y -= 999.0f;
    }
  }
  printf("thread fp state intact: %d\n", y == acc);

  printf("svc result: %lu\n", (unsigned long)svc7(OPAQUE(5u)));

  __asm volatile("cpsid i" ::: "memory");
  NVIC_ISPR0 = 1u << 6;
  barrier();
  log_event('|');
  __asm volatile("cpsie i" ::: "memory");
  barrier();

  __asm volatile("msr basepri, %0" ::"r"(0x40u) : "memory");
  NVIC_STIR = 7;
  barrier();
  log_event('|');
  __asm volatile("msr basepri, %0" ::"r"(0u) : "memory");
  barrier();

  NVIC_STIR = 5;
  barrier();

  /* Thread mode on the process stack: SVC must find its frame on PSP. */
  __asm volatile("msr psp, %0" ::"r"(&process_stack[256]));
  __asm volatile("msr control, %0\n\tisb" ::"r"(2u) : "memory");
  uint32_t on_psp = svc7(OPAQUE(9u));
  __asm volatile("msr control, %0\n\tisb" ::"r"(0u) : "memory");
  printf("svc on psp: %lu\n", (unsigned long)on_psp);

  events[event_count] = 0;
  printf("events: %s\n", events);
  CHECK_EQ(ticks, 20);
  CHECK(y == acc);
  return check_exit("systick_irq");
}
