/* SVC, PendSV and the process stack (ARMv7-M ARM B1.5.6 ExceptionEntry/PushStack, B1.5.8
 * ExceptionReturn/PopStack, B1.4.4 CONTROL, B5.2.3 MSR, B3.2.8 CCR.STKALIGN):
 * - SVC with arguments read from, and results written to, the stacked frame; the immediate read
 *   from the SVC instruction before the stacked return address;
 * - SVC inside an IT block: the stacked xPSR holds the advanced IT state, and the rest of the block
 *   runs (or not) after the return;
 * - an 8-byte-aligned frame pushed from a 4-mod-8 SP: stacked xPSR bit 9 set, SP restored on return;
 * - unprivileged Thread mode (CONTROL.nPRIV): MSR/CPS to masks and CONTROL ignored, SVC back to
 *   privileged;
 * - a PendSV context switch between two tasks on PSP (EXC_RETURN 0xFFFFFFFD, or 0xFFFFFFED with a
 *   lazily stacked FP context in hard-float builds; s16-s31 saved by the switcher), ending with an
 *   SVC that returns to main's frame on MSP. */
#include "check.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_SHPR2 REG(0xE000ED1Cu)
#define SCB_SHPR3 REG(0xE000ED20u)

static char events[64];
static unsigned event_count;
static void log_event(char c) {
  if (event_count < sizeof events - 1) events[event_count++] = c;
}
static uint32_t get_control(void) {
  uint32_t v;
  __asm volatile("mrs %0, control" : "=r"(v));
  return v;
}

static volatile uint32_t svc_imm, svc_xpsr, svc_frame_addr, svc_exc_return;
uint32_t main_exc_return;
static volatile uint32_t svc_control_seen;

/* Returns the EXC_RETURN the SVC handler exits with. */
uint32_t svc_dispatch(uint32_t *frame, uint32_t exc_return) {
  uint32_t imm = *(const uint8_t *)(frame[6] - 2);
  svc_imm = imm;
  svc_xpsr = frame[7];
  svc_frame_addr = (uint32_t)frame;
  svc_exc_return = exc_return;
  switch (imm) {
    case 1: /* a task is done: back to main's frame on MSP */
      return main_exc_return;
    case 2: { /* drop to privileged Thread mode */
      uint32_t c = get_control();
      svc_control_seen = c;
      __asm volatile("msr control, %0\n\tisb" ::"r"(c & ~1u) : "memory");
      break;
    }
    case 10: { /* r0 = r0 + r1 * r2 - r3 + imm; r1 = r0 ^ r3 */
      uint32_t a = frame[0], b = frame[1], c = frame[2], d = frame[3];
      frame[0] = a + b * c - d + imm;
      frame[1] = a ^ d;
      break;
    }
    default: break;
  }
  return exc_return;
}

__attribute__((naked)) void SVC_Handler(void) {
  __asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "push {r1, r2}\n\t"
      "bl svc_dispatch\n\t"
      "pop {r1, r2}\n\t"
      "bx r0\n\t");
}

/* ---- two tasks switched by PendSV ---- */
int current_task = -1; /* -1: main, which is not a task */
uint32_t task_sp[2];
static uint32_t task_stack[2][256] __attribute__((aligned(8)));
static volatile float task_result[2];
static volatile uint32_t task_control[2];

__attribute__((naked)) void PendSV_Handler(void) {
  __asm volatile(
      "ldr r2, =current_task\n\t"
      "ldr r3, [r2]\n\t"
      "cmp r3, #0\n\t"
      "blt 1f\n\t"
      "mrs r0, psp\n\t"
#if defined(__ARM_FP)
      "tst lr, #0x10\n\t"
      "it eq\n\t"
      "vstmdbeq r0!, {s16-s31}\n\t"
#endif
      "stmdb r0!, {r4-r11, lr}\n\t"
      "ldr r1, =task_sp\n\t"
      "str r0, [r1, r3, lsl #2]\n\t"
      "b 2f\n"
      "1:\n\t"
      "ldr r1, =main_exc_return\n\t"
      "str lr, [r1]\n"
      "2:\n\t"
      "adds r3, r3, #1\n\t"
      "and r3, r3, #1\n\t"
      "str r3, [r2]\n\t"
      "ldr r1, =task_sp\n\t"
      "ldr r0, [r1, r3, lsl #2]\n\t"
      "ldmia r0!, {r4-r11, lr}\n\t"
#if defined(__ARM_FP)
      "tst lr, #0x10\n\t"
      "it eq\n\t"
      "vldmiaeq r0!, {s16-s31}\n\t"
#endif
      "msr psp, r0\n\t"
      "bx lr\n\t"
      ".ltorg\n\t");
}

