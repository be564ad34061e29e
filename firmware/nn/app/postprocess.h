/* Head decoding and NMS on the FPU: the firmware twin of src/nn/detect/postprocess.ts (sigmoid score
 * >= threshold, SSD box decode with variances 0.1/0.2 and the log-scale clamp, clip to the frame,
 * greedy per-class NMS, best first). */
#ifndef DETECTOR_POSTPROCESS_H
#define DETECTOR_POSTPROCESS_H
#include <stdint.h>

typedef struct {
  const int8_t *data;        /* NHWC [feature_h][feature_w][anchors * (4 + classes)] */
  uint16_t feature_h, feature_w, anchors;
  int32_t zero_point;        /* dequantised value = (q - zero_point) * scale */
  float scale;
  const float (*anchor_wh)[2]; /* per anchor of a location: width, height in input pixels */
} head_output_t;

typedef struct {
  float x, y, w, h, score;
  uint16_t cls;
} detection_t;

typedef struct {
  uint16_t input_w, input_h, classes;
  float score_threshold, nms_iou;
  uint16_t max_detections;
} postprocess_config_t;

/* Writes at most cfg->max_detections detections, best first; returns how many. `scratch` holds
 * `scratch_len` candidates (one per anchor and class above the threshold at most). */
int postprocess(const head_output_t *heads, int head_count, const postprocess_config_t *cfg,
                detection_t *scratch, int scratch_len, detection_t *out);
#endif
