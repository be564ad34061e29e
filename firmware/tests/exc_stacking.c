/* A bus error while the exception frame is pushed (ARMv7-M ARM B1.5.6 PushStack, B3.2.15
 * BFSR.STKERR): Thread mode runs on a process stack pointing at unmapped memory and executes SVC.
 * The failed stacking pends a derived BusFault (HardFault, FORCED, while BusFault is disabled); the
 * higher-priority of it and the SVC is taken first and the other stays pending. The fault handler
 * cannot return to the lost frame: it builds a fresh one on a good stack that resumes Thread mode in
 * continue_thread(), and the still-pending SVC tail-chains before that. Last, an SVC handler that
 * returns onto a process stack in unmapped memory: BFSR.UNSTKERR, the SVC deactivated and BusFault
 * taken with LR = the EXC_RETURN value, nothing stacked. */
#include <stdlib.h>
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_SHPR2 REG(0xE000ED1Cu)
#define SCB_SHCSR REG(0xE000ED24u)
#define SCB_CFSR REG(0xE000ED28u)
#define SCB_HFSR REG(0xE000ED2Cu)
#define BAD_STACK 0x30000100u

static uint32_t good_stack[256] __attribute__((aligned(8)));
static char events[32];
static unsigned event_count;
static volatile int phase;
static void log_event(char c) {
  if (event_count < sizeof events - 1) events[event_count++] = c;
}

static void continue_thread(void);

/* Returns the EXC_RETURN to leave with. */
uint32_t fault_dispatch(uint32_t exc_return) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
  printf("  exception %lu cfsr=%08lx hfsr=%08lx exc_return=%08lx svc pending %lu\n", (unsigned long)ipsr,
         (unsigned long)cfsr, (unsigned long)hfsr, (unsigned long)exc_return,
         (unsigned long)((SCB_SHCSR >> 15) & 1));
  SCB_CFSR = cfsr;
  SCB_HFSR = hfsr;
  log_event(ipsr == 3 ? 'H' : 'B');
  uint32_t *frame = &good_stack[256 - 8];
  for (int k = 0; k < 6; k++) frame[k] = 0;
  frame[6] = (uint32_t)&continue_thread & ~1u;
  frame[7] = 1u << 24;
  __asm volatile("msr psp, %0" ::"r"(frame));
  return 0xFFFFFFFDu;
}

__attribute__((naked)) void fault_entry(void) {
  __asm volatile(
      "mov r0, lr\n\t"
      "push {r0, lr}\n\t"
      "bl fault_dispatch\n\t"
      "pop {r1, r2}\n\t"
      "bx r0\n\t");
}
void HardFault_Handler(void) __attribute__((alias("fault_entry")));
void BusFault_Handler(void) __attribute__((alias("fault_entry")));

static volatile int svc_breaks_stack;
void SVC_Handler(void) {
  log_event('S');
  /* Return onto a process stack in unmapped memory: the unstacking fails. */
  if (svc_breaks_stack) __asm volatile("msr psp, %0" ::"r"(BAD_STACK) : "memory");
  svc_breaks_stack = 0;
}

static void svc_on_bad_stack(void) {
  __asm volatile(
      "msr psp, %0\n\t"
      "msr control, %1\n\t" /* SPSEL: thread on the (bad) process stack; FPCA clear */
      "isb\n\t"
      "svc #0\n\t"
      "b .\n\t" ::"r"(BAD_STACK),
      "r"(2u)
      : "memory");
}

static void continue_thread(void) {
  events[event_count] = 0;
  printf("phase %d events: %s\n", phase, events);
  event_count = 0;
  if (phase == 1) {
    phase = 2;
    printf("BusFault enabled, above SVC\n");
    SCB_SHCSR |= 1u << 17;
    SCB_SHPR2 = 0x80u << 24;
    svc_on_bad_stack();
  }
  if (phase == 2) {
    phase = 3;
    printf("SVC returns onto a bad stack\n");
    svc_breaks_stack = 1;
    __asm volatile("svc #0" ::: "memory");
    printf("not reached\n");
  }
  exit(check_exit("exc_stacking"));
}

int main(void) {
  printf("BusFault disabled\n");
  phase = 1;
  svc_on_bad_stack();
  return 1;
}
