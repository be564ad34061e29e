/**
 * Arm semihosting (Semihosting for AArch32 and AArch64, v2.0; BKPT 0xAB on M-profile): every
 * operation newlib's rdimon uses. Answers are shaped to match qemu-system-arm 7.2 where a program can
 * observe them (GET_CMDLINE = "<elf path> <args>", HEAPINFO placement, handle numbering from 1, the
 * ":semihosting-features" file with EXIT_EXTENDED and STDOUT_STDERR), so the same ELF prints the same
 * bytes and exits with the same code in both. Host file access is confined to `root` (the working
 * directory) unless the user allows more.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cpu } from '../cpu/cpu.js';
import { hostRealPath, isInside } from './host-path.js';

export const SYS = {
  OPEN: 0x01, CLOSE: 0x02, WRITEC: 0x03, WRITE0: 0x04, WRITE: 0x05, READ: 0x06, READC: 0x07,
  ISERROR: 0x08, ISTTY: 0x09, SEEK: 0x0a, FLEN: 0x0c, TMPNAM: 0x0d, REMOVE: 0x0e, RENAME: 0x0f,
  CLOCK: 0x10, TIME: 0x11, SYSTEM: 0x12, ERRNO: 0x13, GET_CMDLINE: 0x15, HEAPINFO: 0x16,
  EXIT: 0x18, EXIT_EXTENDED: 0x20, ELAPSED: 0x30, TICKFREQ: 0x31,
} as const;

/** ADP_Stopped_ApplicationExit: the "normal exit" reason code. */
export const ADP_STOPPED_APPLICATION_EXIT = 0x20026;

/** "SHFB" magic + feature byte: SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR. */
const FEATURES = Uint8Array.of(0x53, 0x48, 0x46, 0x42, 0x03);

/** newlib's errno numbers (sys/errno.h) for the host errors semihosting reports. */
const NEWLIB_ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EEXIST: 17, ENOTDIR: 20, EISDIR: 21,
  EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOSPC: 28, ESPIPE: 29, EROFS: 30, ENAMETOOLONG: 91,
};

export interface SemihostingOptions {
  /** argv[0] as the user named the ELF, then the program's arguments. */
  commandLine: string[];
  /** Directory relative paths resolve against; the default confinement root. */
  root: string;
  /** Allow paths outside `root` (absolute or with ..). */
  allowAnyPath: boolean;
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  /**
   * Up to `max` bytes of the firmware's stdin (READ on the :tt handle, READC); an empty array is end
   * of file. Called only when the firmware reads, so an interactive terminal works line by line.
   */
  stdin: (max: number) => Uint8Array;
  /** Heap/stack placement answered by HEAPINFO: [heapBase, heapLimit, stackBase, stackLimit]. */
  heapInfo: [number, number, number, number];
  /** Simulated core clock, for CLOCK/ELAPSED/TICKFREQ (time follows the simulation, not the host). */
  clockHz: () => number;
  /** Warnings (denied paths) for mcusim's own summary. */
  warn: (message: string) => void;
}

type Handle =
  | { kind: 'stdin' | 'stdout' | 'stderr' }
  | { kind: 'file'; fd: number; pos: number; path: string }
  | { kind: 'features'; pos: number };

export class Semihosting {
  exitCode: number | undefined;
  private readonly handles = new Map<number, Handle>();
  private lastErrno = 0;
  private stdinEof = false;

  constructor(private readonly opts: SemihostingOptions) {}

  /** The BKPT hook: returns false for BKPTs that are not semihosting calls. */
  readonly onBreakpoint = (cpu: Cpu, imm8: number): boolean => {
    if (imm8 !== 0xab) return false;
    cpu.r[0] = this.call(cpu, cpu.r[0]!, cpu.r[1]!) >>> 0;
    return true;
  };

