/* Illegal exception returns (ARMv7-M ARM B1.5.8 ExceptionReturn): an EXC_RETURN whose low bits are
 * none of 0001/1001/1101, and a return to Thread mode while another exception is still active
 * (CCR.NONBASETHRDENA clear). Either way the returning exception is deactivated, UFSR.INVPC is set,
 * and UsageFault is taken at once with LR holding the EXC_RETURN value; nothing new is stacked, so
 * the UsageFault handler can finish the return itself with a valid EXC_RETURN. Also: CCR.STKALIGN
 * cleared (a 4-mod-8 SP stays as it is, xPSR bit 9 clear); the exclusive monitor cleared by an
 * exception. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_CCR REG(0xE000ED14u)
#define SCB_SHCSR REG(0xE000ED24u)
#define SCB_CFSR REG(0xE000ED28u)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_STIR REG(0xE000EF00u)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400u + (n)))
#define SCB_SHPR2 REG(0xE000ED1Cu)

/* Volatile: each must be stored before the STIR write that starts the scenario. */
volatile uint32_t svc_return_value;   /* what the SVC handler returns with */
volatile uint32_t usage_return_value; /* what the UsageFault handler returns with */
static volatile uint32_t uf_ipsr, uf_lr, uf_cfsr, uf_shcsr, uf_count;

uint32_t usage_dispatch(uint32_t lr) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  uf_ipsr = ipsr;
  uf_lr = lr;
  uf_cfsr = SCB_CFSR;
  uf_shcsr = SCB_SHCSR & 0xD8Bu;
  SCB_CFSR = uf_cfsr;
  uf_count++;
  return usage_return_value;
}

__attribute__((naked)) void UsageFault_Handler(void) {
  __asm volatile(
      "mov r0, lr\n\t"
      "push {r0, lr}\n\t"
      "bl usage_dispatch\n\t"
      "pop {r1, r2}\n\t"
      "bx r0\n\t");
}

__attribute__((naked)) void SVC_Handler(void) {
  __asm volatile(
      "ldr r0, =svc_return_value\n\t"
      "ldr r0, [r0]\n\t"
      "bx r0\n\t"
      ".ltorg\n\t");
}

static volatile uint32_t irq_after_svc;
void IRQ_Handler(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  if (ipsr != 16 + 4) return;
  __asm volatile("svc #0" ::: "memory");
  irq_after_svc = 1;
}

static void report(const char *what) {
  printf("%s: usagefault %lu ipsr %lu lr %08lx cfsr %08lx shcsr-act %03lx\n", what, (unsigned long)uf_count,
         (unsigned long)uf_ipsr, (unsigned long)uf_lr, (unsigned long)uf_cfsr, (unsigned long)uf_shcsr);
  uf_count = 0;
}

int main(void) {
  SCB_SHCSR |= 1u << 18; /* USGFAULTENA */
  SCB_SHPR2 = 0x40u << 24;
  __asm volatile("dsb\n\tisb" ::: "memory");

  /* 1. EXC_RETURN 0xFFFFFFF5 from an SVC taken in Thread mode on MSP. */
  svc_return_value = 0xFFFFFFF5u;
  usage_return_value = 0xFFFFFFF9u;
  uint32_t r4v = 0;
  __asm volatile("movs r4, #42\n\tsvc #0\n\tmov %0, r4" : "=r"(r4v)::"r4", "memory");
  report("bad low bits");
  printf("thread resumed, r4 %lu\n", (unsigned long)r4v);

  /* 2. Return to Thread from an SVC nested in an interrupt handler. */
  NVIC_IPR(4) = 0x80;
  NVIC_ISER0 = 1u << 4;
  svc_return_value = 0xFFFFFFF9u;
  usage_return_value = 0xFFFFFFF1u; /* back to the interrupt handler, which is still active */
  NVIC_STIR = 4;
  __asm volatile("dsb\n\tisb" ::: "memory");
  report("thread with irq active");
  printf("irq handler resumed: %lu\n", (unsigned long)irq_after_svc);

  /* 3. STKALIGN cleared: no padding word. Only for a basic frame: an FP frame is always aligned
   * (B1.5.6 PushStack), but QEMU 7.2 then ignores the padding on the return, so Thread mode drops
   * its FP context (CONTROL.FPCA) first. */
  SCB_CCR &= ~(1u << 9);
  __asm volatile("dsb\n\tisb" ::: "memory");
  printf("ccr stkalign now %lu\n", (unsigned long)((SCB_CCR >> 9) & 1));
  svc_return_value = 0xFFFFFFF9u;
  uint32_t sp_before, sp_after;
  __asm volatile(
      "mov r3, sp\n\t"
      "bic r3, r3, #7\n\t"
      "sub r3, r3, #12\n\t"
      "mov r2, sp\n\t"
      "mov sp, r3\n\t"
      "mov %0, sp\n\t"
      "mrs r1, control\n\t"
      "bic r1, r1, #4\n\t"
      "msr control, r1\n\t"
      "isb\n\t"
      "svc #1\n\t"
      "mov %1, sp\n\t"
      "mov sp, r2\n\t"
      : "=&r"(sp_before), "=&r"(sp_after)
      :
      : "r1", "r2", "r3", "memory");
  printf("stkalign 0: sp mod 8 = %lu, restored %d\n", (unsigned long)(sp_before & 7), sp_after == sp_before);
  SCB_CCR |= 1u << 9;

  /* An exception between LDREX and STREX clears the local exclusive monitor (B1.5.6, B1.5.8): the
   * STREX fails (1); without one it succeeds (0). */
  static volatile uint32_t word;
  uint32_t value, failed, ok;
  NVIC_IPR(5) = 0x80;
  NVIC_ISER0 = 1u << 5;
  __asm volatile("ldrex %0, [%2]\n\tstr %3, [%4]\n\tdsb\n\tisb\n\tstrex %1, %0, [%2]"
                 : "=&r"(value), "=&r"(failed)
                 : "r"(&word), "r"(5u), "r"(&NVIC_STIR)
                 : "memory");
  __asm volatile("ldrex %0, [%2]\n\tstrex %1, %0, [%2]" : "=&r"(value), "=&r"(ok) : "r"(&word) : "memory");
  printf("strex across an interrupt: %lu, without: %lu\n", (unsigned long)failed, (unsigned long)ok);
  return check_exit("exc_return");
}
