/* Code written at run time: Thumb routines assembled into an SRAM buffer by the program, called
 * often enough to become hot (a simulator may have translated or cached them), then patched in place
 * (an immediate, an opcode, a whole routine) and called again, with DSB + ISB as the architecture
 * asks after writing instructions. Every call must run the code as it is in memory now. */
#include "check.h"

/* Thumb encodings used below (ARM ARM A6.7): MOVS Rd,#imm8 = 0x2000 | Rd << 8 | imm8; ADDS Rd,#imm8 =
 * 0x3000 | Rd << 8 | imm8; SUBS Rd,#imm8 = 0x3800 | Rd << 8 | imm8; LSLS Rd,Rm,#imm5 = imm5 << 6 | Rm << 3 | Rd;
 * BX LR = 0x4770; NOP = 0xbf00. */
#define MOVS_R0(imm) ((uint16_t)(0x2000u | (imm)))
#define ADDS_R0(imm) ((uint16_t)(0x3000u | (imm)))
#define SUBS_R0(imm) ((uint16_t)(0x3800u | (imm)))
#define LSLS_R0(imm) ((uint16_t)(((imm) << 6) | 0))
#define BX_LR ((uint16_t)0x4770u)

static uint16_t code[32] __attribute__((aligned(4)));

typedef uint32_t (*routine)(uint32_t);

static void barrier(void) {
  __asm volatile("dsb\n\tisb" ::: "memory");
}

static routine entry(void) {
  return (routine)((uintptr_t)code | 1u);
}

static uint32_t call_many(int times, uint32_t arg) {
  uint32_t sum = 0;
  for (int k = 0; k < times; k++) sum += entry()(OPAQUE(arg));
  return sum;
}

int main(void) {
  /* r0 = (r0 + 5) << 2 */
  code[0] = ADDS_R0(5);
  code[1] = LSLS_R0(2);
  code[2] = BX_LR;
  barrier();
  uint32_t a = call_many(200, 1);
  printf("first: %lu\n", (unsigned long)a);
  CHECK_EQ(a, 200u * 24u);

  /* patch the immediate: r0 = (r0 + 9) << 2 */
  code[0] = ADDS_R0(9);
  barrier();
  uint32_t b = call_many(200, 1);
  printf("immediate patched: %lu\n", (unsigned long)b);
  CHECK_EQ(b, 200u * 40u);

  /* patch the opcode in the middle of the hot routine: r0 = (r0 + 9) - 3 */
  code[1] = SUBS_R0(3);
  barrier();
  uint32_t c = call_many(200, 1);
  printf("opcode patched: %lu\n", (unsigned long)c);
  CHECK_EQ(c, 200u * 7u);

  /* a longer routine written over the old one, then shortened again by an early return */
  code[0] = MOVS_R0(7);
  for (int k = 1; k < 20; k++) code[k] = ADDS_R0(k);
  code[20] = BX_LR;
  barrier();
  uint32_t d = call_many(100, 0);
  printf("rewritten: %lu\n", (unsigned long)d);
  CHECK_EQ(d, 100u * (7u + 190u));
  code[3] = BX_LR;
  barrier();
  uint32_t e = call_many(100, 0);
  printf("early return: %lu\n", (unsigned long)e);
  CHECK_EQ(e, 100u * (7u + 1u + 2u));
  return check_exit("selfmod");
}
