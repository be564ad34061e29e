/* TFRM reader: 16-byte header ("TFRM", u16 width, u16 height, u32 count, u32 flags = 0), then
 * count frames of width*height little-endian int16; the file size must be exactly
 * 16 + count*width*height*2 (the same checks as decodeFrameFile in src/nn/data/frame-file.ts). */
#include "frame_reader.h"
#include <string.h>

#define HEADER_BYTES 16u

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

static int fail(frame_reader_t *r, FILE *err, const char *what) {
  fflush(stdout);
  fiprintf(err, "detector: %s: %s\n", r->path, what);
  fflush(err);
  if (r->file) fclose(r->file);
  r->file = NULL;
  return 0;
}

int frame_reader_open(frame_reader_t *r, const char *path, uint16_t width, uint16_t height, FILE *err) {
  memset(r, 0, sizeof *r);
  r->path = path;
  r->file = fopen(path, "rb");
  if (!r->file) return fail(r, err, "cannot open");
  uint8_t h[HEADER_BYTES];
  if (fread(h, 1, HEADER_BYTES, r->file) != HEADER_BYTES) return fail(r, err, "header: shorter than the 16-byte TFRM header");
  if (memcmp(h, "TFRM", 4) != 0) return fail(r, err, "magic: expected \"TFRM\"");
  r->width = (uint16_t)le16(h + 4);
  r->height = (uint16_t)le16(h + 6);
  r->count = le32(h + 8);
  if (le32(h + 12) != 0) return fail(r, err, "flags: reserved, must be 0");
  if (r->width != width || r->height != height) {
    char msg[80];
    sniprintf(msg, sizeof msg, "size: frames are %ux%u, the model takes %ux%u", r->width, r->height, width, height);
    return fail(r, err, msg);
  }
  /* SYS_FLEN through fseek/ftell: the file must hold exactly `count` frames. */
  uint32_t frame_bytes = (uint32_t)width * height * 2u;
  if (fseek(r->file, 0, SEEK_END) != 0) return fail(r, err, "cannot seek");
  long size = ftell(r->file);
  if (size < 0 || (uint32_t)size != HEADER_BYTES + r->count * frame_bytes || r->count > (0xFFFFFFFFu - HEADER_BYTES) / frame_bytes) {
    return fail(r, err, "count: header and file size disagree");
  }
  if (fseek(r->file, (long)HEADER_BYTES, SEEK_SET) != 0) return fail(r, err, "cannot seek");
  return 1;
}

int frame_reader_next(frame_reader_t *r, int16_t *pixels, int *failed, FILE *err) {
  *failed = 0;
  if (!r->file || r->next >= r->count) return 0;
  size_t n = (size_t)r->width * r->height;
  if (fread(pixels, 2, n, r->file) != n) {
    *failed = 1;
    return fail(r, err, "frames: short read");
  }
  r->next++;
  return 1;
}

void frame_reader_close(frame_reader_t *r) {
  if (r->file) fclose(r->file);
  r->file = NULL;
}
