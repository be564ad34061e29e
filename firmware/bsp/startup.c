/* Cortex-M4 startup shared by every board (ARMv7-M ARM B1.5.3, the vector table; B3.2.20 CPACR).
 * Reset copies .data from its flash load address to RAM, turns the FPU on when the code was built
 * for it, then enters newlib's rdimon crt0 (`_start`), which zeroes .bss, asks the host for heap and
 * stack limits and the command line (semihosting SYS_HEAPINFO, SYS_GET_CMDLINE), runs constructors
 * and calls main(argc, argv), then exit(). */
#include <stdint.h>
#include "semihost.h"

extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern char _estack[];
extern void _start(void) __attribute__((noreturn));

void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void);

/* Every handler is weak, so a test overrides one by defining a function of the same name. */
#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void IRQ_Handler(void) WEAK_DEFAULT;

/* 16 system vectors + 96 external interrupts: enough for the STM32F411 (86 IRQs) and the AN386 (32). */
#define EXTERNAL_IRQS 96
typedef void (*vector_t)(void);
__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16 + EXTERNAL_IRQS] = {
  [0] = (vector_t)_estack,
  [1] = Reset_Handler,
  [2] = NMI_Handler,
  [3] = HardFault_Handler,
  [4] = MemManage_Handler,
  [5] = BusFault_Handler,
  [6] = UsageFault_Handler,
  [11] = SVC_Handler,
  [12] = DebugMon_Handler,
  [14] = PendSV_Handler,
  [15] = SysTick_Handler,
  [16 ... 16 + EXTERNAL_IRQS - 1] = IRQ_Handler,
};

void Reset_Handler(void) {
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11 (the FPU); the barriers make it effective before any FP op. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm volatile("dsb\n\tisb" ::: "memory");
#endif
  /* Word copy written out by hand: memcpy would be fine too, but this keeps reset free of libc. */
  volatile uint32_t *dst = __data_start__;
  const uint32_t *src = __data_load__;
  while (dst < __data_end__) *dst++ = *src++;
  _start();
}

/* An exception nobody expected: name its number on the host console and stop with 128 + number,
 * so a runaway test ends with a recognisable code instead of spinning until the timeout. */
void Default_Handler(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  ipsr &= 0x1FFu;
  char msg[] = "unexpected exception 000\n";
  msg[21] = (char)('0' + ipsr / 100);
  msg[22] = (char)('0' + ipsr / 10 % 10);
  msg[23] = (char)('0' + ipsr % 10);
  semihost_write0(msg);
  semihost_exit((int)(128 + ipsr));
}
