/* The marker test program's layers as numbers shared by the C code (profile_markers.c) and the
 * layer table (layer_table.S), so the table the profiler reads and the work the program does agree.
 * Shapes are NHWC int8; MACs count multiply-accumulates of one inference (firmware/nn/LAYER-TABLE.md).
 * WIDE=1 doubles the channels of stage1.pw: more MACs and weights (the regression test's build). */
#ifndef PROFILE_LAYERS_H
#define PROFILE_LAYERS_H

#ifndef WIDE
#define WIDE 0
#endif

#define FRAMES 4
#define MARKER_PORT 1

/* L0 stem.conv: 3x3 conv, 16x16x1 -> 16x16x8, padding 1 */
#define L0_IN_H 16
#define L0_IN_W 16
#define L0_IN_C 1
#define L0_OUT_C 8
#define L0_MACS (16 * 16 * 8 * 9)
#define L0_W_BYTES (8 * 9 + 8 * 4) /* weights + int32 bias */
#define L0_IN_OFF 0
#define L0_OUT_OFF 256
#define L0_OUT_BYTES (16 * 16 * 8)

/* L1 stage1.dw: 3x3 depthwise, stride 2, 16x16x8 -> 8x8x8 */
#define L1_MACS (8 * 8 * 8 * 9)
#define L1_W_BYTES (8 * 9 + 8 * 4)
#define L1_IN_OFF L0_OUT_OFF
#define L1_OUT_OFF 0
#define L1_OUT_BYTES (8 * 8 * 8)

/* L2 stage1.pw: 1x1 conv 8x8x8 -> 8x8xPW_C */
#define PW_C (16 << WIDE)
#define L2_MACS (8 * 8 * PW_C * 8)
#define L2_W_BYTES (PW_C * 8 + PW_C * 4)
#define L2_IN_OFF L1_OUT_OFF
#define L2_OUT_OFF 512
#define L2_OUT_BYTES (8 * 8 * PW_C)

/* L3 head.fc: dense (8*8*PW_C) -> 4, with heap scratch and a deep stack */
#define FC_IN (8 * 8 * PW_C)
#define L3_MACS (FC_IN * 4)
#define L3_W_BYTES (FC_IN * 4 + 4 * 4)
#define L3_IN_OFF L2_OUT_OFF
#define L3_OUT_OFF 0
#define L3_OUT_BYTES 16
#define L3_SCRATCH_BYTES 3000 /* malloc'd by the layer: heap, not arena */

/* Peak arena: L0's input and output (256 + 2048) alive at once, or L2's output end (512 + L2_OUT_BYTES)
 * when wider (no ?: here: the assembler reads this header too). */
#if WIDE
#define ARENA_BYTES (L2_OUT_OFF + L2_OUT_BYTES)
#else
#define ARENA_BYTES (L0_OUT_OFF + L0_OUT_BYTES)
#endif
#define ARENA_LOWER_BOUND ARENA_BYTES

#endif
