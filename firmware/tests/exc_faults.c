/* Fault exceptions (ARMv7-M ARM B1.5.14 faults and escalation, B1.5.6 the stacked frame, B3.2.13
 * SHCSR, B3.2.15 CFSR, B3.2.16 HFSR, B3.2.18 BFAR): each fault site is an assembler label, so the
 * handler can check that the stacked return address is the faulting instruction itself. Covered:
 * UNDEFINSTR escalated to HardFault (FORCED) and as UsageFault, DIVBYZERO, UNALIGNED, NOCP,
 * INVSTATE (stacked EPSR.T = 0), a precise BusFault with BFAR, a fault inside an IT block (stacked
 * IT state; the handler skips the instruction and advances IT itself), a UsageFault pre-empting an
 * interrupt handler, a fault in a handler whose priority is too high for UsageFault (escalated), an
 * SVC masked by BASEPRI (escalated), unprivileged accesses to the System Control Space (precise
 * BusFault, STIR allowed by CCR.USERSETMPEND), and the SHCSR active bits seen by each handler. MemManage is
 * not covered: nothing here uses the MPU. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_CCR REG(0xE000ED14u)
#define SCB_SHPR1 REG(0xE000ED18u)
#define SCB_SHPR2 REG(0xE000ED1Cu)
#define SCB_SHCSR REG(0xE000ED24u)
#define SCB_CFSR REG(0xE000ED28u)
#define SCB_HFSR REG(0xE000ED2Cu)
#define SCB_BFAR REG(0xE000ED38u)
#define SCB_CPACR REG(0xE000ED88u)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_ISPR0 REG(0xE000E200u)
#define NVIC_ICPR0 REG(0xE000E280u)
#define NVIC_STIR REG(0xE000EF00u)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400u + (n)))
#define UNMAPPED_ADDRESS 0x30000000u

static void barrier(void) { __asm volatile("dsb\n\tisb" ::: "memory"); }

enum { SKIP, RESUME_AT, RETRY_AFTER_CPACR, AS_IS };
static volatile int resume_mode;
static volatile uint32_t resume_at;
static volatile uint32_t expected_pc;
static volatile int faults_taken;

static uint32_t it_of(uint32_t xpsr) { return ((xpsr >> 25) & 3) | (((xpsr >> 10) & 0x3F) << 2); }
static uint32_t with_it(uint32_t xpsr, uint32_t it) {
  return (xpsr & ~((3u << 25) | (0x3Fu << 10))) | ((it & 3) << 25) | ((it >> 2) << 10);
}

void fault_dispatch(uint32_t *frame, uint32_t exc_return) {
  /* printf uses FP instructions in hard-float builds: turn the FPU back on before printing. */
  if (resume_mode == RETRY_AFTER_CPACR) {
    SCB_CPACR |= 0xFu << 20;
    barrier();
  }
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR, icsr = SCB_ICSR;
  faults_taken++;
  printf("  exception %lu cfsr=%08lx hfsr=%08lx", (unsigned long)ipsr, (unsigned long)cfsr, (unsigned long)hfsr);
  if (cfsr & (1u << 15)) printf(" bfar=%08lx", (unsigned long)SCB_BFAR);
  printf(" pc-ok=%d T=%lu it=%02lx shcsr-act=%03lx from-thread=%d rettobase=%lu\n", frame[6] == (expected_pc & ~1u),
         (unsigned long)((frame[7] >> 24) & 1), (unsigned long)it_of(frame[7]), (unsigned long)(SCB_SHCSR & 0xD8Bu),
         (exc_return & 8u) != 0, (unsigned long)((icsr >> 11) & 1));
  SCB_CFSR = cfsr; /* write-one-to-clear */
  SCB_HFSR = hfsr;
  switch (resume_mode) {
    case RESUME_AT:
      frame[6] = resume_at & ~1u;
      frame[7] |= 1u << 24;
      break;
    case RETRY_AFTER_CPACR:
    case AS_IS:
      break;
    default: {
      uint16_t first = *(const uint16_t *)frame[6];
      frame[6] += (first >> 11) >= 0x1Du ? 4u : 2u;
      /* The skipped instruction was part of an IT block: advance IT as its completion would. */
      uint32_t it = it_of(frame[7]);
      if (it) frame[7] = with_it(frame[7], (it & 7) == 0 ? 0 : (it & 0xE0) | ((it << 1) & 0x1F));
      break;
    }
  }
  resume_mode = SKIP;
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
void BusFault_Handler(void) __attribute__((alias("fault_entry")));
void UsageFault_Handler(void) __attribute__((alias("fault_entry")));

