/* The ARMv7-M MPU (ARM DDI 0403E B3.5) as QEMU's mps2-an386 enforces it: regions with AP, XN,
 * sub-region disable, PRIVDEFENA, the RBAR VALID/REGION shortcut and the alias registers; data and
 * instruction violations taken as MemManage (DACCVIOL + MMARVALID + MMFAR, IACCVIOL), escalated to
 * HardFault when MemManage is disabled, and checked again after dropping to unprivileged Thread mode;
 * LDRT/STRT and their byte/halfword forms checked as unprivileged from privileged code.
 * The handler records what it saw and resumes after the faulting instruction (or at the caller for a
 * fetch fault); Thread mode prints the records. Expected lines: test/oracle/core-gaps.test.ts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define MPU_TYPE (*(volatile uint32_t *)0xE000ED90u)
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define MPU_RBAR_A1 (*(volatile uint32_t *)0xE000EDA4u)
#define MPU_RASR_A1 (*(volatile uint32_t *)0xE000EDA8u)

#define AP(x) ((uint32_t)(x) << 24)
#define XN (1u << 28)
#define SRD(x) ((uint32_t)(x) << 8)
#define SIZE(log2) ((uint32_t)((log2) - 1) << 1)
#define ENABLE 1u

/* The protected buffers sit at fixed addresses in RAM nothing else uses, each on its own 1 KB page:
 * QEMU resolves semihosting's reads of guest memory by page, so a page shared with newlib's buffers
 * and a no-access region would make its console writes fail. */
#define priv_only ((volatile uint8_t *)0x20300000u)  /* 1 KB */
#define halves ((volatile uint8_t *)0x20300400u)     /* 256 bytes */
#define read_only ((volatile uint8_t *)0x20300800u)  /* 32 bytes */
#define ram_code ((volatile uint16_t *)0x20300c00u)
#define in_ram ((int (*)(void))((uintptr_t)ram_code | 1))

static volatile uint32_t faults, last_exc, last_cfsr, last_mmfar, last_hfsr, svcs, move_frame;
static uint32_t thread_stack[256] __attribute__((aligned(8)));
static void part2(void) __attribute__((noreturn));
static void part3(void) __attribute__((noreturn));

static void report(const char *what) {
  printf("%s: faults %lu exc %lu cfsr %08lx mmfar %s%08lx hfsr %08lx\n", what, (unsigned long)faults, (unsigned long)last_exc,
         (unsigned long)last_cfsr, (last_cfsr & 0x80) ? "" : "-", (unsigned long)((last_cfsr & 0x80) ? last_mmfar : 0),
         (unsigned long)last_hfsr);
  faults = last_exc = last_cfsr = last_mmfar = last_hfsr = 0;
}

void fault_record(uint32_t *frame) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  faults++;
  last_exc = ipsr & 0x1ff;
  last_cfsr = SCB_CFSR;
  last_mmfar = SCB_MMFAR;
  last_hfsr = SCB_HFSR;
  if (last_cfsr & 0x18) {
    /* MSTKERR: the frame never reached the stack (its contents are UNKNOWN); MUNSTKERR: it could not
     * be popped. Give Thread mode a fresh frame on a good stack that resumes at part2() or part3(). */
    uint32_t *fresh = &thread_stack[sizeof thread_stack / sizeof thread_stack[0] - 8];
    for (int k = 0; k < 6; k++) fresh[k] = 0;
    fresh[6] = (uint32_t)(last_cfsr & 0x10 ? part2 : part3) & ~1u;
    fresh[7] = 0x01000000u;
    __asm volatile("msr psp, %0" ::"r"(fresh));
  } else if (last_cfsr & 1) {
    frame[6] = frame[5] & ~1u; /* IACCVIOL: the stacked PC is the target; resume at the caller */
  } else {
    uint16_t hw = *(uint16_t *)frame[6];
    frame[6] += (hw >> 11) >= 0x1d ? 4 : 2; /* skip the faulting 16- or 32-bit instruction */
  }
  SCB_CFSR = last_cfsr;
  SCB_HFSR = last_hfsr;
}

#define FAULT_ENTRY(name)                                                                              \
  __attribute__((naked)) void name(void) {                                                             \
    __asm volatile("tst lr, #4\n\tite eq\n\tmrseq r0, msp\n\tmrsne r0, psp\n\tpush {r4, lr}\n\t"      \
                   "bl fault_record\n\tpop {r4, pc}\n");                                               \
  }
FAULT_ENTRY(MemManage_Handler)
FAULT_ENTRY(HardFault_Handler)

/* SVC from unprivileged Thread mode: back to privileged. */
void SVC_Handler(void) {
  uint32_t control;
  svcs++;
  if (move_frame) {
    /* Copy Thread mode's frame into the privileged-only region and return through it: the pop is
     * done with Thread mode's (unprivileged) rights, MUNSTKERR. */
    uint32_t psp;
    __asm volatile("mrs %0, psp" : "=r"(psp));
    for (int k = 0; k < 8; k++) ((volatile uint32_t *)priv_only)[128 + k] = ((uint32_t *)psp)[k];
    __asm volatile("msr psp, %0" ::"r"((uint32_t)priv_only + 512));
    move_frame = 0;
    return;
  }
  __asm volatile("mrs %0, control" : "=r"(control));
  __asm volatile("msr control, %0\n\tisb" ::"r"(control & ~1u));
}

