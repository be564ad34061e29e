/* Prints the semihosting command line as newlib's rdimon crt0 splits it into argv (SYS_GET_CMDLINE),
 * and exits with argc. argv[0] is the ELF's path; only its file name is printed, so the output does
 * not depend on where the test put the ELF. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
  printf("argc: %d\n", argc);
  printf("argv[0]: %s\n", argc > 0 ? (slash ? slash + 1 : argv[0]) : "(none)");
  for (int i = 1; i < argc; i++) printf("argv[%d]: %s\n", i, argv[i]);
  return argc;
}
