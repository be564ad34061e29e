#include "postprocess.h"
#include <math.h>

#define VARIANCE_CENTRE 0.1f
#define VARIANCE_SIZE 0.2f
/* ln(1000 / 16): a box at most 62.5 times its anchor (MAX_LOG_SCALE in src/nn/detect/codec.ts). */
#define MAX_LOG_SCALE 4.1351665567f

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static float iou(const detection_t *a, const detection_t *b) {
  float x1 = fmaxf(a->x, b->x), y1 = fmaxf(a->y, b->y);
  float x2 = fminf(a->x + a->w, b->x + b->w), y2 = fminf(a->y + a->h, b->y + b->h);
  float inter = fmaxf(0.0f, x2 - x1) * fmaxf(0.0f, y2 - y1);
  float uni = a->w * a->h + b->w * b->h - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}

/* Candidates above the threshold, in anchor order (scales in order, then y, x, anchor). */
static int candidates(const head_output_t *heads, int head_count, const postprocess_config_t *cfg,
                      detection_t *out, int cap) {
  int n = 0;
  const int values = 4 + cfg->classes;
  /* sigmoid(v) >= t  <=>  v >= logit(t); 0.5 -> 0 keeps the integer comparison exact. */
  const float logit_threshold = logf(cfg->score_threshold / (1.0f - cfg->score_threshold));
  for (int s = 0; s < head_count; s++) {
    const head_output_t *h = &heads[s];
    const float stride_x = (float)cfg->input_w / h->feature_w, stride_y = (float)cfg->input_h / h->feature_h;
    for (int y = 0; y < h->feature_h; y++) {
      for (int x = 0; x < h->feature_w; x++) {
        for (int a = 0; a < h->anchors; a++) {
          const int8_t *d = h->data + ((y * h->feature_w + x) * h->anchors + a) * values;
          for (int k = 0; k < cfg->classes; k++) {
            float logit = (float)(d[4 + k] - h->zero_point) * h->scale;
            if (logit < logit_threshold) continue;
            float aw = h->anchor_wh[a][0], ah = h->anchor_wh[a][1];
            float cx = (x + 0.5f) * stride_x + (float)(d[0] - h->zero_point) * h->scale * VARIANCE_CENTRE * aw;
            float cy = (y + 0.5f) * stride_y + (float)(d[1] - h->zero_point) * h->scale * VARIANCE_CENTRE * ah;
            float w = aw * expf(fminf((float)(d[2] - h->zero_point) * h->scale * VARIANCE_SIZE, MAX_LOG_SCALE));
            float hh = ah * expf(fminf((float)(d[3] - h->zero_point) * h->scale * VARIANCE_SIZE, MAX_LOG_SCALE));
            float x1 = clampf(cx - w / 2, 0.0f, cfg->input_w), y1 = clampf(cy - hh / 2, 0.0f, cfg->input_h);
            float x2 = clampf(cx + w / 2, 0.0f, cfg->input_w), y2 = clampf(cy + hh / 2, 0.0f, cfg->input_h);
            if (x2 <= x1 || y2 <= y1 || n >= cap) continue;
            out[n++] = (detection_t){x1, y1, x2 - x1, y2 - y1, 1.0f / (1.0f + expf(-logit)), (uint16_t)k};
          }
        }
      }
    }
  }
  return n;
}

int postprocess(const head_output_t *heads, int head_count, const postprocess_config_t *cfg,
                detection_t *scratch, int scratch_len, detection_t *out) {
  int n = candidates(heads, head_count, cfg, scratch, scratch_len);
  /* Stable insertion sort by descending score (ties keep anchor order, as the host's nms does). */
  for (int i = 1; i < n; i++) {
    detection_t t = scratch[i];
    int j = i - 1;
    while (j >= 0 && scratch[j].score < t.score) {
      scratch[j + 1] = scratch[j];
      j--;
    }
    scratch[j + 1] = t;
  }
  int kept = 0;
  for (int i = 0; i < n && kept < cfg->max_detections; i++) {
    int suppressed = 0;
    for (int j = 0; j < kept && !suppressed; j++) {
      suppressed = out[j].cls == scratch[i].cls && iou(&out[j], &scratch[i]) > cfg->nms_iou;
    }
    if (!suppressed) out[kept++] = scratch[i];
  }
  return kept;
}
