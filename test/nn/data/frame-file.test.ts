import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { decodeFrameFile, encodeFrameFile, readFrameFile, writeFrameFile } from '../../../src/nn/data/frame-file.js';

const work = mkdtempSync(join(tmpdir(), 'mcusim-tfrm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('TFRM frame file', () => {
  it('lays out the 16-byte header and int16 centi-degrees exactly as documented', () => {
    const frames = [new Float32Array([25, -0.5, 36.78, 300, -40, 0.004]), new Float32Array([1, 2, 3, 4, 5, 6])];
    const bytes = encodeFrameFile({ width: 3, height: 2, frames });
    // Hand-assembled: "TFRM", width 3, height 2, count 2, flags 0, then 2 x 6 int16 LE.
    const expected = Buffer.alloc(16 + 2 * 6 * 2);
    expected.write('TFRM', 0, 'ascii');
    expected.writeUInt16LE(3, 4);
    expected.writeUInt16LE(2, 6);
    expected.writeUInt32LE(2, 8);
    expected.writeUInt32LE(0, 12);
    [2500, -50, 3678, 30000, -4000, 0, 100, 200, 300, 400, 500, 600].forEach((v, i) => expected.writeInt16LE(v, 16 + 2 * i));
    expect(Buffer.from(bytes).equals(expected)).toBe(true);
  });

  it('round-trips through disk to the 0.01 °C grid', () => {
    const celsius = new Float32Array(32 * 24).map((_, p) => 20 + p * 0.0137);
    const path = join(work, 'rt.bin');
    writeFrameFile(path, { width: 32, height: 24, frames: [celsius, celsius.map((v) => v + 1)] });
    const back = readFrameFile(path);
    expect([back.width, back.height, back.frames.length]).toEqual([32, 24, 2]);
    back.frames[0].forEach((v, p) => {
      if (Math.abs(v - celsius[p]) > 0.005 + 1e-6) throw new Error(`pixel ${p}: ${v} vs ${celsius[p]}`);
    });
    expect(readFileSync(path).length).toBe(16 + 2 * 768 * 2);
  });

  function errorOf(bytes: Uint8Array, name = 'f.bin'): string {
    try {
      decodeFrameFile(bytes, name);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error('decodeFrameFile accepted a malformed file');
  }
  const good = () => Buffer.from(encodeFrameFile({ width: 2, height: 2, frames: [new Float32Array([1, 2, 3, 4])] }));

  it('wrong magic', () => {
    const b = good();
    b.write('TFRN', 0, 'ascii');
    expect(errorOf(b)).toBe('f.bin: magic: expected "TFRM", got "TFRN"');
  });

  it('truncated payload and short header', () => {
    expect(errorOf(good().subarray(0, 20))).toBe('f.bin: count: header says 1 frames of 2x2 (24 bytes), file is 20 bytes');
    expect(errorOf(good().subarray(0, 10))).toBe('f.bin: header: file is 10 bytes, shorter than the 16-byte TFRM header');
  });

  it('reserved flags and zero sizes', () => {
    const b = good();
    b.writeUInt32LE(3, 12);
    expect(errorOf(b)).toBe('f.bin: flags: reserved, must be 0, got 0x3');
    const z = good();
    z.writeUInt16LE(0, 6);
    expect(errorOf(z)).toBe('f.bin: height: must be >= 1, got 0');
  });

  it('names the file on disk, and refuses temperatures int16 centi-degrees cannot hold', () => {
    const path = join(work, 'bad.bin');
    writeFileSync(path, Buffer.from('JUNKJUNKJUNKJUNK'));
    expect(() => readFrameFile(path)).toThrow(`${path}: magic: expected "TFRM", got "JUNK"`);
    expect(() => readFrameFile(join(work, 'none.bin'))).toThrow(`${join(work, 'none.bin')}: file not found`);
    expect(() => encodeFrameFile({ width: 2, height: 1, frames: [new Float32Array([20, 400])] }, 'out.bin'))
      .toThrow('out.bin: frame 0, pixel (x=1, y=0): 400 °C does not fit int16 centi-degrees (-327.68..327.67)');
  });
});
