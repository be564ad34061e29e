/**
 * Contact sheets: layout size, false colour order, box colours where the boxes are, text drawn,
 * and a PNG that decodes back to the same pixels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ThermalFrame } from '../../../src/nn/data/types.js';
import { colourRange, DETECTION_RGB, GROUND_TRUTH_RGB, renderContactSheet, writeContactSheet } from '../../../src/nn/viz/contact-sheet.js';
import { ironbow } from '../../../src/nn/viz/palette.js';

const work = mkdtempSync(join(tmpdir(), 'mcusim-sheet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 32x24 at 20 °C with a 30 °C block at columns 10..13, rows 4..15, labelled and detected. */
function frame(): ThermalFrame {
  const celsius = new Float32Array(768).fill(20);
  for (let y = 4; y < 16; y++) for (let x = 10; x < 14; x++) celsius[y * 32 + x] = 30;
  return { width: 32, height: 24, celsius, boxes: [{ x: 10, y: 4, w: 4, h: 12, cls: 0 }] };
}
const luminance = (c: readonly number[]) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];

describe('contact sheet', () => {
  it('ironbow gets brighter with temperature; a flat frame spans at least 4 K', () => {
    const l = [0, 0.2, 0.4, 0.6, 0.8, 1].map((t) => luminance(ironbow(t)));
    l.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(l[i]));
    expect(colourRange([21, 21.5])).toEqual([19.25, 23.25]);
    expect(colourRange([18, 30])).toEqual([18, 30]);
  });

  it('lays out tiles with legend and captions, frame pixels in false colour, boxes in their colours', () => {
    const tiles = [0, 1, 2].map(() => ({ frame: frame(), detections: [{ x: 16, y: 4, w: 4, h: 12, cls: 0, score: 0.9 }], caption: ['#0 gt 1 det 1', 'miss 0 FP 1'] }));
    const img = renderContactSheet(tiles, { scale: 8, columns: 2, textScale: 2, legend: 'legend' });
    // width: 8 + 2 * (256 + 8); height: 8 + legend (22 + 8) + 2 rows * (192 + 4 + 2 * 22 + 8)
    expect([img.width, img.height]).toEqual([536, 8 + 30 + 2 * 248]);
    const x0 = 8, y0 = 38;
    expect(img.pixel(x0 + 4, y0 + 4)).toEqual(ironbow(0)); // cold background: the frame minimum
    expect(img.pixel(x0 + 11 * 8 + 4, y0 + 8 * 8)).toEqual(ironbow(1)); // inside the hot block, away from the box edge
    expect(img.pixel(x0 + 10 * 8, y0 + 10 * 8)).toEqual(GROUND_TRUTH_RGB); // left edge of the ground-truth box
    expect(img.pixel(x0 + 16 * 8, y0 + 10 * 8)).toEqual(DETECTION_RGB); // left edge of the detection
    // some caption text (light pixels) below the first frame
    let lit = 0;
    for (let y = y0 + 196; y < y0 + 196 + 44; y++) for (let x = x0; x < x0 + 256; x++) if (luminance(img.pixel(x, y)) > 200) lit++;
    expect(lit).toBeGreaterThan(50);
  });

  it('writes a PNG that decodes to the same pixels', () => {
    const path = join(work, 's.png');
    const img = writeContactSheet(path, [{ frame: frame(), caption: ['x'] }]);
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([img.width, img.height]);
    expect(Buffer.compare(png.data, Buffer.from(img.data))).toBe(0);
  });
});
