/* The profiler's marker test program: four fake int8 "layers" doing known amounts of work, framed by
 * the layer and frame markers of firmware/nn/LAYER-TABLE.md (ITM stimulus port 1, written only when
 * the ITM is enabled: like the detector, the program never enables it; the profiler does after reset,
 * as a debugger would, and QEMU, which has no ITM, runs the same ELF without markers), with the layer
 * table in layer_table.S. It also measures itself, for the profiler's tests to compare with:
 * - the stack high-water by painting: words below the stack pointer are filled with a pattern at the
 *   start of main and the lowest overwritten word is found at the end (bytes below the stack base
 *   that semihosting SYS_HEAPINFO gave newlib's crt0, where it put the stack);
 * - the heap it asked of sbrk: sbrk(0) at the start and at the end of main (malloc never trims here).
 * Prints one checksum line per frame and the two measures; exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "profile_layers.h"
#include "semihost.h"

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define ITM_PORT(n) (*(volatile uint32_t *)(0xE0000000u + 4u * (n)))
#define ITM_TER (*(volatile uint32_t *)0xE0000E00u)
#define ITM_TCR (*(volatile uint32_t *)0xE0000E80u)

#define PAINT_WORD 0xA5A5A5A5u
#define PAINT_BYTES 8192u

int8_t arena[ARENA_BYTES] __attribute__((aligned(8)));
const int8_t w_stem[L0_W_BYTES] = {1, -2, 3, -1, 2, 1, -3, 2, 1};
const int8_t w_dw[L1_W_BYTES] = {2, 1, -1, 1, 3, 1, -1, 1, 2};
const int8_t w_pw[L2_W_BYTES] = {1, 2, 3, 4, -4, -3, -2, -1};
const int8_t w_fc[L3_W_BYTES] = {3, -1, 4, -1, 5, -9, 2, 6};

/* A layer marker, as CMSIS ITM_SendChar guards a write: trace, ITM and the port enabled, FIFO ready. */
static inline void mark(uint32_t word) {
  if ((DEMCR & (1u << 24)) && (ITM_TCR & 1u) && (ITM_TER & (1u << MARKER_PORT))) {
    while (ITM_PORT(MARKER_PORT) == 0u) {
    }
    ITM_PORT(MARKER_PORT) = word;
  }
}

static int8_t clamp8(int32_t v) { return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v); }

__attribute__((noinline)) static void stem_conv(const int8_t *in, int8_t *out) {
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      for (int c = 0; c < L0_OUT_C; c++) {
        int32_t acc = 0;
        for (int ky = -1; ky <= 1; ky++)
          for (int kx = -1; kx <= 1; kx++) {
            int yy = y + ky, xx = x + kx;
            int32_t v = (yy >= 0 && yy < 16 && xx >= 0 && xx < 16) ? in[yy * 16 + xx] : 0;
            acc += v * w_stem[(c * 9 + (ky + 1) * 3 + kx + 1) % 9];
          }
        out[(y * 16 + x) * L0_OUT_C + c] = clamp8(acc >> 2);
      }
}

__attribute__((noinline)) static void stage1_dw(const int8_t *in, int8_t *out) {
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      for (int c = 0; c < 8; c++) {
        int32_t acc = 0;
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++) {
            int yy = 2 * y + ky - 1, xx = 2 * x + kx - 1;
            int32_t v = (yy >= 0 && yy < 16 && xx >= 0 && xx < 16) ? in[(yy * 16 + xx) * 8 + c] : 0;
            acc += v * w_dw[ky * 3 + kx];
          }
        out[(y * 8 + x) * 8 + c] = clamp8(acc >> 3);
      }
}

__attribute__((noinline)) static void stage1_pw(const int8_t *in, int8_t *out) {
  for (int p = 0; p < 64; p++)
    for (int o = 0; o < PW_C; o++) {
      int32_t acc = 0;
      for (int i = 0; i < 8; i++) acc += in[p * 8 + i] * w_pw[(o * 8 + i) % 8];
      out[p * PW_C + o] = clamp8(acc >> 2);
    }
}

