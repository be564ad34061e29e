/* A CoreMark-style workload of our own (not EEMBC CoreMark): each iteration runs the same four kinds
 * of work CoreMark does -- a linked list (find, reverse, insertion sort by value), a 10x10 int16 matrix
 * (multiply by a constant, matrix x vector, matrix x matrix, sums), a state machine scanning a string
 * of numbers, and a CRC-16 over the results -- and the loop is timed with DWT CYCCNT. Prints
 * "coremark-lite <iterations> iterations, <cycles> cycles, <cycles/iteration> cycles/iteration,
 * crc 0x<crc>" and exits 1 if the CRC differs from the value the same code gives on the host.
 * argv[1]/argv[2]: clock and FLASH_ACR mode, as micro.c ("hsi16"|"pll100", "off"|"art"|...). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define DEMCR REG(0xE000EDFCu)
#define DWT_CTRL REG(0xE0001000u)
#define DWT_CYCCNT REG(0xE0001004u)

#ifndef ITERATIONS
#define ITERATIONS 20 /* -DITERATIONS=N for longer runs (the speed benchmark) */
#endif
#define LIST_NODES 32
#define MAT_N 10

void bench_clock_setup(const char *clock, const char *acr);
extern uint32_t SystemCoreClock;

typedef struct node { struct node *next; int16_t value; int16_t index; } node_t;
static node_t pool[LIST_NODES];
static int16_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N];
static int32_t mat_c[MAT_N][MAT_N], vec[MAT_N];
static const char input[] = "12,-7.5e3,0x1F,+42,;;3.14159,-0,88e-2,hello,255,0x7fff,-1.5,";

static uint16_t crc16_update(uint16_t crc, uint16_t data) {
  for (int k = 0; k < 16; k++) {
    uint16_t bit = (uint16_t)((crc ^ data) & 1u);
    crc >>= 1;
    data >>= 1;
    if (bit) crc ^= 0xA001u;
  }
  return crc;
}

static node_t *list_build(uint32_t seed) {
  for (int k = 0; k < LIST_NODES; k++) {
    seed = seed * 1103515245u + 12345u;
    pool[k].value = (int16_t)(seed >> 16);
    pool[k].index = (int16_t)k;
    pool[k].next = k + 1 < LIST_NODES ? &pool[k + 1] : 0;
  }
  return &pool[0];
}

static node_t *list_reverse(node_t *head) {
  node_t *prev = 0;
  while (head) {
    node_t *next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static node_t *list_sort(node_t *head) {
  node_t *sorted = 0;
  while (head) {
    node_t *n = head;
    head = head->next;
    node_t **p = &sorted;
    while (*p && (*p)->value < n->value) p = &(*p)->next;
    n->next = *p;
    *p = n;
  }
  return sorted;
}

static uint16_t list_work(uint32_t seed, uint16_t crc) {
  node_t *head = list_build(seed);
  for (node_t *n = head; n; n = n->next) if (n->index == (int16_t)(seed & 31u)) crc = crc16_update(crc, (uint16_t)n->value);
  head = list_reverse(head);
  head = list_sort(head);
  for (node_t *n = head; n; n = n->next) crc = crc16_update(crc, (uint16_t)n->index);
  return crc;
}

static uint16_t matrix_work(int16_t k, uint16_t crc) {
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      mat_a[i][j] = (int16_t)((i * 7 + j * 3 + k) & 0xff);
      mat_b[i][j] = (int16_t)((i ^ j) + k);
    }
  for (int i = 0; i < MAT_N; i++) {
    int32_t acc = 0;
    for (int j = 0; j < MAT_N; j++) acc += mat_a[i][j] * (int32_t)k;
    vec[i] = acc;
  }
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      int32_t acc = 0;
      for (int m = 0; m < MAT_N; m++) acc += mat_a[i][m] * mat_b[m][j];
      mat_c[i][j] = acc + vec[j];
    }
  int32_t sum = 0;
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) sum += mat_c[i][j] > sum ? 1 : -1;
  return crc16_update(crc, (uint16_t)sum);
}

enum state { START, SIGN, INT, HEX, FRAC, EXP_SIGN, EXP, INVALID, N_STATES };

static uint16_t state_work(uint16_t crc) {
  uint32_t counts[N_STATES] = {0};
  enum state s = START;
  for (const char *p = input; *p; p++) {
    char c = *p;
    if (c == ',' || c == ';') {
      counts[s]++;
      s = START;
      continue;
    }
    switch (s) {
      case START: s = (c == '+' || c == '-') ? SIGN : (c >= '0' && c <= '9') ? INT : INVALID; break;
      case SIGN: s = (c >= '0' && c <= '9') ? INT : INVALID; break;
      case INT: s = (c == 'x' || c == 'X') ? HEX : c == '.' ? FRAC : (c == 'e' || c == 'E') ? EXP_SIGN : (c >= '0' && c <= '9') ? INT : INVALID; break;
      case HEX: s = ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) ? HEX : INVALID; break;
      case FRAC: s = (c == 'e' || c == 'E') ? EXP_SIGN : (c >= '0' && c <= '9') ? FRAC : INVALID; break;
      case EXP_SIGN: s = (c == '+' || c == '-' || (c >= '0' && c <= '9')) ? EXP : INVALID; break;
      case EXP: s = (c >= '0' && c <= '9') ? EXP : INVALID; break;
      default: break;
    }
  }
  for (int k = 0; k < N_STATES; k++) crc = crc16_update(crc, (uint16_t)counts[k]);
  return crc;
}

int main(int argc, char **argv) {
  bench_clock_setup(argc > 1 ? argv[1] : "hsi16", argc > 2 ? argv[2] : "none");
  DEMCR |= 1u << 24;
  DWT_CTRL |= 1u;
  uint16_t crc = 0;
  uint32_t start = DWT_CYCCNT;
  for (uint32_t it = 0; it < ITERATIONS; it++) {
    crc = list_work(it * 2654435761u, crc);
    crc = matrix_work((int16_t)it, crc);
    crc = state_work(crc);
  }
  uint32_t cycles = DWT_CYCCNT - start;
  printf("coremark-lite %u iterations, %lu cycles, %lu cycles/iteration, crc 0x%04x, clock %lu\n", ITERATIONS,
         (unsigned long)cycles, (unsigned long)(cycles / ITERATIONS), crc, (unsigned long)SystemCoreClock);
  return 0;
}
