// The detector firmware against its oracles: its raw int8 head outputs over 200 held-out frames equal
// the host int8 reference (src/nn/quant/reference.ts) bit for bit, in QEMU and in mcusim; both
// print the same detection lines, which are the host's float post-processing of those heads; a
// malformed frame file gives the same one error line and exit code in both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeDetector } from '../../src/nn/quant/quantize.js';
import { DEFAULT_MODEL } from '../../src/codegen/firmware-build.js';
import { decodeFrameFile } from '../../src/nn/data/frame-file.js';
import { celsiusToCenti } from '../../src/nn/quant/normalise.js';
import { int8Detections, runInt8OnCenti } from '../../src/nn/quant/reference.js';
import type { QuantizedGraph } from '../../src/nn/quant/graph.js';
import {
  buildDetector, referenceRawLines, runInMcusim, runInQemu, tempDir, writeHeldOutFrames,
} from './detector-support.js';

const FRAMES = 200;
const BOARD = 'mps2-an386';

let graph: QuantizedGraph;
let elf: string;
let dir: string;
let frames: string;
let qemu: Awaited<ReturnType<typeof runInQemu>>;

beforeAll(async () => {
  dir = tempDir();
  frames = join(dir, 'held-out.bin');
  writeHeldOutFrames(frames, FRAMES);
  graph = quantizeDetector(DEFAULT_MODEL);
  elf = (await buildDetector(BOARD)).elfPath;
  qemu = await runInQemu(elf, [frames, '--raw']);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rawLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('raw '));
const detectionLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('frame '));

describe('detector firmware, 200 held-out frames', () => {
  it('QEMU: the raw int8 head outputs equal the host int8 reference bit for bit', () => {
    expect(qemu.exitCode).toBe(0);
    const expected = referenceRawLines(graph, frames);
    const got = rawLines(qemu.stdout);
    expect(got.length).toBe(FRAMES);
    const differing = got.map((l, k) => (l === expected[k] ? -1 : k)).filter((k) => k >= 0);
    expect(differing, `frames whose head bytes differ: ${differing.join(', ')}`).toEqual([]);
    expect(detectionLines(qemu.stdout).length).toBe(FRAMES);
  });

  it('mcusim runs the same ELF: identical stdout (head bytes and detection lines) and exit code', async () => {
    const sim = await runInMcusim(elf, BOARD, [frames, '--raw']);
    expect(sim.result.message).toContain('exited');
    expect(sim.exitCode).toBe(0);
    expect(sim.stdout).toBe(qemu.stdout);
  }, 900_000);

  it('detection lines are the host post-processing of the reference heads (to the printed precision)', () => {
    const file = decodeFrameFile(new Uint8Array(readFileSync(frames)), frames);
    const lines = detectionLines(qemu.stdout);
    let boxes = 0;
    file.frames.forEach((celsius, k) => {
      const host = int8Detections(graph, runInt8OnCenti(graph, celsiusToCenti(celsius)));
      const fw = [...lines[k]!.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!.split(',').map(Number));
      expect(lines[k]).toMatch(new RegExp(`^frame ${k}: ${host.length} (person|people)`));
      expect(fw.length).toBe(host.length);
      host.forEach((d, i) => {
        const [x, y, w, h, score] = fw[i]!;
        for (const [a, b] of [[x, d.x], [y, d.y], [w, d.w], [h, d.h]] as const) expect(Math.abs(a! - b)).toBeLessThanOrEqual(0.051);
        expect(Math.abs(score! - d.score)).toBeLessThanOrEqual(0.0051);
      });
      boxes += host.length;
    });
    expect(boxes).toBeGreaterThan(FRAMES / 2); // the held-out frames do contain people
  });
});

describe('detector firmware, malformed frame files', () => {
  const header = (width: number, height: number, count: number, flags = 0): Buffer => {
    const b = Buffer.alloc(16);
    b.write('TFRM', 0, 'latin1');
    b.writeUInt16LE(width, 4);
    b.writeUInt16LE(height, 6);
    b.writeUInt32LE(count, 8);
    b.writeUInt32LE(flags, 12);
    return b;
  };
  const frame = Buffer.alloc(32 * 24 * 2);
  const cases: Array<[string, Buffer | null, string]> = [
    ['bad magic', Buffer.concat([Buffer.from('TFRX'), header(32, 24, 1).subarray(4), frame]), 'magic: expected "TFRM"'],
    ['short header', Buffer.from('TFRM\x20\x00'), 'header: shorter than the 16-byte TFRM header'],
    ['truncated frames', Buffer.concat([header(32, 24, 2), frame]), 'count: header and file size disagree'],
    ['other frame size', Buffer.concat([header(16, 12, 1), Buffer.alloc(16 * 12 * 2)]), 'size: frames are 16x12, the model takes 32x24'],
    ['reserved flags', Buffer.concat([header(32, 24, 1, 1), frame]), 'flags: reserved, must be 0'],
    ['missing file', null, 'cannot open'],
  ];
  it.each(cases)('%s: one line on stderr, exit 1, the same in QEMU and mcusim', async (name, bytes, message) => {
    const path = join(dir, `${name.replace(/ /g, '-')}.bin`);
    if (bytes) writeFileSync(path, bytes);
    const q = await runInQemu(elf, [path]);
    const sim = await runInMcusim(elf, BOARD, [path]);
    const line = `detector: ${path}: ${message}\n`;
    expect(q.stderr).toBe(line);
    expect(q.exitCode).toBe(1);
    expect(q.stdout).toBe('');
    expect(sim.stderr).toBe(line);
    expect(sim.exitCode).toBe(1);
    expect(sim.stdout).toBe('');
  }, 60_000);
});
