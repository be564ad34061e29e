/* FP context on exception entry and return (ARMv7-M ARM B1.5.6 PushStack with the extended frame,
 * B1.5.7 lazy context preservation, B3.2.22-B3.2.24 FPCCR/FPCAR/FPDSCR, B1.4.4 CONTROL.FPCA):
 * Thread mode fills S0-S15 and FPSCR with known values and pends an interrupt whose handler
 * overwrites them; after the return Thread mode must see its values again. The handler records, at
 * entry and after its first FP instruction: FPCCR.LSPACT, whether FPCAR points at the FP part of
 * the frame, CONTROL.FPCA, EXC_RETURN bit 4 and whether the stacked S0/FPSCR hold Thread mode's
 * values. Cases: lazy stacking (LSPEN=1), immediate stacking (LSPEN=0), a handler that uses no FP
 * (the reserved space is never written; LSPACT is cleared by the return), Thread mode without an FP
 * context (CONTROL.FPCA=0: basic frame), ASPEN=0 (FPCA is never set, nothing is preserved), and
 * FPDSCR's defaults loaded into FPSCR by the handler's first FP instruction. Hard-float only: a
 * soft-float build prints that it has nothing to check. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_STIR REG(0xE000EF00u)
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400u + (n)))
#define FPCCR REG(0xE000EF34u)
#define FPCAR REG(0xE000EF38u)
#define FPDSCR REG(0xE000EF3Cu)

/* FPCCR changes what later FP instructions do: the ISB makes it effective (QEMU also keeps code
 * translated under the old FPCCR.ASPEN until the translation block ends, which the ISB forces). */
static __attribute__((unused)) void barrier(void) { __asm volatile("dsb\n\tisb" ::: "memory"); }

#if defined(__ARM_FP)
static uint32_t thread_in[17], thread_out[17];
static volatile int handler_uses_fp;
static volatile uint32_t seen_lspact, seen_fpcar_ok, seen_fpca, seen_excret4, seen_stacked_now, seen_lspact_after,
    seen_stacked_after, seen_fpca_after, seen_fpscr_first;
static const uint32_t handler_values[16] = {0x3F800000u, 0x40000000u, 0x40400000u, 0x40800000u, 0x40A00000u, 0x40C00000u,
                                            0x40E00000u, 0x41000000u, 0x41100000u, 0x41200000u, 0x41300000u, 0x41400000u,
                                            0x41500000u, 0x41600000u, 0x41700000u, 0x41800000u};

static uint32_t get_control(void) {
  uint32_t v;
  __asm volatile("mrs %0, control" : "=r"(v));
  return v;
}

static int stacked_matches(const uint32_t *frame) {
  for (int k = 0; k < 16; k++)
    if (frame[8 + k] != thread_in[k]) return 0;
  return frame[24] == thread_in[16];
}

static volatile uint32_t seen_fpccr;
void fp_irq_dispatch(uint32_t *frame, uint32_t exc_return) {
  seen_fpccr = FPCCR;
  seen_lspact = FPCCR & 1;
  seen_fpcar_ok = FPCAR == (uint32_t)frame + 0x20;
  seen_fpca = (get_control() >> 2) & 1;
  seen_excret4 = (exc_return >> 4) & 1;
  seen_stacked_now = (exc_return & 0x10) ? 2 : (uint32_t)stacked_matches(frame);
  if (handler_uses_fp) {
    uint32_t fpscr;
    __asm volatile(
        "vmrs %0, fpscr\n\t"
        "vldmia %1, {s0-s15}\n\t"
        "vmsr fpscr, %2\n\t"
        : "=&r"(fpscr)
        : "r"(handler_values), "r"(0x0C00009Fu)
        : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15",
          "memory");
    seen_fpscr_first = fpscr;
    seen_lspact_after = FPCCR & 1;
    seen_stacked_after = (exc_return & 0x10) ? 2 : (uint32_t)stacked_matches(frame);
    seen_fpca_after = (get_control() >> 2) & 1;
  }
}

/* Thread mode is on MSP here, so the frame is at MSP on entry. */
__attribute__((naked)) void IRQ_Handler(void) {
  __asm volatile(
      "mrs r0, msp\n\t"
      "mov r1, lr\n\t"
      "push {r1, lr}\n\t"
      "bl fp_irq_dispatch\n\t"
      "pop {r1, pc}\n\t");
}

