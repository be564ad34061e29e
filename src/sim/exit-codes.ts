/**
 * `mcusim run` exit codes. The firmware's own exit code (semihosting SYS_EXIT / EXIT_EXTENDED) is
 * passed through unchanged, as qemu-system-arm -semihosting does; the simulator's own outcomes use
 * the codes below (documented in README.md). A firmware that exits with one of these numbers is
 * indistinguishable by code alone; the stderr summary says which it was.
 */
export const EXIT = {
  /** Bad command line or unreadable input file. */
  usage: 2,
  /** 10-15: the ELF cannot run (see src/elf/errors.ts). */
  /** The core locked up: a fault with no handler able to take it (QEMU aborts here). */
  lockup: 20,
  /** --max-cycles or --max-instructions reached before the firmware exited. */
  limit: 21,
  /** --timeout (wall-clock seconds) reached. */
  timeout: 22,
  /** The firmware stopped without exiting: WFI with no interrupt source, or BKPT with no debugger. */
  stopped: 23,
  /** A simulator bug (an internal error); the message names the PC. */
  internal: 70,
} as const;
