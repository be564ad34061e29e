// Host-file confinement of semihosting (issue 12 §5): decided on real paths, so a symlink inside the
// working directory that leads outside is refused like an absolute path or `..`, while names that
// only look like `..` (a file called `..notes`) and links that stay inside are allowed. The calls go
// through the Semihosting class as firmware makes them (SYS_OPEN/WRITE/READ/REMOVE/RENAME with a
// parameter block in memory), and the files on disk are checked afterwards.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYS, Semihosting } from '../../src/mcu/semihosting.js';
import { hostRealPath } from '../../src/mcu/host-path.js';
import type { Cpu } from '../../src/cpu/cpu.js';

const EACCES = 13;

/** Just enough of a core for semihosting: registers and 64 KB of little-endian memory at 0. */
function fakeCpu(): Cpu {
  const mem = new Uint8Array(0x10000);
  const dv = new DataView(mem.buffer);
  const bus = {
    read: (a: number, w: 1 | 2 | 4) => (w === 4 ? dv.getUint32(a, true) : w === 2 ? dv.getUint16(a, true) : mem[a]!),
    write: (a: number, w: 1 | 2 | 4, v: number) => (w === 4 ? dv.setUint32(a, v, true) : w === 2 ? dv.setUint16(a, v, true) : (mem[a] = v)),
    readBytes: (a: number, n: number) => mem.slice(a, a + n),
  };
  return { r: new Uint32Array(16), bus } as unknown as Cpu;
}

class Firmware {
  readonly cpu = fakeCpu();
  readonly warnings: string[] = [];
  readonly sh: Semihosting;
  constructor(root: string) {
    this.sh = new Semihosting({
      commandLine: ['fw.elf'], root, allowAnyPath: false,
      stdout: () => {}, stderr: () => {}, stdin: () => new Uint8Array(0),
      heapInfo: [0, 0, 0, 0], clockHz: () => 1e6, warn: (m) => this.warnings.push(m),
    });
  }
  private call(op: number, words: number[]): number {
    words.forEach((w, k) => this.cpu.bus.write(0x100 + 4 * k, 4, w));
    this.cpu.r[0] = op;
    this.cpu.r[1] = 0x100;
    this.sh.onBreakpoint(this.cpu, 0xab);
    return this.cpu.r[0]! | 0;
  }
  private put(at: number, s: string): number {
    const b = Buffer.from(s, 'latin1');
    b.forEach((x, k) => this.cpu.bus.write(at + k, 1, x));
    this.cpu.bus.write(at + b.length, 1, 0);
    return b.length;
  }
  errno(): number {
    return this.call(SYS.ERRNO, []);
  }
  open(name: string, mode: number): number {
    return this.call(SYS.OPEN, [0x1000, mode, this.put(0x1000, name)]);
  }
  /** Opens, writes `text` and closes; the handle or -1. */
  writeFile(name: string, text: string): number {
    const h = this.open(name, 4); // "w"
    if (h < 0) return h;
    const n = this.put(0x2000, text);
    this.call(SYS.WRITE, [h, 0x2000, n]);
    this.call(SYS.CLOSE, [h]);
    return h;
  }
  readFile(name: string): string | number {
    const h = this.open(name, 0); // "r"
    if (h < 0) return h;
    const left = this.call(SYS.READ, [h, 0x3000, 64]);
    this.call(SYS.CLOSE, [h]);
    return Buffer.from(this.cpu.bus.readBytes(0x3000, 64 - left)).toString('latin1');
  }
  remove(name: string): number {
    return this.call(SYS.REMOVE, [0x1000, this.put(0x1000, name)]);
  }
  rename(from: string, to: string): number {
    const a = this.put(0x1000, from);
    const b = this.put(0x1800, to);
    return this.call(SYS.RENAME, [0x1000, a, 0x1800, b]);
  }
}

let base: string;
let root: string;
let outside: string;
let fw: Firmware;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mcusim-confine-')));
  root = join(base, 'work');
  outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync(outside, join(root, 'out-dir'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'out-file'));
  symlinkSync('../outside/new.txt', join(root, 'dangling-out'));
  mkdirSync(join(root, 'sub'));
  symlinkSync('..', join(root, 'sub', 'up')); // stays inside: sub/up -> work
  fw = new Firmware(root);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('semihosting host-file confinement', () => {
  it('refuses absolute paths and .. that leave the working directory (EACCES, a warning each)', () => {
    expect(fw.readFile(join(outside, 'secret.txt'))).toBe(-1);
    expect(fw.errno()).toBe(EACCES);
    expect(fw.readFile('../outside/secret.txt')).toBe(-1);
    expect(fw.writeFile('sub/../../outside/x.txt', 'x')).toBe(-1);
    expect(fw.warnings).toHaveLength(3);
    expect(fw.warnings[0]).toMatch(/^semihosting: denied access to '.*secret\.txt' outside .* \(use --allow-fs to permit\)$/);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('refuses symlinks to a file and to a folder outside, for reading and for creating', () => {
    expect(fw.readFile('out-file')).toBe(-1);
    expect(fw.errno()).toBe(EACCES);
    expect(fw.readFile('out-dir/secret.txt')).toBe(-1);
    expect(fw.writeFile('out-dir/created.txt', 'x')).toBe(-1);
    expect(fw.writeFile('out-file', 'overwritten')).toBe(-1);
    // A link to a file that does not exist yet, outside: creating through it is refused too.
    expect(fw.writeFile('dangling-out', 'x')).toBe(-1);
    // `..` after a link goes up from where the link led (the kernel's rule), not lexically.
    expect(fw.readFile('out-dir/../outside/secret.txt')).toBe(-1);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('allows a file named ..notes, new files in new places, and links that stay inside', () => {
    expect(fw.writeFile('..notes', 'kept')).toBeGreaterThan(0);
    expect(readFileSync(join(root, '..notes'), 'utf8')).toBe('kept');
    expect(fw.readFile('..notes')).toBe('kept');
    expect(fw.writeFile(join(root, 'abs.txt'), 'abs')).toBeGreaterThan(0); // absolute but inside
    expect(fw.readFile('sub/up/abs.txt')).toBe('abs'); // through an inside link to the root
    expect(fw.readFile('./sub/../abs.txt')).toBe('abs');
    expect(fw.writeFile('sub/new.txt', 'n')).toBeGreaterThan(0);
    expect(fw.warnings).toEqual([]);
  });

  it('REMOVE and RENAME act on a link itself: removing an outside link is allowed, its target stays', () => {
    expect(fw.remove('out-file')).toBe(0);
    expect(existsSync(join(root, 'out-file'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(fw.rename('..notes', 'out-dir/stolen.txt')).toBe(-1); // into a folder outside
    expect(fw.remove('out-dir/secret.txt')).toBe(-1);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('hostRealPath follows links the way the kernel does', () => {
    expect(hostRealPath(root, 'out-dir/secret.txt')).toBe(join(outside, 'secret.txt'));
    expect(hostRealPath(root, 'out-dir/../work/..notes')).toBe(join(root, '..notes'));
    expect(hostRealPath(root, 'out-file', false)).toBe(join(root, 'out-file'));
    expect(hostRealPath(root, 'missing/../x')).toBeUndefined();
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    expect(hostRealPath(root, 'loop-a')).toBeUndefined();
  });
});