static uint32_t read32(volatile void *p) { return *(volatile uint32_t *)p; }

/* The unprivileged loads and stores (ARMv7-M ARM A7.7 LDRT...): the MPU checks them as unprivileged
 * accesses even in privileged code. A faulting one leaves its destination as it was (0 here). */
#define LOAD_T(name, insn, type)                                                                       \
  static uint32_t name(volatile void *p) {                                                             \
    uint32_t v = 0;                                                                                    \
    __asm volatile(insn " %0, [%1, #2]" : "+r"(v) : "r"((uintptr_t)p - 2) : "memory");               \
    return (type)v;                                                                                    \
  }
LOAD_T(ldrt, "ldrt", uint32_t)
LOAD_T(ldrbt, "ldrbt", uint32_t)
LOAD_T(ldrht, "ldrht", uint32_t)
LOAD_T(ldrsbt, "ldrsbt", int32_t)
LOAD_T(ldrsht, "ldrsht", int32_t)
#define STORE_T(name, insn)                                                                            \
  static void name(volatile void *p, uint32_t v) {                                                     \
    __asm volatile(insn " %0, [%1, #2]" ::"r"(v), "r"((uintptr_t)p - 2) : "memory");                \
  }
STORE_T(strt, "strt")
STORE_T(strbt, "strbt")
STORE_T(strht, "strht")
static void write8(volatile void *p, uint8_t v) { *(volatile uint8_t *)p = v; }

int main(void) {
  printf("mpu_type %08lx ctrl %08lx\n", (unsigned long)MPU_TYPE, (unsigned long)MPU_CTRL);
  ram_code[0] = 0x2007; /* movs r0, #7 */
  ram_code[1] = 0x4770; /* bx lr */
  __asm volatile("dsb\n\tisb");
  printf("ram code before the mpu: %d\n", in_ram());

  /* Region 0: code, read-only for everyone, executable. Region 1: all of RAM (32 MB: the stack is at
   * its top, where QEMU's SYS_HEAPINFO puts it), full access, XN. */
  MPU_RNR = 0;
  MPU_RBAR = 0x00000000u;
  MPU_RASR = AP(6) | SIZE(22) | ENABLE;
  MPU_RBAR = 0x20000000u | 0x10 | 1; /* VALID + REGION 1 */
  MPU_RASR = XN | AP(3) | SIZE(25) | ENABLE;
  /* Region 2 through the alias pair: privileged read/write only. */
  MPU_RBAR_A1 = (uint32_t)priv_only | 0x10 | 2;
  MPU_RASR_A1 = XN | AP(1) | SIZE(10) | ENABLE;
  /* Region 3: no access, upper four of its eight 32-byte sub-regions disabled (fall back to region 1). */
  MPU_RBAR = (uint32_t)halves | 0x10 | 3;
  MPU_RASR = XN | AP(0) | SRD(0xF0) | SIZE(8) | ENABLE;
  /* Region 4: read-only for everyone. */
  MPU_RBAR = (uint32_t)read_only | 0x10 | 4;
  MPU_RASR = XN | AP(6) | SIZE(5) | ENABLE;
  printf("rnr %lu rbar %08lx rasr %08lx\n", (unsigned long)MPU_RNR, (unsigned long)(MPU_RBAR - (uint32_t)read_only),
         (unsigned long)MPU_RASR);
  SCB_SHCSR |= 1u << 16; /* MEMFAULTENA */
  MPU_CTRL = 4 | 1;      /* PRIVDEFENA | ENABLE */
  __asm volatile("dsb\n\tisb");

  write8(&read_only[3], 1);
  report("privileged write to a read-only region");
  write8(&priv_only[5], 2);
  report("privileged write to a privileged-only region");
  (void)read32(&halves[64]);
  report("read in an enabled no-access sub-region");
  (void)read32(&halves[200]);
  report("read in a disabled sub-region (region 1 applies)");
  (void)in_ram();
  report("call into execute-never RAM");
  (void)read32((void *)0x40000000u);
  report("privileged read with no region (background map)");

  /* The T forms from privileged code: privileged-only memory and the background map refuse them. */
  printf("ldrt of privileged-only: %08lx\n", (unsigned long)ldrt(&priv_only[12]));
  report("  ldrt");
  strbt(&priv_only[16], 0x5a);
  report("strbt to privileged-only");
  printf("privileged byte there: %02x\n", priv_only[16]);
  (void)ldrht(&priv_only[20]);
  report("ldrht of privileged-only");
  strt((void *)0x20300810u, 1); /* read_only: unprivileged read-only too */
  report("strt to read-only");
  (void)ldrt((void *)0x40000000u);
  report("ldrt with no region (no background map unprivileged)");
  /* Allowed: region 1 (full access) through a disabled sub-region of region 3; sign and zero extension. */
  halves[200] = 0x80;
  halves[201] = 0xff;
  strht(&halves[202], 0x8001);
  strbt(&halves[204], 0x1fe);
  strt(&halves[208], 0x12345678);
  printf("ldrsbt %08lx ldrbt %08lx ldrsht %08lx ldrht %08lx ldrt %08lx\n", (unsigned long)ldrsbt(&halves[200]),
         (unsigned long)ldrbt(&halves[204]), (unsigned long)ldrsht(&halves[202]), (unsigned long)ldrht(&halves[200]),
         (unsigned long)ldrt(&halves[208]));
  report("unprivileged forms where allowed");

  __asm volatile("msr control, %0\n\tisb" ::"r"(1u)); /* unprivileged Thread mode */
  uint32_t v = read32(&priv_only[8]);
  (void)v;
  uint32_t control;
  __asm volatile("mrs %0, control" : "=r"(control));
  faults += 0; /* keep the records for after the SVC */
  uint32_t f1 = faults, e1 = last_exc, c1 = last_cfsr, m1 = last_mmfar;
  faults = last_exc = last_cfsr = last_mmfar = last_hfsr = 0;
  (void)read32(&read_only[0]);
  uint32_t f2 = faults;
  write8(&read_only[1], 3);
  uint32_t f3 = faults, c3 = last_cfsr, m3 = last_mmfar;
  faults = last_exc = last_cfsr = last_mmfar = last_hfsr = 0;
  (void)read32((void *)0x40000000u);
  uint32_t f4 = faults, c4 = last_cfsr, m4 = last_mmfar;
  faults = last_exc = last_cfsr = last_mmfar = last_hfsr = 0;
  __asm volatile("svc #0");
  __asm volatile("mrs %0, control" : "=r"(control));
  printf("unprivileged read of privileged-only: faults %lu exc %lu cfsr %08lx mmfar-ok %d\n", (unsigned long)f1, (unsigned long)e1,
         (unsigned long)c1, m1 == (uint32_t)&priv_only[8]);
  printf("unprivileged read of read-only: faults %lu; write: faults %lu cfsr %08lx mmfar-ok %d\n", (unsigned long)f2, (unsigned long)(f3 - f2),
         (unsigned long)c3, m3 == (uint32_t)&read_only[1]);
  printf("unprivileged read with no region: faults %lu cfsr %08lx mmfar %08lx\n", (unsigned long)f4, (unsigned long)c4, (unsigned long)m4);
  printf("after svc: control %lu\n", (unsigned long)control);

  /* Unprivileged Thread mode on a process stack inside the privileged-only region: the SVC's frame
   * cannot be pushed (unprivileged stacking), MSTKERR, MemManage taken, the SVC left pending. */
  __asm volatile("msr psp, %0\n\tmsr control, %1\n\tisb" ::"r"((uint32_t)priv_only + 512), "r"(3u));
  __asm volatile("svc #1");
  for (;;) {} /* not reached: MemManage resumes Thread mode at part2 */
}

