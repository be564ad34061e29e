/* Reads TFRM frame files (firmware/frames/README.md) through semihosting (newlib stdio over
 * SYS_OPEN/SYS_FLEN/SYS_READ), one frame at a time into a caller's buffer. */
#ifndef DETECTOR_FRAME_READER_H
#define DETECTOR_FRAME_READER_H
#include <stdint.h>
#include <stdio.h>

typedef struct {
  FILE *file;
  const char *path;
  uint16_t width, height;
  uint32_t count;
  uint32_t next;
} frame_reader_t;

/* Opens and checks the header against the model input size; on a bad file writes one line
 * `detector: <path>: <field>: <problem>` to `err` and returns 0. */
int frame_reader_open(frame_reader_t *r, const char *path, uint16_t width, uint16_t height, FILE *err);

/* Reads the next frame (width*height int16 centi-degrees); 0 at the end or on a short read
 * (then an error line has been written and `*failed` is set). */
int frame_reader_next(frame_reader_t *r, int16_t *pixels, int *failed, FILE *err);

void frame_reader_close(frame_reader_t *r);
#endif
