/* Control flow the function profiler must follow (test/profile/call-tracking.test.ts): a tail call
 * (at -O2 `return leaf(x)` is a plain branch), recursion, longjmp out of a recursion, an SVC, and
 * SysTick interrupts arriving while the program computes. Prints what it counted itself. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static volatile uint32_t ticks, svcs, sink;
static jmp_buf escape;

void SysTick_Handler(void) { ticks++; }
void SVC_Handler(void) { svcs++; }

__attribute__((noinline)) int leaf(int x) {
  for (int i = 0; i < 50; i++) sink += (uint32_t)(x * i);
  return x + 1;
}

/* A sibling call: GCC emits `b leaf` here at -O2. */
__attribute__((noinline)) int tail(int x) { return leaf(x * 3); }

__attribute__((noinline)) int dive(int depth) {
  sink += (uint32_t)depth;
  if (depth <= 0) longjmp(escape, 7);
  if (depth > 100) return 0;
  return dive(depth - 1) + (int)sink;
}

__attribute__((noinline)) void after_jump(void) {
  for (int i = 0; i < 100; i++) sink ^= (uint32_t)i;
}

__attribute__((noinline)) void busy(void) {
  for (int i = 0; i < 20000; i++) sink += (uint32_t)i;
}

int main(void) {
  static int acc;
  for (int k = 0; k < 10; k++) acc += tail(k);
  int got = setjmp(escape);
  if (got == 0) dive(8);
  after_jump();
  __asm volatile("svc 0");
  SYST_RVR = 999;
  SYST_CVR = 0;
  SYST_CSR = 7; /* processor clock, interrupt, enable */
  busy();
  SYST_CSR = 0;
  printf("acc: %d\nlongjmp: %d\nsvc: %lu\nticks: %lu\n", acc, got, (unsigned long)svcs, (unsigned long)ticks);
  return 0;
}