static void part2(void) {
  uint32_t control;
  __asm volatile("mrs %0, control" : "=r"(control));
  printf("svc with its frame in a privileged-only stack: exc %lu cfsr %08lx, svc taken after: %lu, control %lu\n",
         (unsigned long)last_exc, (unsigned long)last_cfsr, (unsigned long)svcs, (unsigned long)control);
  faults = last_exc = last_cfsr = last_mmfar = last_hfsr = 0;
  /* Unprivileged again, on the good process stack; the SVC handler moves the frame out of reach. */
  move_frame = 1;
  __asm volatile("msr control, %0\n\tisb" ::"r"(3u));
  __asm volatile("svc #2");
  for (;;) {} /* not reached: the failed return resumes at part3 */
}

static void part3(void) {
  uint32_t control;
  __asm volatile("svc #3"); /* back to privileged */
  __asm volatile("mrs %0, control" : "=r"(control));
  printf("return through a frame in a privileged-only stack: exc %lu cfsr %08lx, control %lu\n", (unsigned long)last_exc,
         (unsigned long)last_cfsr, (unsigned long)control);
  faults = last_exc = last_cfsr = last_mmfar = last_hfsr = 0;
  SCB_SHCSR &= ~(1u << 16); /* MemManage disabled: escalates to HardFault */
  write8(&read_only[2], 4);
  report("write with MemManage disabled");

  /* Sub-region granularity: region 3 re-enabled whole, then off. */
  MPU_RNR = 3;
  MPU_RASR = XN | AP(0) | SIZE(8) | ENABLE;
  SCB_SHCSR |= 1u << 16;
  (void)read32(&halves[200]);
  report("read after SRD cleared");
  MPU_RASR = 0;
  (void)read32(&halves[200]);
  report("read with region 3 disabled");
  MPU_CTRL = 0;
  __asm volatile("dsb\n\tisb");
  printf("ram code with the mpu off: %d\n", in_ram());
  write8(&read_only[3], 5);
  report("write with the mpu off");
  printf("mpu: ok\n");
  exit(0);
}