/* The int8 runtime kernels of the detector for the Cortex-M4 (ARMv7E-M DSP: SMLAD, SXTB16, SSUB8/SEL).
 * Bit for bit the host reference src/nn/quant/int8-ops.ts (firmware/nn/README.md, "int8 arithmetic");
 * tests and cycle figures: firmware/nn/kernels/README.md.
 *
 * Conventions for every kernel:
 *  - maps are NHWC int8, batch 1; `*_stride` is the distance in bytes between two pixels (>= the
 *    channel count). A kernel can therefore read or write a channel slice of a wider map: the code
 *    generator places a concat's inputs inside the concat's buffer (out = base + channel offset,
 *    out_stride = concat channels) and no copy is needed; nn_copy_channels_s8 is the copy otherwise.
 *  - the weight product kernels (nn_conv2d_s8, nn_dwconv_s8) are `static inline` and always inlined:
 *    call them with literal shapes (src/codegen does) and gcc specialises each call site.
 *  - weights and per-channel requantisation records come from src/codegen/kernel-packing.ts.
 *  - input and output buffers must not overlap.
 *  - maps with 4-byte aligned base and stride, and channels % 4 == 0, take the word-wide paths; any
 *    other shape is still computed exactly, byte by byte.
 */
#ifndef NN_KERNELS_H
#define NN_KERNELS_H
#include <stdint.h>
#include "nn_requant.h"
#include "nn_conv.h"
#include "nn_dwconv.h"
#include "nn_pool.h"

/* Dense conv (nn_conv.h):
 *   nn_conv2d_s8(in, in_h, in_w, cin, in_stride, weights, chan, cout, kh, kw, stride, pad_h, pad_w,
 *                out, out_h, out_w, out_stride, zin, zout, act_min, act_max, scratch)
 * scratch: NN_CONV_SCRATCH_BYTES(NN_ROUND4(cout), NN_CONV_KP(cin, kh, kw)) bytes, 4-byte aligned.
 * Depthwise conv (nn_dwconv.h):
 *   nn_dwconv_s8(in, in_h, in_w, c, in_stride, weights, chan, kh, kw, stride, pad_h, pad_w,
 *                out, out_h, out_w, out_stride, zin, zout, act_min, act_max, scratch)
 * scratch: NN_DW_SCRATCH_BYTES(in_h, in_w, c, kh, kw, pad_h, pad_w, out_h, out_w) bytes, 4-byte aligned.
 * src/codegen/kernel-packing.ts returns both sizes as PackedLayer.scratchBytes. A layer's scratch is
 * needed during its own call only. */

/* Max over the window's positions inside the map (padding never wins), nn_pool.h:
 *   nn_maxpool_s8(in, in_h, in_w, c, in_stride, k, stride, pad, out, out_h, out_w, out_stride) */

/* [h,w,c] -> [c]: kind_max 0 = roundHalfAwayDiv(sum, h*w), 1 = max. */
void nn_global_pool_s8(const int8_t *in, int h, int w, int c, int in_stride, int kind_max, int8_t *out);

/* [h,w,c] -> [h,w,2] (dense): mean over c (rounded half away from zero), max over c. */
void nn_channel_mean_max_s8(const int8_t *in, int h, int w, int c, int in_stride, int8_t *out);

/* out[i] = lut[in[i] + 128] over n contiguous bytes (the sigmoid table). */
void nn_lut_s8(const int8_t *in, int n, const int8_t *lut, int8_t *out);

/* out = clamp(zout + requantize((x - zx) * (g - zg), mult, shift)); gate per channel ([c],
 * per_pixel 0) or per pixel ([h*w], per_pixel 1). */
void nn_mul_s8(const int8_t *x, int h, int w, int c, int x_stride, const int8_t *gate, int per_pixel,
               int32_t zx, int32_t zg, int32_t zout, int32_t mult, int32_t shift, int32_t act_min,
               int32_t act_max, int8_t *out, int out_stride);

/* arm_elementwise_add_s8 on n contiguous bytes. */
typedef struct {
  int32_t za, zb, zout;
  int32_t left_shift;
  int32_t mult1, shift1, mult2, shift2, mult_out, shift_out;
  int32_t act_min, act_max;
} nn_add_params_t;
void nn_add_s8(const int8_t *a, const int8_t *b, int n, const nn_add_params_t *p, int8_t *out);

/* Copies c channels of each pixel (a concat input into its slice, when it was not written in place). */
void nn_copy_channels_s8(const int8_t *in, int pixels, int c, int in_stride, int8_t *out, int out_stride);

/* Nearest resize: output row oy reads input row min(in_h - 1, oy * in_h / out_h), columns alike
 * (2x upsample and strided 2x downsample). */
void nn_resize_nearest_s8(const int8_t *in, int in_h, int in_w, int c, int in_stride, int8_t *out, int out_h,
                          int out_w, int out_stride);

#endif
