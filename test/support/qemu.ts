// Runs an ELF in QEMU 7.2 `mps2-an386` (Cortex-M4 with FPU), our functional oracle, with Arm
// semihosting to the host (target=native): the firmware's stdout is QEMU's stdout, stdin feeds
// SYS_READ/SYS_READC, and SYS_EXIT_EXTENDED's code is QEMU's exit status. Serial and monitor are
// off so nothing else reaches stdout (facts checked in shared/reference/STM32-FLASH-AND-QEMU.md §5).
import { spawn } from 'node:child_process';

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

export interface QemuResult {
  stdout: Buffer;
  stderr: Buffer;
  /** QEMU's exit status (the firmware's exit code), or -1 when it was killed on timeout. */
  exitCode: number;
  timedOut: boolean;
}

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
  return new Promise((resolvePromise, reject) => {
    const child = spawn('qemu-system-arm', qemuCommand(elf, opts), {
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start qemu-system-arm: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        exitCode: timedOut || code === null ? -1 : code,
        timedOut,
      });
    });
    child.stdin.on('error', () => {
      // The firmware may exit without reading its input; a broken pipe then is not an error.
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
