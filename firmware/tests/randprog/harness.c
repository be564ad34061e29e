/* Harness for the generated differential programs (test/support/randprog.ts): main() runs the
 * generated random_program(), which calls dump_registers (below) after its initial state and after
 * every block. dump_registers saves r0-r12, APSR (N Z C V Q GE), s0-s31 and FPSCR on the stack,
 * prints them in hex through semihosting, and restores all of them, flags included, so the dump
 * does not perturb the program it observes. */
#include <stdint.h>
#include <stdio.h>

extern void random_program(void);

/* Stack frame built by dump_registers, lowest address first. */
struct saved_state {
  uint32_t apsr, fpscr;
  uint32_t s[32];
  uint32_t r[13];
  uint32_t lr;
};

void print_state(const struct saved_state *st) {
  static unsigned dump_index;
  printf("dump %u\n", dump_index++);
  for (int i = 0; i < 13; i++) printf("r%d=%08lx%c", i, (unsigned long)st->r[i], i % 4 == 3 || i == 12 ? '\n' : ' ');
  uint32_t a = st->apsr;
  printf("apsr=%08lx N=%lu Z=%lu C=%lu V=%lu Q=%lu GE=%lu%lu%lu%lu\n", (unsigned long)a, (unsigned long)(a >> 31),
         (unsigned long)(a >> 30 & 1), (unsigned long)(a >> 29 & 1), (unsigned long)(a >> 28 & 1),
         (unsigned long)(a >> 27 & 1), (unsigned long)(a >> 19 & 1), (unsigned long)(a >> 18 & 1),
         (unsigned long)(a >> 17 & 1), (unsigned long)(a >> 16 & 1));
  for (int i = 0; i < 32; i++) printf("s%d=%08lx%c", i, (unsigned long)st->s[i], i % 4 == 3 ? '\n' : ' ');
  printf("fpscr=%08lx\n", (unsigned long)st->fpscr);
}

/* 14 + 32 + 2 = 48 words: the stack keeps the 8-byte alignment it had at the call. */
__attribute__((naked)) void dump_registers(void) {
  __asm volatile(
      "push {r0-r12, lr}\n\t"
      "mrs r0, apsr\n\t"
      "vmrs r1, fpscr\n\t"
      "vpush {s0-s31}\n\t"
      "push {r0, r1}\n\t"
      "mov r0, sp\n\t"
      "bl print_state\n\t"
      "pop {r0, r1}\n\t"
      "msr APSR_nzcvqg, r0\n\t"
      "vmsr fpscr, r1\n\t"
      "vpop {s0-s31}\n\t"
      "pop {r0-r12, pc}\n\t");
}

int main(void) {
  random_program();
  printf("end\n");
  return 0;
}