static void yield(void) {
  SCB_ICSR = 1u << 28; /* PENDSVSET */
  __asm volatile("dsb\n\tisb" ::: "memory");
}

static void task(uint32_t k) {
  float x = (float)k + 1.5f;
  task_control[k] = get_control();
  for (int i = 0; i < 3; i++) {
    log_event((char)((k ? 'a' : 'A') + i));
    x = x * 2.0f + 0.25f;
    yield();
    x = x - 0.125f;
  }
  task_result[k] = x;
  if (k == 0)
    for (;;) yield();
  __asm volatile("svc #1" ::: "memory");
  for (;;) {
  }
}

static void start_task(uint32_t k) {
  uint32_t *top = &task_stack[k][256];
  uint32_t *hw = top - 8; /* r0 r1 r2 r3 r12 lr pc xpsr, 8-byte aligned */
  hw[0] = k;
  hw[5] = 0xFFFFFFFFu;
  hw[6] = (uint32_t)&task & ~1u;
  hw[7] = 1u << 24; /* Thumb */
  uint32_t *sw = hw - 9; /* r4-r11, EXC_RETURN */
  for (int r = 0; r < 8; r++) sw[r] = 0x40 + r;
  sw[8] = 0xFFFFFFFDu; /* Thread mode, PSP, no FP frame */
  task_sp[k] = (uint32_t)sw;
}

static uint32_t svc_args(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t *second) {
  register uint32_t r0 __asm("r0") = a;
  register uint32_t r1 __asm("r1") = b;
  register uint32_t r2 __asm("r2") = c;
  register uint32_t r3 __asm("r3") = d;
  __asm volatile("svc #10" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3) : "memory");
  *second = r1;
  return r0;
}

