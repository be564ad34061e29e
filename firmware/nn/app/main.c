/* The int8 thermal person detector (firmware/nn/README.md): reads TFRM frames through semihosting
 * from argv[1] (default firmware/frames/sample.bin), runs the generated model on each with frame
 * markers around inference and layer markers inside it (markers.h), decodes the heads and prints
 * one line per frame:
 *   frame <k>: <n> people: (x,y,w,h,score) ...
 * boxes in input pixels (top-left corner, size) with one decimal, score with two, best first.
 * `--raw` after the frame file (or building with -DDETECTOR_PRINT_RAW=1) also prints each frame's
 * int8 head outputs before its detections, as `raw <k>: ` then two hex digits per byte, heads in
 * the graph's output order (p2 first), each head NHWC: what the host int8 reference computes.
 * Exit 0 at the end of the input; a bad frame file gives one line on stderr and exit 1. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "board_config.h"
#include "frame_reader.h"
#include "markers.h"
#include "model.h"
#include "normalise.h"
#include "postprocess.h"

#ifndef DETECTOR_PRINT_RAW
#define DETECTOR_PRINT_RAW 0
#endif
#define DEFAULT_FRAMES "firmware/frames/sample.bin"
#define MAX_DETECTIONS 20

void board_clock_init(void);

/* The frame buffer and the candidates live in the arena (model.h), at steps no layer uses them. */
static detection_t detections[MAX_DETECTIONS];

static const postprocess_config_t postprocess_config = {
    MODEL_INPUT_W, MODEL_INPUT_H, MODEL_CLASSES, 0.5f, 0.45f, MAX_DETECTIONS,
};

static void print_raw(uint32_t frame) {
  static const char digits[] = "0123456789abcdef";
  char buf[2 * 64 + 1];
  iprintf("raw %lu: ", (unsigned long)frame);
  for (int h = 0; h < MODEL_HEAD_COUNT; h++) {
    const head_output_t *head = &model_heads[h];
    uint32_t bytes = (uint32_t)head->feature_h * head->feature_w * head->anchors * (4u + MODEL_CLASSES);
    for (uint32_t i = 0; i < bytes; i += 64) {
      uint32_t n = bytes - i < 64 ? bytes - i : 64, k = 0;
      for (uint32_t j = 0; j < n; j++) {
        uint8_t b = (uint8_t)head->data[i + j];
        buf[k++] = digits[b >> 4];
        buf[k++] = digits[b & 15];
      }
      buf[k] = 0;
      fputs(buf, stdout);
    }
  }
  fputc('\n', stdout);
}

/* v >= 0 with `decimals` (1 or 2) digits after the point, without printf's float support. */
static void print_fixed(float v, int decimals) {
  long scale = decimals == 1 ? 10 : 100;
  long n = lrintf(v * (float)scale);
  iprintf(decimals == 1 ? "%ld.%01ld" : "%ld.%02ld", n / scale, n % scale);
}

static void print_detections(uint32_t frame, const detection_t *d, int n) {
  iprintf("frame %lu: %d %s", (unsigned long)frame, n, n == 1 ? "person" : "people");
  for (int i = 0; i < n; i++) {
    fputs(i == 0 ? ": (" : " (", stdout);
    print_fixed(d[i].x, 1);
    fputc(',', stdout);
    print_fixed(d[i].y, 1);
    fputc(',', stdout);
    print_fixed(d[i].w, 1);
    fputc(',', stdout);
    print_fixed(d[i].h, 1);
    fputc(',', stdout);
    print_fixed(d[i].score, 2);
    fputc(')', stdout);
  }
  fputc('\n', stdout);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : DEFAULT_FRAMES;
  int raw = DETECTOR_PRINT_RAW;
  for (int i = 2; i < argc; i++) raw |= strcmp(argv[i], "--raw") == 0;
  board_clock_init();
  frame_reader_t reader;
  if (!frame_reader_open(&reader, path, MODEL_INPUT_W, MODEL_INPUT_H, stderr)) return 1;
  for (uint32_t frame = 0;; frame++) {
    int failed;
    if (!frame_reader_next(&reader, MODEL_FRAME_BUFFER, &failed, stderr)) {
      if (failed) return 1;
      break;
    }
    normalise_frame(MODEL_FRAME_BUFFER, MODEL_INPUT_H * MODEL_INPUT_W, MODEL_INPUT_SUBTRACT_MEAN, MODEL_INPUT_CENTI_PER_STEP,
                    MODEL_INPUT_ZERO_POINT, MODEL_INPUT);
    marker(MARKER_FRAME_START | frame);
    model_run();
    marker(MARKER_FRAME_END | frame);
    if (raw) print_raw(frame);
    int n = postprocess(model_heads, MODEL_HEAD_COUNT, &postprocess_config, MODEL_CANDIDATES, MODEL_MAX_CANDIDATES, detections);
    print_detections(frame, detections, n);
  }
  frame_reader_close(&reader);
  return 0;
}