/* Loads S0-S15 and FPSCR, pends IRQ 2, and stores what S0-S15 and FPSCR hold after it ran. */
static void run_interrupt(int fresh_context) {
  /* fresh_context: CONTROL.FPCA is cleared after loading the registers, declaring that Thread mode
   * has no FP context to keep. */
  uint32_t keep = fresh_context ? ~4u : ~0u;
  __asm volatile(
      "vldmia %0, {s0-s15}\n\t"
      "vmsr fpscr, %2\n\t"
      "mrs r12, control\n\t"
      "and r12, r12, %5\n\t"
      "msr control, r12\n\t"
      "isb\n\t"
      "str %3, [%4]\n\t"
      "dsb\n\t"
      "isb\n\t"
      "nop\n\t"
      "vstmia %1, {s0-s15}\n\t"
      "vmrs %3, fpscr\n\t"
      "str %3, [%1, #64]\n\t"
      :
      : "r"(thread_in), "r"(thread_out), "r"(thread_in[16]), "r"(2u), "r"(&NVIC_STIR), "r"(keep)
      : "r12", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "memory");
}

static void report(const char *name) {
  int intact = 1;
  for (int k = 0; k < 17; k++)
    if (thread_out[k] != thread_in[k]) intact = 0;
  printf("%s: lspact %lu fpcar-ok %lu fpca %lu excret4 %lu stacked %lu", name, (unsigned long)seen_lspact,
         (unsigned long)(seen_lspact ? seen_fpcar_ok : 9), (unsigned long)seen_fpca, (unsigned long)seen_excret4,
         (unsigned long)(seen_lspact ? 9 : seen_stacked_now));
  if (handler_uses_fp)
    printf(" | after fp: lspact %lu stacked %lu fpca %lu", (unsigned long)seen_lspact_after,
           (unsigned long)seen_stacked_after, (unsigned long)seen_fpca_after);
  printf(" | thread intact %d, lspact now %lu\n", intact, (unsigned long)(FPCCR & 1));
}
#endif

int main(void) {
#if defined(__ARM_FP)
  for (int k = 0; k < 16; k++) thread_in[k] = 0xC0000000u + 0x00100000u * (uint32_t)k + 0x1234u;
  thread_in[16] = 0xF0000010u; /* N Z C V and IXC */
  NVIC_IPR(2) = 0x80;
  NVIC_ISER0 = 1u << 2;

  printf("fpccr at reset: aspen %lu lspen %lu\n", (unsigned long)(FPCCR >> 31), (unsigned long)((FPCCR >> 30) & 1));
  handler_uses_fp = 1;
  run_interrupt(0);
  report("lazy");
  printf("fpccr in handler: %08lx\n", (unsigned long)seen_fpccr);
  printf("handler first fpscr (fpdscr 0): %08lx\n", (unsigned long)seen_fpscr_first);

  handler_uses_fp = 0;
  run_interrupt(0);
  report("lazy, handler without fp");

  FPDSCR = (3u << 22) | (1u << 25); /* RMode RZ, DN */
  REG(0xE000ED24u) |= 1u << 17;      /* BUSFAULTENA: FPCCR.BFRDY at the next reservation */
  handler_uses_fp = 1;
  run_interrupt(0);
  report("lazy with fpdscr");
  printf("fpccr in handler: %08lx\n", (unsigned long)seen_fpccr);
  printf("handler first fpscr (fpdscr %08lx): %08lx\n", (unsigned long)FPDSCR, (unsigned long)seen_fpscr_first);
  FPDSCR = 0;

  FPCCR &= ~(1u << 30); /* LSPEN off: the FP registers are stacked at entry */
  barrier();
  run_interrupt(0);
  report("immediate");

  /* No FP context in Thread mode when the interrupt comes: the frame is the basic one and the
   * thread's FP registers are not preserved (it declared it had none). */
  run_interrupt(1);
  report("no thread context");
  FPCCR |= 1u << 30;

  FPCCR &= ~(1u << 31); /* ASPEN off: FPCA no longer set by FP instructions */
  barrier();
  __asm volatile("msr control, %0\n\tisb" ::"r"(get_control() & ~4u) : "memory");
  run_interrupt(0);
  printf("aspen off: excret4 %lu, control.fpca in thread %lu\n", (unsigned long)seen_excret4,
         (unsigned long)((get_control() >> 2) & 1));
  FPCCR |= 1u << 31;
  barrier();
  float check = OPAQUE(1.5f) * 2.0f;
  printf("fp after: %d, fpca %lu\n", (int)check, (unsigned long)((get_control() >> 2) & 1));
#else
  printf("soft-float build: no FP context to check\n");
#endif
  return check_exit("exc_fp");
}