/* Recursion with a local buffer: the deepest stack of the run happens in this layer. */
__attribute__((noinline)) static int32_t deep_sum(const int8_t *v, int n, int depth) {
  volatile int8_t local[256];
  for (int i = 0; i < 256; i++) local[i] = v[(i + depth) % n];
  int32_t s = 0;
  for (int i = 0; i < 256; i += 16) s += local[i];
  if (depth == 0) return s;
  return deep_sum(v, n, depth - 1) + s + local[depth]; /* local used after the call: no tail call, no loop */
}

__attribute__((noinline)) static void head_fc(const int8_t *in, int8_t *out) {
  int32_t *scratch = malloc(L3_SCRATCH_BYTES);
  for (int o = 0; o < 4; o++) {
    int32_t acc = 0;
    for (int i = 0; i < FC_IN; i++) acc += in[i] * w_fc[(o * 7 + i) % 8];
    scratch[o] = acc;
  }
  int32_t bias = deep_sum(in, FC_IN, 5);
  for (int o = 0; o < 4; o++) ((int32_t *)out)[o] = scratch[o] + bias;
  free(scratch);
}

/* Frame I/O stand-in: a deterministic 16x16 "thermal frame" per frame number. */
__attribute__((noinline)) static void read_frame(int f, int8_t *in) {
  uint32_t s = 0x9E3779B9u * (uint32_t)(f + 1);
  for (int i = 0; i < 256; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    in[i] = (int8_t)(s >> 24) / 4;
  }
}

static uint32_t *paint_bottom;

/* Fills PAINT_BYTES below this function's frame with the pattern (64 bytes of margin). */
__attribute__((noinline)) static void paint_stack(void) {
  uint32_t sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  paint_bottom = (uint32_t *)(sp - 64u - PAINT_BYTES);
  for (uint32_t *p = paint_bottom; p < (uint32_t *)(sp - 64u); p++) *p = PAINT_WORD;
}

__attribute__((noinline)) static uint32_t painted_stack_bytes(void) {
  const uint32_t *p = paint_bottom;
  while (*p == PAINT_WORD) p++;
  uint32_t heapinfo[4] = {0};
  const uint32_t *block = heapinfo;
  semihost_call(0x16u, &block); /* SYS_HEAPINFO: heap base, heap limit, stack base, stack limit */
  return heapinfo[2] - (uint32_t)p;
}

/* The layers in execution order, as the layer table lists them (called through a pointer: BLX). */
#define LAYERS 4u
static const struct {
  void (*run)(const int8_t *in, int8_t *out);
  uint32_t in_offset, out_offset;
} layer[LAYERS] = {
    {stem_conv, L0_IN_OFF, L0_OUT_OFF},
    {stage1_dw, L1_IN_OFF, L1_OUT_OFF},
    {stage1_pw, L2_IN_OFF, L2_OUT_OFF},
    {head_fc, L3_IN_OFF, L3_OUT_OFF},
};

static uint32_t checksum(const int8_t *p, int n) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 16777619u;
  return h;
}

int main(void) {
  char *heap_start = sbrk(0);
  paint_stack();
  for (int f = 0; f < FRAMES; f++) {
    read_frame(f, arena + L0_IN_OFF);
    mark(0x03000000u | (uint32_t)f);
    for (uint32_t i = 0; i < LAYERS; i++) {
      mark(0x01000000u | i);
      layer[i].run(arena + layer[i].in_offset, arena + layer[i].out_offset);
      mark(0x02000000u | i);
    }
    mark(0x04000000u | (uint32_t)f);
    printf("frame %d: %08lx\n", f, (unsigned long)checksum(arena, ARENA_BYTES));
  }
  printf("stack_painted_bytes: %lu\n", (unsigned long)painted_stack_bytes());
  printf("heap_sbrk_bytes: %lu\n", (unsigned long)((char *)sbrk(0) - heap_start));
  return 0;
}
