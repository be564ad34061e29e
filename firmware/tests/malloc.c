/* newlib's malloc over the rdimon heap (_sbrk): many allocations of varied sizes filled with a
 * pattern, freed in a scrambled order, with realloc growing and shrinking blocks and calloc zeroing.
 * Only contents and counts are printed, never addresses. */
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define SLOTS 128
#define ROUNDS 2500
#define BIG_BYTES (256u * 1024u)

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static uint32_t fnv1a(const uint8_t *p, size_t n, uint32_t h) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(void) {
  static uint8_t *slot[SLOTS];
  static size_t size[SLOTS];
  uint32_t allocs = 0, frees = 0, reallocs = 0, corrupt = 0, content_hash = 2166136261u;

  for (int round = 0; round < ROUNDS; round++) {
    unsigned i = rng() % SLOTS;
    if (slot[i] == NULL) {
      /* Two statements: the order of two rng() calls in one expression is unspecified in C. */
      uint32_t big = rng() % 8 == 0;
      size[i] = 1 + rng() % (big ? 4096 : 96);
      slot[i] = (uint8_t *)malloc(size[i]);
      if (!slot[i]) break;
      memset(slot[i], (int)(i ^ size[i]), size[i]);
      allocs++;
    } else {
      for (size_t k = 0; k < size[i]; k++) corrupt += slot[i][k] != (uint8_t)(i ^ size[i]);
      content_hash = fnv1a(slot[i], size[i], content_hash);
      if (rng() % 3 == 0) {
        size_t new_size = 1 + rng() % 2000;
        uint8_t *p = (uint8_t *)realloc(slot[i], new_size);
        if (!p) break;
        size_t kept = new_size < size[i] ? new_size : size[i];
        for (size_t k = 0; k < kept; k++) corrupt += p[k] != (uint8_t)(i ^ size[i]);
        slot[i] = p;
        size[i] = new_size;
        memset(slot[i], (int)(i ^ size[i]), size[i]);
        reallocs++;
      } else {
        free(slot[i]);
        slot[i] = NULL;
        frees++;
      }
    }
  }
  for (unsigned i = 0; i < SLOTS; i++) {
    if (slot[i]) {
      content_hash = fnv1a(slot[i], size[i], content_hash);
      free(slot[i]);
      frees++;
    }
  }
  uint32_t *zeros = (uint32_t *)calloc(1000, sizeof(uint32_t));
  uint32_t nonzero = 0;
  for (int i = 0; zeros && i < 1000; i++) nonzero += zeros[i] != 0;
  free(zeros);
  char *big = (char *)malloc(BIG_BYTES);
  if (big) {
    memset(big, 'x', BIG_BYTES);
    big[BIG_BYTES - 1] = 0;
  }
  printf("allocs: %lu frees: %lu reallocs: %lu\n", (unsigned long)allocs, (unsigned long)frees, (unsigned long)reallocs);
  printf("corrupt bytes: %lu calloc nonzero: %lu\n", (unsigned long)corrupt, (unsigned long)nonzero);
  printf("content hash: %08lx\n", (unsigned long)content_hash);
  printf("256 KiB block: %s len=%u\n", big ? "ok" : "failed", big ? (unsigned)strlen(big) : 0u);
  free(big);
  CHECK_EQ(corrupt, 0);
  CHECK_EQ(nonzero, 0);
  CHECK_EQ(allocs, frees);
  return check_exit("malloc");
}
