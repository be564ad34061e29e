/* Faults and their status registers (ARMv7-M ARM B1.5.14 fault handling, B3.2.15 CFSR, B3.2.16
 * HFSR, B3.2.18 BFAR): an undefined instruction escalated to HardFault while UsageFault is disabled,
 * then as UsageFault; divide by zero with CCR.DIV_0_TRP; an unaligned LDR with CCR.UNALIGN_TRP and an
 * unaligned LDRD (always trapped); a precise BusFault on a load from unmapped memory (0x30000000 is
 * mapped on neither the AN386 nor the STM32F4); an interworking branch to an even address
 * (INVSTATE); execution from the Execute Never system region (MemManage IACCVIOL); and a BusFault
 * escalated to HardFault. Each handler prints the status registers, clears them and resumes after
 * the faulting instruction. Loads only: a store to unmapped memory is an imprecise fault on real
 * hardware but precise in QEMU, so it would not compare. Exit code: the number of faults taken. */
#include <stdlib.h>
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_CCR REG(0xE000ED14u)
#define SCB_SHCSR REG(0xE000ED24u)
#define SCB_CFSR REG(0xE000ED28u)
#define SCB_HFSR REG(0xE000ED2Cu)
#define SCB_MMFAR REG(0xE000ED34u)
#define SCB_BFAR REG(0xE000ED38u)
#define UNMAPPED_ADDRESS 0x30000000u

static volatile int faults_taken;
static volatile uint32_t resume_at; /* when non-zero, the handler resumes there instead */

static void barrier(void) { __asm volatile("dsb\n\tisb" ::: "memory"); }

void fault_dispatch(uint32_t *frame, uint32_t exc_return) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
  faults_taken++;
  printf("fault %d: exception %lu cfsr=%08lx hfsr=%08lx", faults_taken, (unsigned long)ipsr, (unsigned long)cfsr,
         (unsigned long)hfsr);
  if (cfsr & (1u << 15)) printf(" bfar=%08lx", (unsigned long)SCB_BFAR);
  if (cfsr & (1u << 7)) printf(" mmfar=%08lx", (unsigned long)SCB_MMFAR);
  printf(" thread=%d\n", (exc_return & 0xFu) == 0x9u || (exc_return & 0xFu) == 0xDu);
  SCB_CFSR = cfsr; /* write-one-to-clear */
  SCB_HFSR = hfsr;
  if (resume_at) {
    frame[6] = resume_at & ~1u;
    frame[7] |= 1u << 24; /* EPSR.T: resume in Thumb state */
    resume_at = 0;
  } else {
    uint16_t first = *(const uint16_t *)frame[6];
    frame[6] += (first >> 11) >= 0x1Du ? 4u : 2u; /* 32-bit encodings start 0b11101, 0b11110, 0b11111 */
  }
}

__attribute__((naked)) void fault_entry(void) {
  __asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "push {r1, lr}\n\t"
      "bl fault_dispatch\n\t"
      "pop {r1, pc}\n\t");
}
void HardFault_Handler(void) __attribute__((alias("fault_entry")));
void MemManage_Handler(void) __attribute__((alias("fault_entry")));
void BusFault_Handler(void) __attribute__((alias("fault_entry")));
void UsageFault_Handler(void) __attribute__((alias("fault_entry")));

static __attribute__((noinline)) void after_bad_branch(void) { printf("resumed after invalid state\n"); }

int main(void) {
  printf("undefined instruction, UsageFault disabled\n");
  __asm volatile("udf #0" ::: "memory");

  SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); /* MEMFAULTENA, BUSFAULTENA, USGFAULTENA */
  barrier();
  printf("undefined instruction, UsageFault enabled\n");
  __asm volatile("udf #1" ::: "memory");

  printf("divide by zero\n");
  uint32_t q = 0;
  __asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(OPAQUE(100)), "r"(OPAQUE(0)));
  printf("sdiv without trap gave %lu\n", (unsigned long)q);
  SCB_CCR |= 1u << 4; /* DIV_0_TRP */
  barrier();
  /* The destination of the trapped SDIV is not printed: QEMU 7.2 leaves a stale value there, while
   * the hardware leaves the register unchanged. */
  __asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(OPAQUE(100)), "r"(OPAQUE(0)));

  static uint32_t words[4] = {0x11223344u, 0x55667788u, 0x99AABBCCu, 0xDDEEFF00u};
  const uint8_t *bytes = (const uint8_t *)words;
  uint32_t v;
  __asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(bytes + 1) : "memory");
  printf("unaligned ldr without trap: %08lx\n", (unsigned long)v);
  SCB_CCR |= 1u << 3; /* UNALIGN_TRP */
  barrier();
  __asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(bytes + 1) : "memory");
  SCB_CCR &= ~(1u << 3);
  uint32_t lo, hi;
  __asm volatile("ldrd %0, %1, [%2]" : "=r"(lo), "=r"(hi) : "r"(bytes + 2) : "memory");

  printf("load from unmapped memory\n");
  __asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(OPAQUE(UNMAPPED_ADDRESS)) : "memory");

  printf("branch to an even address\n");
  resume_at = (uint32_t)&after_bad_branch;
  __asm volatile("blx %0" ::"r"((uint32_t)&after_bad_branch & ~1u) : "r0", "r1", "r2", "r3", "r12", "lr", "memory");

  printf("execute from the system region\n");
  uint32_t return_point;
  __asm volatile("adr %0, 1f" : "=r"(return_point));
  resume_at = return_point | 1u;
  __asm volatile("blx %0\n\t.balign 4\n1:" ::"r"(0xE0001001u) : "r0", "r1", "r2", "r3", "r12", "lr", "memory");

  printf("BusFault disabled, escalates\n");
  SCB_SHCSR &= ~(1u << 17);
  barrier();
  __asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(OPAQUE(UNMAPPED_ADDRESS + 4)) : "memory");

  printf("faults taken: %d\n", faults_taken);
  fflush(stdout);
  return faults_taken;
}
