/* Compute-bound benchmark for the simulator speed bench: bitwise and table-driven CRC-32 (IEEE
 * 802.3, reflected polynomial 0xEDB88320) over a pseudo-random buffer, and int8 x int8 -> int32
 * matrix multiplies with requantisation, the inner loop of the detector's kernels. About 390
 * million instructions at -O2 hard-float (388.5 M counted by `mcusim run`, whose checksums match
 * QEMU's); prints checksums so a wrong simulation is visible, exits 0 when the two CRCs agree.
 * Build: `make -C firmware build/make/mps2-an386/bench/crc_matmul.elf`. */
#include <stdint.h>
#include <stdio.h>

#define BUF_BYTES 65536
#define CRC_PASSES 16
#define N 64
#define MATMUL_REPEATS 240

static uint8_t buffer[BUF_BYTES];
static uint32_t crc_table[256];
static int8_t mat_a[N][N], mat_b[N][N], mat_c[N][N];

static uint32_t crc32_bitwise(const uint8_t *p, uint32_t n, uint32_t crc) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static uint32_t crc32_table(const uint8_t *p, uint32_t n, uint32_t crc) {
  crc = ~crc;
  while (n--) crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xFFu];
  return ~crc;
}

static void matmul_requant(int8_t out[N][N], const int8_t a[N][N], const int8_t b[N][N], int32_t shift) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      int32_t acc = 0;
      for (int k = 0; k < N; k++) acc += a[i][k] * b[k][j];
      acc >>= shift;
      out[i][j] = (int8_t)(acc > 127 ? 127 : acc < -128 ? -128 : acc);
    }
  }
}

int main(void) {
  uint32_t x = 2463534242u;
  for (uint32_t i = 0; i < BUF_BYTES; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buffer[i] = (uint8_t)x;
  }
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    crc_table[i] = c;
  }

  uint32_t crc_bits = 0, crc_tab = 0;
  for (int pass = 0; pass < CRC_PASSES; pass++) {
    crc_bits = crc32_bitwise(buffer, BUF_BYTES, crc_bits);
    crc_tab = crc32_table(buffer, BUF_BYTES, crc_tab);
  }
  printf("crc32 bitwise: %08lx table: %08lx\n", (unsigned long)crc_bits, (unsigned long)crc_tab);

  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      mat_a[i][j] = (int8_t)buffer[i * N + j];
      mat_b[i][j] = (int8_t)buffer[4096 + i * N + j];
    }
  uint32_t checksum = 0;
  for (int r = 0; r < MATMUL_REPEATS; r++) {
    matmul_requant(mat_c, mat_a, mat_b, 10 + r % 4);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) checksum = checksum * 31u + (uint8_t)mat_c[i][j];
    mat_a[r % N][(r * 7) % N] ^= mat_c[(r * 3) % N][r % N];
  }
  printf("matmul checksum: %08lx\n", (unsigned long)checksum);
  return crc_bits == crc_tab ? 0 : 1;
}
