/* A program linked with a CubeIDE-style script (mps2-an386-cubeide.ld next to it): initialised data
 * copied from flash, a non-empty .bss that must read as zero, and a heap after the reservation
 * section. mcusim must load it as QEMU does (file bytes at their load addresses) and print the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t table[8] = {1, 1, 2, 3, 5, 8, 13, 21};
static char greeting[] = "vendor-linked image";
static uint32_t zeros[4096];          /* 16 KiB of .bss */
static volatile uint8_t flags[333];   /* odd-sized .bss */

int main(void) {
  uint32_t sum = 0;
  for (unsigned k = 0; k < 8; k++) sum += table[k];
  uint32_t nonzero = 0;
  for (unsigned k = 0; k < 4096; k++) nonzero += zeros[k] != 0;
  for (unsigned k = 0; k < sizeof flags; k++) nonzero += flags[k] != 0;
  printf("%s: data sum %lu, bss nonzero words %lu\n", greeting, (unsigned long)sum, (unsigned long)nonzero);
  for (unsigned k = 0; k < 4096; k++) zeros[k] = k * 3u;
  uint32_t check = 0;
  for (unsigned k = 0; k < 4096; k++) check += zeros[k];
  char *heap = malloc(1000);
  int heap_ok = heap != NULL && (uintptr_t)heap >= (uintptr_t)&zeros[4096];
  if (heap) memset(heap, 0x5a, 1000);
  printf("bss written: %lu, heap after bss: %d\n", (unsigned long)check, heap_ok);
  free(heap);
  return sum == 54 && nonzero == 0 && heap_ok ? 0 : 1;
}
