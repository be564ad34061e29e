// Runs an ELF in QEMU 7.2 `mps2-an386` (Cortex-M4 with FPU), our functional oracle, with Arm
// semihosting to the host (target=native): the firmware's stdout is QEMU's stdout, stdin feeds
// SYS_READ/SYS_READC, and SYS_EXIT_EXTENDED's code is QEMU's exit status. Serial and monitor are
// off so nothing else reaches stdout (facts checked in isa/TIMING.md §10).
import { spawnCaptured, type CapturedRun } from './spawn.js';

export interface QemuOptions {
  /** Command-line arguments after argv[0]; SYS_GET_CMDLINE answers `<elf> <args...>`. */
  args?: string[];
  stdin?: Buffer | string;
  timeoutMs: number;
  /** Working directory: semihosting SYS_OPEN resolves relative names against it. */
  cwd?: string;
  /** Extra QEMU options (e.g. `-icount shift=0`). */
  extraQemuArgs?: string[];
}

/** stdout, stderr, exit status (-1 when killed on timeout) and whether the run timed out. */
export type QemuResult = CapturedRun;

/** QEMU splits -semihosting-config on commas; a literal comma is written twice. */
function escapeOption(value: string): string {
  return value.replaceAll(',', ',,');
}

export function qemuCommand(elf: string, opts: Pick<QemuOptions, 'args' | 'extraQemuArgs'> = {}): string[] {
  const semihosting = ['enable=on', 'target=native', ...[elf, ...(opts.args ?? [])].map((a) => `arg=${escapeOption(a)}`)];
  return [
    '-M', 'mps2-an386',
    '-cpu', 'cortex-m4',
    '-nographic',
    '-monitor', 'none',
    '-serial', 'none',
    '-semihosting-config', semihosting.join(','),
    ...(opts.extraQemuArgs ?? []),
    '-kernel', elf,
  ];
}

export function runQemu(elf: string, opts: QemuOptions): Promise<QemuResult> {
  return spawnCaptured('qemu-system-arm', 'qemu-system-arm', qemuCommand(elf, opts), opts);
}