int main(void) {
  SCB_SHPR2 = 0x40u << 24;
  SCB_SHPR3 = 0xE0u << 16;

  /* Arguments through the frame. */
  uint32_t second;
  uint32_t first = svc_args(OPAQUE(0x1000u), 7, 9, 0x55u, &second);
  printf("svc args: r0=%08lx r1=%08lx imm=%lu\n", (unsigned long)first, (unsigned long)second, (unsigned long)svc_imm);
  printf("svc from thread/msp: exc_return low bits %lx\n", (unsigned long)(svc_exc_return & 0xD));

  /* SVC in an IT block: TETE on EQ with Z set. The SVC runs, the ADDNE is skipped, the ADDEQ runs,
   * the last ADDNE is skipped. The stacked IT state covers the three instructions left. */
  uint32_t r0v = 0, r1v = 0, r2v = 0;
  __asm volatile(
      "movs %0, #0\n\t"
      "movs %1, #0\n\t"
      "movs %2, #0\n\t"
      "cmp %0, #0\n\t"
      "itete eq\n\t"
      "svceq #4\n\t"
      "addne %0, %0, #1\n\t"
      "addeq %1, %1, #2\n\t"
      "addne %2, %2, #4\n\t"
      : "=&l"(r0v), "=&l"(r1v), "=&l"(r2v)
      :
      : "cc", "memory");
  printf("svc in it block: imm=%lu it=%02lx results %lu %lu %lu\n", (unsigned long)svc_imm,
         (unsigned long)(((svc_xpsr >> 25) & 3) | (((svc_xpsr >> 10) & 0x3F) << 2)), (unsigned long)r0v,
         (unsigned long)r1v, (unsigned long)r2v);

  /* 8-byte stack alignment on entry: SP = 4 mod 8 at the SVC. */
  uint32_t sp_before, sp_after;
  __asm volatile(
      "mov r3, sp\n\t"
      "bic r3, r3, #7\n\t"
      "sub r3, r3, #12\n\t" /* 4 mod 8, below anything live */
      "mov r2, sp\n\t"
      "mov sp, r3\n\t"
      "mov %0, sp\n\t"
      "svc #5\n\t"
      "mov %1, sp\n\t"
      "mov sp, r2\n\t"
      : "=&r"(sp_before), "=&r"(sp_after)
      :
      : "r2", "r3", "memory");
  uint32_t frame_size = (svc_exc_return & 0x10) ? 0x20 : 0x68;
  printf("odd-word sp: sp mod 8 = %lu, stacked xpsr bit9 = %lu, frame 8-aligned %d, frame+size+pad == sp %d, sp restored %d\n",
         (unsigned long)(sp_before & 7), (unsigned long)((svc_xpsr >> 9) & 1), (svc_frame_addr & 7) == 0,
         svc_frame_addr + frame_size + ((svc_xpsr >> 9) & 1) * 4 == sp_before, sp_after == sp_before);
  __asm volatile(
      "mov r3, sp\n\t"
      "bic r3, r3, #7\n\t"
      "sub r3, r3, #16\n\t"
      "mov r2, sp\n\t"
      "mov sp, r3\n\t"
      "mov %0, sp\n\t"
      "svc #5\n\t"
      "mov %1, sp\n\t"
      "mov sp, r2\n\t"
      : "=&r"(sp_before), "=&r"(sp_after)
      :
      : "r2", "r3", "memory");
  printf("even-word sp: stacked xpsr bit9 = %lu, sp restored %d\n", (unsigned long)((svc_xpsr >> 9) & 1), sp_after == sp_before);

  /* Unprivileged Thread mode. */
  __asm volatile("msr control, %0\n\tisb" ::"r"(1u) : "memory");
  uint32_t c1 = get_control();
  __asm volatile("cpsid i\n\tcpsid f" ::: "memory");
  __asm volatile("msr basepri, %0" ::"r"(0x40u) : "memory");
  __asm volatile("msr control, %0\n\tisb" ::"r"(0u) : "memory");
  uint32_t c2 = get_control();
  __asm volatile("svc #2" ::: "memory");
  uint32_t c3 = get_control(), primask, faultmask, basepri;
  __asm volatile("mrs %0, primask\n\tmrs %1, faultmask\n\tmrs %2, basepri" : "=r"(primask), "=r"(faultmask), "=r"(basepri));
  printf("unprivileged: control %lu, after msr control 0: %lu, seen by svc %lu, after svc %lu\n", (unsigned long)c1,
         (unsigned long)c2, (unsigned long)svc_control_seen, (unsigned long)c3);
  printf("masks written unprivileged: primask %lu faultmask %lu basepri %lu\n", (unsigned long)primask,
         (unsigned long)faultmask, (unsigned long)basepri);

  /* PendSV context switch. */
  start_task(0);
  start_task(1);
  /* The switcher keeps no context for main: main's callee-saved registers are kept on its stack
   * around the switch, as the tasks overwrite them. */
  __asm volatile(
      "push {r4-r11}\n\t"
#if defined(__ARM_FP)
      "vpush {s16-s31}\n\t"
#endif
      "str %1, [%0]\n\t"
      "dsb\n\t"
      "isb\n\t"
#if defined(__ARM_FP)
      "vpop {s16-s31}\n\t"
#endif
      "pop {r4-r11}\n\t"
      :
      : "r"(&SCB_ICSR), "r"(1u << 28)
      : "memory");
  events[event_count] = 0;
  printf("tasks: %s\n", events);
  printf("task control: %lu %lu, main control: %lu\n", (unsigned long)task_control[0], (unsigned long)task_control[1],
         (unsigned long)get_control());
  printf("task results: %d %d\n", (int)(task_result[0] * 1000), (int)(task_result[1] * 1000));
  printf("main exc_return low bits: %lx\n", (unsigned long)(main_exc_return & 0x1D));
  return check_exit("exc_svc_psp");
}