  private call(cpu: Cpu, op: number, arg: number): number {
    const word = (k: number) => cpu.bus.read(arg + 4 * k, 4);
    switch (op) {
      case SYS.OPEN: return this.open(cpu, this.readString(cpu, word(0), word(2)), word(1));
      case SYS.CLOSE: return this.close(word(0));
      case SYS.WRITEC: this.opts.stdout(Uint8Array.of(cpu.bus.read(arg, 1))); return 0;
      case SYS.WRITE0: this.opts.stdout(this.readCString(cpu, arg)); return 0;
      case SYS.WRITE: return this.write(cpu, word(0), word(1), word(2));
      case SYS.READ: return this.read(cpu, word(0), word(1), word(2));
      case SYS.READC: {
        const b = new Uint8Array(1);
        return this.readStdin(b) === 1 ? b[0]! : -1;
      }
      case SYS.ISERROR: return (word(0) | 0) < 0 ? 1 : 0;
      case SYS.ISTTY: {
        const h = this.handles.get(word(0));
        if (!h) return this.fail('EBADF');
        return h.kind === 'stdin' || h.kind === 'stdout' || h.kind === 'stderr' ? 1 : 0;
      }
      case SYS.SEEK: return this.seek(word(0), word(1));
      case SYS.FLEN: return this.flen(word(0));
      case SYS.TMPNAM: {
        const name = Buffer.from(`/tmp/mcusim-${process.pid}-${word(1) & 0xff}.tmp\0`);
        if (name.length > word(2)) return -1;
        name.forEach((b, k) => cpu.bus.write(word(0) + k, 1, b));
        return 0;
      }
      case SYS.REMOVE: return this.hostCall(() => fs.unlinkSync(this.resolve(this.readString(cpu, word(0), word(1)), false)));
      case SYS.RENAME:
        return this.hostCall(() =>
          fs.renameSync(
            this.resolve(this.readString(cpu, word(0), word(1)), false),
            this.resolve(this.readString(cpu, word(2), word(3)), false),
          ),
        );
      case SYS.CLOCK: return Math.floor((cpu.cycles * 100) / this.opts.clockHz());
      case SYS.TIME: return Math.floor(Date.now() / 1000);
      case SYS.SYSTEM: return -1; // running host commands from firmware is never allowed
      case SYS.ERRNO: return this.lastErrno;
      case SYS.GET_CMDLINE: {
        const line = Buffer.from(this.opts.commandLine.join(' '));
        const capacity = word(1);
        if (line.length + 1 > capacity) return -1;
        line.forEach((b, k) => cpu.bus.write(word(0) + k, 1, b));
        cpu.bus.write(word(0) + line.length, 1, 0);
        cpu.bus.write(arg + 4, 4, line.length);
        return 0;
      }
      case SYS.HEAPINFO: {
        const block = cpu.bus.read(arg, 4);
        this.opts.heapInfo.forEach((v, k) => cpu.bus.write(block + 4 * k, 4, v));
        return 0;
      }
      case SYS.EXIT: {
        // AArch32: r1 holds the reason itself; only ApplicationExit counts as success (QEMU: 0 else 1).
        this.exit(cpu, arg === ADP_STOPPED_APPLICATION_EXIT ? 0 : 1);
        return 0;
      }
      case SYS.EXIT_EXTENDED: {
        const reason = word(0);
        this.exit(cpu, reason === ADP_STOPPED_APPLICATION_EXIT ? word(1) : 1);
        return 0;
      }
      case SYS.ELAPSED: {
        const ticks = cpu.cycles;
        cpu.bus.write(arg, 4, ticks % 2 ** 32);
        cpu.bus.write(arg + 4, 4, Math.floor(ticks / 2 ** 32));
        return 0;
      }
      case SYS.TICKFREQ: return this.opts.clockHz();
      default:
        this.opts.warn(`semihosting operation 0x${op.toString(16)} is not supported; returned -1`);
        return -1;
    }
  }

  private exit(cpu: Cpu, code: number): void {
    this.exitCode = code | 0;
    cpu.halted = true;
    cpu.stopReason = 'exit';
  }

  private allocHandle(h: Handle): number {
    let k = 1;
    while (this.handles.has(k)) k++;
    this.handles.set(k, h);
    return k;
  }

  private open(cpu: Cpu, name: string, mode: number): number {
    void cpu;
    if (name === ':tt') {
      // Modes 0-3 read (stdin), 4-7 write (stdout), 8-11 append (stderr, with STDOUT_STDERR).
      return this.allocHandle({ kind: mode < 4 ? 'stdin' : mode < 8 ? 'stdout' : 'stderr' });
    }
    if (name === ':semihosting-features') {
      if (mode >= 4) return this.fail('EACCES');
      return this.allocHandle({ kind: 'features', pos: 0 });
    }
    const flags = ['r', 'r', 'r+', 'r+', 'w', 'w', 'w+', 'w+', 'a', 'a', 'a+', 'a+'][mode];
    if (!flags) return this.fail('EINVAL');
    let resolved: string;
    try {
      resolved = this.resolve(name);
    } catch {
      return this.fail('EACCES');
    }
    try {
      const fd = fs.openSync(resolved, flags);
      return this.allocHandle({ kind: 'file', fd, pos: flags.startsWith('a') ? fs.fstatSync(fd).size : 0, path: resolved });
    } catch (e) {
      return this.fail((e as NodeJS.ErrnoException).code ?? 'EIO');
    }
  }

