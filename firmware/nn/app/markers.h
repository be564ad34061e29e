/* Layer and frame markers on an ITM stimulus port (firmware/nn/LAYER-TABLE.md, "Markers").
 * A marker is written only when the debugger (or mcusim) has enabled tracing: DEMCR.TRCENA,
 * ITM_TCR.ITMENA and the port's ITM_TER bit (ARMv7-M ARM C1.7, Arm CoreSight ITM), and only once
 * the port's FIFO is ready, as CMSIS ITM_SendChar does. With tracing off (a board without a probe,
 * QEMU) each marker costs a few loads and nothing reaches the bus. */
#ifndef DETECTOR_MARKERS_H
#define DETECTOR_MARKERS_H
#include <stdint.h>

#define MARKER_PORT 1u
#define MARKER_LAYER_START 0x01000000u
#define MARKER_LAYER_END 0x02000000u
#define MARKER_FRAME_START 0x03000000u
#define MARKER_FRAME_END 0x04000000u

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define ITM_STIM(n) (*(volatile uint32_t *)(0xE0000000u + 4u * (n)))
#define ITM_TER (*(volatile uint32_t *)0xE0000E00u)
#define ITM_TCR (*(volatile uint32_t *)0xE0000E80u)

static inline void marker(uint32_t word) {
  if (!(DEMCR & (1u << 24))) return;          /* TRCENA: trace (DWT, ITM) enabled */
  if (!(ITM_TCR & 1u)) return;                /* ITMENA */
  if (!(ITM_TER & (1u << MARKER_PORT))) return;
  while (!(ITM_STIM(MARKER_PORT) & 1u)) {     /* FIFO ready */
  }
  ITM_STIM(MARKER_PORT) = word;
}
#endif
