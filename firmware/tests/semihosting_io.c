/* Arm semihosting file and system calls ("Semihosting for AArch32 and AArch64" v2, §5): first raw
 * (SYS_OPEN/WRITE/READ/SEEK/FLEN/ISTTY/CLOSE/RENAME/REMOVE/ERRNO/TIME/CLOCK/GET_CMDLINE), checking the
 * return conventions (WRITE and READ return the bytes *not* transferred), then through newlib's
 * stdio on top of them. Files are created in the working directory and removed again. Wall-clock
 * values differ between runs and simulators, so only their plausibility is printed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "semihost.h"

enum {
  SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A,
  SYS_FLEN = 0x0C, SYS_REMOVE = 0x0E, SYS_RENAME = 0x0F, SYS_CLOCK = 0x10, SYS_TIME = 0x11, SYS_ERRNO = 0x13,
  SYS_GET_CMDLINE = 0x15,
};
enum { MODE_R = 0, MODE_RB = 1, MODE_W = 4, MODE_WB = 5, MODE_RPLUS = 2 }; /* fopen modes "r" "rb" "w" "wb" "r+" */

static int32_t sh_open(const char *name, uint32_t mode) {
  uint32_t args[3] = {(uint32_t)name, mode, strlen(name)};
  return (int32_t)semihost_call(SYS_OPEN, args);
}
static uint32_t sh_fd_call(uint32_t op, int32_t fd) {
  uint32_t args[1] = {(uint32_t)fd};
  return semihost_call(op, args);
}
static uint32_t sh_rw(uint32_t op, int32_t fd, void *buf, uint32_t len) {
  uint32_t args[3] = {(uint32_t)fd, (uint32_t)buf, len};
  return semihost_call(op, args);
}

static const char text[] = "The quick brown fox jumps over the lazy dog.\n";

int main(void) {
  /* Raw calls. */
  int32_t fd = sh_open("mcusim_io_raw.txt", MODE_WB);
  printf("open for write: %s\n", fd > 0 ? "ok" : "failed");
  printf("write returns %lu\n", (unsigned long)sh_rw(SYS_WRITE, fd, (void *)text, sizeof text - 1));
  printf("istty(file): %lu\n", (unsigned long)sh_fd_call(SYS_ISTTY, fd));
  printf("flen after write: %lu\n", (unsigned long)sh_fd_call(SYS_FLEN, fd));
  printf("close: %lu\n", (unsigned long)sh_fd_call(SYS_CLOSE, fd));

  fd = sh_open("mcusim_io_raw.txt", MODE_RB);
  char buf[80] = {0};
  uint32_t seek_args[2] = {(uint32_t)fd, 16};
  printf("seek: %lu\n", (unsigned long)semihost_call(SYS_SEEK, seek_args));
  printf("read 9 returns %lu: ", (unsigned long)sh_rw(SYS_READ, fd, buf, 9));
  printf("[%s]\n", buf);
  memset(buf, 0, sizeof buf);
  printf("read past end returns %lu of 50\n", (unsigned long)sh_rw(SYS_READ, fd, buf, 50));
  buf[strcspn(buf, "\n")] = 0;
  printf("tail: [%s]\n", buf);
  sh_fd_call(SYS_CLOSE, fd);

  const char *old_name = "mcusim_io_raw.txt", *new_name = "mcusim_io_renamed.txt";
  uint32_t rename_args[4] = {(uint32_t)old_name, strlen(old_name), (uint32_t)new_name, strlen(new_name)};
  printf("rename: %lu\n", (unsigned long)semihost_call(SYS_RENAME, rename_args));
  printf("open old name: %s\n", sh_open(old_name, MODE_R) == -1 ? "fails" : "opens");
  printf("errno after failed open: %lu\n", (unsigned long)semihost_call(SYS_ERRNO, NULL));
  uint32_t remove_args[2] = {(uint32_t)new_name, strlen(new_name)};
  printf("remove: %lu\n", (unsigned long)semihost_call(SYS_REMOVE, remove_args));
  printf("open removed: %s\n", sh_open(new_name, MODE_R) == -1 ? "fails" : "opens");

  /* ISTTY on ":tt" is not printed: QEMU answers with isatty() of its own stdout, a pipe under test. */
  int32_t tt = sh_open(":tt", MODE_W);
  fflush(stdout);
  sh_rw(SYS_WRITE, tt, "written to the :tt handle\n", 26);

  uint32_t t = semihost_call(SYS_TIME, NULL);
  uint32_t c1 = semihost_call(SYS_CLOCK, NULL), c2 = semihost_call(SYS_CLOCK, NULL);
  printf("time plausible: %d clock monotonic: %d\n", t > 1600000000u, (int32_t)c1 >= 0 && c2 >= c1);
  printf("time() agrees: %d\n", (uint32_t)time(NULL) - t < 5u);

  char cmdline[128];
  uint32_t cmd_args[2] = {(uint32_t)cmdline, sizeof cmdline};
  uint32_t cmd_ok = semihost_call(SYS_GET_CMDLINE, cmd_args);
  const char *space = strchr(cmdline, ' ');
  printf("cmdline: status %lu, after argv[0]: [%s]\n", (unsigned long)cmd_ok, space ? space + 1 : "");

  /* The same through newlib stdio. */
  FILE *f = fopen("mcusim_io_stdio.txt", "w+");
  CHECK(f != NULL);
  for (int i = 0; i < 10; i++) fprintf(f, "line %d: %d\n", i, i * i);
  printf("ftell after writes: %ld\n", ftell(f));
  fseek(f, 0, SEEK_SET);
  char line[64];
  int lines = 0, last_square = -1;
  while (fgets(line, sizeof line, f)) {
    int n, sq;
    if (sscanf(line, "line %d: %d", &n, &sq) == 2) last_square = sq;
    lines++;
  }
  printf("lines read back: %d last square: %d\n", lines, last_square);
  fseek(f, -6, SEEK_END);
  if (!fgets(line, sizeof line, f)) strcpy(line, "(eof)");
  line[strcspn(line, "\n")] = 0;
  printf("fseek SEEK_END -6 then fgets: [%s]\n", line);
  fclose(f);
  /* newlib implements rename() as link() + unlink(), and librdimon has no link(): it fails. */
  printf("rename(): %d\n", rename("mcusim_io_stdio.txt", "mcusim_io_stdio2.txt"));
  printf("remove(): %d\n", remove("mcusim_io_stdio.txt"));
  errno = 0;
  FILE *missing = fopen("mcusim_io_stdio.txt", "r");
  printf("fopen removed: %s errno=%s\n", missing ? "opened" : "NULL", errno == ENOENT ? "ENOENT" : "other");

  char input[64];
  if (fgets(input, sizeof input, stdin))
    printf("stdin: %s", input);
  else
    printf("stdin: (eof)\n");
  CHECK_EQ(lines, 10);
  return check_exit("semihosting_io");
}