  private close(handle: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail('EBADF');
    this.handles.delete(handle);
    if (h.kind === 'file') fs.closeSync(h.fd);
    return 0;
  }

  /** Returns the number of bytes NOT written (0 = all). */
  private write(cpu: Cpu, handle: number, buf: number, len: number): number {
    const h = this.handles.get(handle);
    if (!h) {
      this.fail('EBADF');
      return len;
    }
    const data = cpu.bus.readBytes(buf, len);
    if (h.kind === 'stdout') this.opts.stdout(data);
    else if (h.kind === 'stderr') this.opts.stderr(data);
    else if (h.kind === 'file') {
      const n = fs.writeSync(h.fd, data, 0, len, h.pos);
      h.pos += n;
      return len - n;
    } else {
      this.fail('EBADF');
      return len;
    }
    return 0;
  }

  /** Returns the number of bytes NOT read (len = end of file). */
  private read(cpu: Cpu, handle: number, buf: number, len: number): number {
    const h = this.handles.get(handle);
    if (!h || h.kind === 'stdout' || h.kind === 'stderr') {
      this.fail('EBADF');
      return len;
    }
    const data = new Uint8Array(len);
    let n: number;
    if (h.kind === 'stdin') n = this.readStdin(data);
    else if (h.kind === 'features') {
      n = Math.max(0, Math.min(len, FEATURES.length - h.pos));
      data.set(FEATURES.subarray(h.pos, h.pos + n));
      h.pos += n;
    } else if (h.kind === 'file') {
      n = fs.readSync(h.fd, data, 0, len, h.pos);
      h.pos += n;
    } else {
      n = 0;
    }
    for (let k = 0; k < n; k++) cpu.bus.write(buf + k, 1, data[k]!);
    return len - n;
  }

  private readStdin(into: Uint8Array): number {
    if (this.stdinEof) return 0;
    const chunk = this.opts.stdin(into.length);
    if (chunk.length === 0) this.stdinEof = true;
    into.set(chunk.subarray(0, into.length));
    return Math.min(chunk.length, into.length);
  }

  private seek(handle: number, pos: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail('EBADF');
    if (h.kind === 'file' || h.kind === 'features') {
      h.pos = pos;
      return 0;
    }
    return this.fail('ESPIPE');
  }

  private flen(handle: number): number {
    const h = this.handles.get(handle);
    if (!h) return this.fail('EBADF');
    if (h.kind === 'file') return fs.fstatSync(h.fd).size;
    if (h.kind === 'features') return FEATURES.length;
    return this.fail('EINVAL');
  }

  private hostCall(fn: () => void): number {
    try {
      fn();
      return 0;
    } catch (e) {
      return this.fail((e as NodeJS.ErrnoException).code ?? 'EIO');
    }
  }

  private fail(code: string): number {
    this.lastErrno = NEWLIB_ERRNO[code] ?? NEWLIB_ERRNO.EIO!;
    return -1;
  }

  /**
   * Resolves a firmware path against the root; throws (EACCES) when its real location (symlinks
   * followed, src/mcu/host-path.ts) leaves the root and that is not allowed. `followLast` false for
   * REMOVE/RENAME, which act on a link itself.
   */
  private resolve(name: string, followLast = true): string {
    if (this.opts.allowAnyPath) return path.resolve(this.opts.root, name);
    const real = hostRealPath(this.opts.root, name, followLast);
    if (real === undefined || !isInside(fs.realpathSync(this.opts.root), real)) {
      this.opts.warn(`semihosting: denied access to '${name}' outside ${this.opts.root} (use --allow-fs to permit)`);
      const err = new Error('outside root') as NodeJS.ErrnoException;
      err.code = 'EACCES';
      throw err;
    }
    return real;
  }

  private readString(cpu: Cpu, addr: number, len: number): string {
    return Buffer.from(cpu.bus.readBytes(addr, len)).toString('latin1');
  }

  private readCString(cpu: Cpu, addr: number): Uint8Array {
    const bytes: number[] = [];
    for (let b = cpu.bus.read(addr, 1); b !== 0 && bytes.length < 1 << 20; b = cpu.bus.read(addr + bytes.length, 1)) bytes.push(b);
    return Uint8Array.from(bytes);
  }
}
