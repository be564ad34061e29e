// Runs a child process to completion for the simulator drivers: feeds stdin, collects stdout and stderr,
// and kills it when it overruns its time.
import { spawn } from 'node:child_process';

export interface CapturedRun {
  stdout: Buffer;
  stderr: Buffer;
  /** The process's exit status (the firmware's exit code), or -1 when it was killed on timeout. */
  exitCode: number;
  timedOut: boolean;
}

export interface CaptureOptions {
  cwd?: string;
  stdin?: Buffer | string;
  timeoutMs: number;
}

/** Spawns `command args`; `name` goes into the error when the process cannot start. */
export function spawnCaptured(name: string, command: string, args: string[], opts: CaptureOptions): Promise<CapturedRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
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
      reject(new Error(`cannot start ${name}: ${e.message}`));
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
