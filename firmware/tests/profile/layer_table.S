/* The `.mcusim.layers` table of the marker test program (firmware/nn/LAYER-TABLE.md): a section
 * without the alloc flag, so it costs no flash or SRAM on the device; the linker resolves the
 * weight and arena addresses in it as it does for debug sections. */
#include "profile_layers.h"

  .section .mcusim.layers, "", %progbits
  .ascii "MLT1"
  .short 1                 /* version */
  .short 4                 /* layer_count */
  .short 96                /* record_size */
  .short MARKER_PORT
  .word arena
  .word ARENA_BYTES
  .word ARENA_LOWER_BOUND
  .word 0, 0

/* LAYER name, type, in_h, in_w, in_c, out_h, out_w, out_c, macs, weights, weight_bytes,
 *       in_off, out_off, out_bytes, scratch */
  .macro LAYER name, type, ih, iw, ic, oh, ow, oc, macs, weights, wbytes, inoff, outoff, outbytes, scratch
1: .ascii "\name"
2: .space 32 - (2b - 1b)
3: .ascii "\type"
4: .space 16 - (4b - 3b)
  .short \ih, \iw, \ic, \oh, \ow, \oc
  .word \macs, \weights, \wbytes, \inoff, \outoff, \outbytes, \scratch
  .word 0, 0
  .endm

  LAYER "stem.conv",       "conv2d",     16, 16, 1, 16, 16, 8,     L0_MACS, w_stem, L0_W_BYTES, L0_IN_OFF, L0_OUT_OFF, L0_OUT_BYTES, 0
  LAYER "stage1.dw",       "depthwise",  16, 16, 8, 8, 8, 8,       L1_MACS, w_dw,   L1_W_BYTES, L1_IN_OFF, L1_OUT_OFF, L1_OUT_BYTES, 0
  LAYER "stage1.pw",       "conv2d_1x1", 8, 8, 8, 8, 8, PW_C,      L2_MACS, w_pw,   L2_W_BYTES, L2_IN_OFF, L2_OUT_OFF, L2_OUT_BYTES, 0
  LAYER "head.fc",         "dense",      8, 8, PW_C, 1, 1, 4,      L3_MACS, w_fc,   L3_W_BYTES, L3_IN_OFF, L3_OUT_OFF, L3_OUT_BYTES, 0