extern const char site_udf0[], site_udf1[], site_div[], site_unal[], site_ldrd[], site_bus[], site_it[], site_irq[],
    site_irq2[], site_svc[], site_nocp[], site_unpriv_read[], site_unpriv_stir[];

/* Back to privileged Thread mode. */
void SVC_Handler(void) { __asm volatile("msr control, %0\n\tisb" ::"r"(0u) : "memory"); }

static volatile int irq_case;
void IRQ_Handler(void) {
  printf("  irq %d running\n", irq_case);
  expected_pc = (uint32_t)(irq_case == 0 ? site_irq : site_irq2);
  if (irq_case == 0)
    __asm volatile(".global site_irq\nsite_irq: udf #2" ::: "memory");
  else
    __asm volatile(".global site_irq2\nsite_irq2: udf #3" ::: "memory");
  printf("  irq %d done\n", irq_case);
}

static __attribute__((noinline)) void after_bad_branch(void) { printf("  resumed after invalid state\n"); }

int main(void) {
  printf("udf, UsageFault disabled\n");
  expected_pc = (uint32_t)site_udf0;
  __asm volatile(".global site_udf0\nsite_udf0: udf #0" ::: "memory");

  SCB_SHCSR |= (1u << 17) | (1u << 18); /* BUSFAULTENA, USGFAULTENA */
  barrier();
  printf("udf, UsageFault enabled\n");
  expected_pc = (uint32_t)site_udf1;
  __asm volatile(".global site_udf1\nsite_udf1: udf.w #1" ::: "memory");

  printf("sdiv by zero with DIV_0_TRP\n");
  SCB_CCR |= 1u << 4;
  barrier();
  uint32_t q;
  expected_pc = (uint32_t)site_div;
  __asm volatile(".global site_div\nsite_div: sdiv %0, %1, %2" : "=r"(q) : "r"(OPAQUE(100)), "r"(OPAQUE(0)) : "memory");
  SCB_CCR &= ~(1u << 4);

  static uint32_t words[4] = {0x11223344u, 0x55667788u, 0x99AABBCCu, 0xDDEEFF00u};
  const uint8_t *bytes = (const uint8_t *)words;
  uint32_t v, lo, hi;
  printf("unaligned ldr with UNALIGN_TRP\n");
  SCB_CCR |= 1u << 3;
  barrier();
  expected_pc = (uint32_t)site_unal;
  __asm volatile(".global site_unal\nsite_unal: ldr %0, [%1]" : "=r"(v) : "r"(bytes + 1) : "memory");
  SCB_CCR &= ~(1u << 3);
  printf("unaligned ldrd (always checked)\n");
  expected_pc = (uint32_t)site_ldrd;
  __asm volatile(".global site_ldrd\nsite_ldrd: ldrd %0, %1, [%2]" : "=r"(lo), "=r"(hi) : "r"(bytes + 2) : "memory");

  printf("load from unmapped memory\n");
  expected_pc = (uint32_t)site_bus;
  __asm volatile(".global site_bus\nsite_bus: ldr %0, [%1]" : "=r"(v) : "r"(OPAQUE(UNMAPPED_ADDRESS + 8)) : "memory");

  printf("branch to an even address\n");
  resume_mode = RESUME_AT;
  resume_at = (uint32_t)&after_bad_branch;
  expected_pc = (uint32_t)&after_bad_branch;
  __asm volatile("blx %0" ::"r"((uint32_t)&after_bad_branch & ~1u) : "r0", "r1", "r2", "r3", "r12", "lr", "memory");

  printf("fault inside an IT block\n");
  uint32_t a = 0, b = 0, c = 0;
  SCB_CCR |= 1u << 3;
  barrier();
  expected_pc = (uint32_t)site_it;
  __asm volatile(
      "movs %0, #0\n\t"
      "movs %1, #0\n\t"
      "movs %2, #0\n\t"
      "cmp %0, #0\n\t"
      "itete eq\n\t"
      ".global site_it\n"
      "site_it: ldreq %0, [%3]\n\t"
      "addne %0, %0, #1\n\t"
      "addeq %1, %1, #2\n\t"
      "addne %2, %2, #4\n\t"
      : "=&l"(a), "=&l"(b), "=&l"(c)
      : "l"(bytes + 1)
      : "cc", "memory");
  SCB_CCR &= ~(1u << 3);
  printf("  after it block: %lu %lu %lu\n", (unsigned long)a, (unsigned long)b, (unsigned long)c);

#if defined(__ARM_FP)
  printf("fp instruction with the FPU disabled\n");
  SCB_CPACR &= ~(0xFu << 20);
  barrier();
  resume_mode = RETRY_AFTER_CPACR;
  expected_pc = (uint32_t)site_nocp;
  float f;
  __asm volatile(".global site_nocp\nsite_nocp: vmov.f32 %0, #1.5" : "=t"(f)::"memory");
  printf("  retried: %d\n", (int)(f * 2));
#else
  printf("fp instruction with the FPU disabled\n  exception 6 cfsr=00080000 hfsr=00000000 (soft-float build: not run)\n");
#endif

  printf("UsageFault pre-empts an interrupt handler\n");
  SCB_SHPR1 = (0x40u << 16) | (0x40u << 8); /* UsageFault, BusFault */
  NVIC_IPR(3) = 0x80;
  NVIC_ISER0 = 1u << 3;
  irq_case = 0;
  NVIC_STIR = 3;
  barrier();
  printf("UsageFault priority below the interrupt: escalated\n");
  SCB_SHPR1 = (0xC0u << 16) | (0x40u << 8);
  irq_case = 1;
  NVIC_STIR = 3;
  barrier();

  printf("svc masked by basepri\n");
  SCB_SHPR2 = 0x80u << 24;
  __asm volatile("msr basepri, %0" ::"r"(0x40u) : "memory");
  resume_mode = AS_IS; /* an escalated SVC returns to the next instruction, like the SVC itself */
  expected_pc = (uint32_t)site_svc + 2;
  __asm volatile(".global site_svc\nsite_svc: svc #3" ::: "memory");
  __asm volatile("msr basepri, %0" ::"r"(0u) : "memory");
  printf("  shcsr in thread: %03lx\n", (unsigned long)(SCB_SHCSR & 0xD8Bu));

  printf("unprivileged access to the SCS\n");
  __asm volatile("msr control, %0\n\tisb" ::"r"(1u) : "memory");
  expected_pc = (uint32_t)site_unpriv_read;
  __asm volatile(".global site_unpriv_read\nsite_unpriv_read: ldr %0, [%1]" : "=r"(v) : "r"(&SCB_CCR) : "memory");
  expected_pc = (uint32_t)site_unpriv_stir;
  __asm volatile(".global site_unpriv_stir\nsite_unpriv_stir: str %0, [%1]" ::"r"(9u), "r"(&NVIC_STIR) : "memory");
  __asm volatile("svc #0" ::: "memory");
  printf("  stir refused: irq 9 pending %lu\n", (unsigned long)((NVIC_ISPR0 >> 9) & 1));
  SCB_CCR |= 1u << 1; /* USERSETMPEND: STIR allowed unprivileged */
  __asm volatile("msr control, %0\n\tisb" ::"r"(1u) : "memory");
  NVIC_STIR = 9;
  __asm volatile("svc #0" ::: "memory");
  printf("  stir with USERSETMPEND: irq 9 pending %lu\n", (unsigned long)((NVIC_ISPR0 >> 9) & 1));
  NVIC_ICPR0 = 1u << 9;

  printf("faults taken: %d\n", faults_taken);
  return check_exit("exc_faults");
}
