/**
 * `dataset import`: recorded MLX90640 text/CSV lines and TFRM files with COCO labels from a
 * labelling tool, into the dataset format; malformed input gives one line naming file, line, field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { loadDataset } from '../../../src/nn/data/dataset-load.js';
import { writeFrameFile } from '../../../src/nn/data/frame-file.js';
import { importRecordings, type ImportOptions } from '../../../src/nn/data/import.js';
import { mapLabels } from '../../../src/nn/data/import-labels.js';
import { parseTextFrames } from '../../../src/nn/data/import-text.js';
import { runCli } from '../eval/cli-harness.js';

const work = mkdtempSync(join(tmpdir(), 'mcusim-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Frame k: pixel p reads 20 + p / 100 + k (distinct, exactly representable to 0.01 °C). */
const pixelsOf = (k: number) => Array.from({ length: 768 }, (_, p) => (20 + p / 100 + k).toFixed(2));
const errorOf = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
  throw new Error('no error');
};

describe('text frames (768 °C per line)', () => {
  it('reads comma, semicolon with decimal comma, and space separated lines alike', () => {
    const comma = parseTextFrames(`${pixelsOf(0).join(', ')}\n`, 'a.csv', 32, 24);
    const semi = parseTextFrames(`${pixelsOf(0).map((v) => v.replace('.', ',')).join(';')}\n`, 'b.csv', 32, 24);
    const space = parseTextFrames(`${pixelsOf(0).join('\t')}\n`, 'c.txt', 32, 24);
    for (const r of [comma, semi, space]) {
      expect(r.frames).toHaveLength(1);
      expect(r.frames[0][0]).toBeCloseTo(20, 5);
      expect(r.frames[0][767]).toBeCloseTo(27.67, 5); // row 23, column 31: the last pixel
      expect(r.frames[0][33]).toBeCloseTo(20.33, 5); // row 1, column 1
    }
  });

  it('drops a timestamp column, skips a header, comments, blank lines and a trailing separator', () => {
    const header = `time,${Array.from({ length: 768 }, (_, p) => `p${p}`).join(',')}`;
    const text = `# recorded with the Melexis example\n${header}\n\n1712.5,${pixelsOf(0).join(',')},\n2024-01-01T10:00:01Z,${pixelsOf(1).join(',')}\n`;
    const r = parseTextFrames(text, 'rec.csv', 32, 24);
    expect(r.headerSkipped).toBe(true);
    expect(r.timestamps).toBe(true);
    expect(r.lines).toEqual([4, 5]);
    expect(r.frames[1][0]).toBeCloseTo(21, 5);
  });

  it('reads a frame printed as 24 lines of 32 (Adafruit-style), and refuses an unfinished one', () => {
    const rows = (k: number) => Array.from({ length: 24 }, (_, y) => pixelsOf(k).slice(32 * y, 32 * y + 32).join(', ')).join('\n');
    const r = parseTextFrames(`${rows(0)}\n\n${rows(1)}\n`, 'rows.txt', 32, 24);
    expect(r.frames).toHaveLength(2);
    expect(r.lines).toEqual([1, 26]);
    expect(r.frames[1][33]).toBeCloseTo(21.33, 5);
    const cut = rows(0).split('\n').slice(0, 10).join('\n');
    expect(errorOf(() => parseTextFrames(`${cut}\n\n${rows(1)}\n`, 'cut.txt', 32, 24)))
      .toBe('cut.txt:line 1: frame has 10 of 24 rows of 32 values (a frame is one line of 768 values, or 24 lines of 32)');
    const bad = rows(0).split('\n');
    bad[3] = bad[3].replace('20.97', 'x');
    expect(errorOf(() => parseTextFrames(bad.join('\n'), 'bad.txt', 32, 24))).toBe('bad.txt:line 4: field 2 (pixel x=1, y=3): "x" is not a number');
  });

  it('names file, line and field of a malformed value', () => {
    const bad = pixelsOf(0);
    bad[40] = 'n/a';
    expect(errorOf(() => parseTextFrames(`${pixelsOf(0).join(',')}\n${bad.join(',')}\n`, 'rec.csv', 32, 24)))
      .toBe('rec.csv:line 2: field 41 (pixel x=8, y=1): "n/a" is not a number');
    const raw = pixelsOf(0);
    raw[0] = '4095';
    expect(errorOf(() => parseTextFrames(raw.join(','), 'raw.csv', 32, 24))).toMatch(/^raw\.csv:line 1: field 1 \(pixel x=0, y=0\): 4095 is outside the MLX90640 object range -40\.\.300 °C/);
    expect(errorOf(() => parseTextFrames(`${pixelsOf(0).join(',')}\n1,2,3\n`, 'short.csv', 32, 24)))
      .toBe('short.csv:line 2: has 3 fields, expected 768 (32x24 temperatures), 769 (a timestamp column first) or 32 (one row of a frame)');
    expect(errorOf(() => parseTextFrames(`${pixelsOf(0).join(',')}\n9,${pixelsOf(1).join(',')}\n`, 'mixed.csv', 32, 24)))
      .toMatch(/^mixed\.csv:line 2: has 769 fields but earlier frames had 768/);
    expect(errorOf(() => parseTextFrames('# nothing\n', 'empty.csv', 32, 24))).toBe('empty.csv: no frames (expected lines of 768 temperatures)');
  });
});

describe('COCO labels from a labelling tool', () => {
  const files = [{ path: 'rec.csv', frames: 3 }, { path: 'more.bin', frames: 2 }];
  const doc = (images: unknown[], annotations: unknown[], categories: unknown[] = [{ id: 5, name: 'Person' }]) => ({ images, annotations, categories });

  it('maps frame_index (+ file), or the number in file_name; scales boxes from the labelled picture size', () => {
    const r = mapLabels(doc(
      [{ id: 1, file_name: 'more.bin', frame_index: 1 }, { id: 2, file_name: 'shots/frame_0002.png', width: 320, height: 240 }],
      [{ id: 1, image_id: 1, category_id: 5, bbox: [1, 2, 3, 4] }, { id: 2, image_id: 2, category_id: 5, bbox: [100, 50, 40, 170] },
        { id: 3, image_id: 2, category_id: 5, bbox: [300, 0, 40, 10], difficult: 1 }],
    ), 'l.json', files, 32, 24);
    expect(r.labelledFrames).toBe(2);
    expect(r.boxesOf[4]).toEqual([{ x: 1, y: 2, w: 3, h: 4, cls: 0 }]);
    // 320x240 picture -> 32x24: / 10; the second box is clipped at the right edge (30..32) and flagged difficult
    expect(r.boxesOf[2]).toEqual([{ x: 10, y: 5, w: 4, h: 17, cls: 0 }, { x: 30, y: 0, w: 2, h: 1, cls: 0, difficult: true }]);
    expect(r.boxesOf[0]).toBeUndefined(); // no image entry: unlabelled
  });

  it('takes the only category when none is called person, skips other categories, counts from --first-index', () => {
    const r = mapLabels(doc([{ id: 'a', file_name: 'img1.jpg' }], [{ image_id: 'a', category_id: 0, bbox: [0, 0, 2, 2] }], [{ id: 0, name: 'human' }]), 'l.json', files, 32, 24, 1);
    expect(r.boxesOf[0]).toHaveLength(1);
    const s = mapLabels(doc([{ id: 1, file_name: 'f3.png' }], [{ image_id: 1, category_id: 9, bbox: [0, 0, 2, 2] }], [{ id: 5, name: 'person' }, { id: 9, name: 'cat' }]), 'l.json', files, 32, 24);
    expect([s.skippedAnnotations, s.boxesOf[3]]).toEqual([1, []]);
  });

  it('names the field of malformed labels', () => {
    expect(errorOf(() => mapLabels(doc([{ id: 1, file_name: 'cover.png' }], []), 'l.json', files, 32, 24)))
      .toBe('l.json: images[0].file_name: "cover.png" names no frame: give frame_index, or a number in the name (frame_0042.png)');
    expect(errorOf(() => mapLabels(doc([{ id: 1, file_name: 'f9.png' }], []), 'l.json', files, 32, 24))).toBe('l.json: images[0]: frame 9 is outside the 5 recorded frames');
    expect(errorOf(() => mapLabels(doc([{ id: 1, file_name: 'f1.png' }], [{ image_id: 1, category_id: 5, bbox: [0, 0, -1, 2] }]), 'l.json', files, 32, 24)))
      .toBe('l.json: annotations[0].bbox: width and height must be > 0, got -1 x 2');
    expect(errorOf(() => mapLabels(doc([], [{ image_id: 3, category_id: 5, bbox: [0, 0, 1, 1] }]), 'l.json', files, 32, 24)))
      .toBe('l.json: annotations[0].image_id: no image has id 3');
    expect(errorOf(() => mapLabels(doc([], [], [{ id: 1, name: 'car' }, { id: 2, name: 'dog' }]), 'l.json', files, 32, 24)))
      .toBe('l.json: categories: no \'person\' category (found: "car", "dog")');
  });
});

describe('importRecordings', () => {
  const opts = (o: Partial<ImportOptions>): ImportOptions => ({
    inputs: [], out: join(work, 'out'), sensor: 'mlx90640', width: 32, height: 24, split: 'test', firstIndex: 0, tags: [], ...o,
  });

  it('writes a dataset folder that loads back with the same temperatures and boxes', () => {
    const csv = join(work, 'rec.csv');
    writeFileSync(csv, `${pixelsOf(0).join(',')}\n${pixelsOf(1).join(',')}\n`);
    const bin = join(work, 'rec.bin');
    writeFrameFile(bin, { width: 32, height: 24, frames: [Float32Array.from(pixelsOf(5).map(Number))] });
    const labels = join(work, 'labels.json');
    writeFileSync(labels, JSON.stringify({
      images: [{ id: 0, file_name: 'frame_0.png' }, { id: 2, file_name: 'rec.bin', frame_index: 0 }],
      annotations: [{ id: 0, image_id: 0, category_id: 1, bbox: [2, 2, 4, 10] }, { id: 1, image_id: 0, category_id: 1, bbox: [4, 4, 4, 10] }],
      categories: [{ id: 1, name: 'person' }],
    }));
    const out = join(work, 'ds');
    const s = importRecordings(opts({ inputs: [csv, bin], labels, out, tags: ['side'], split: 'train=0.5,val=0,test=0.5' }));
    expect([s.frames, s.labelledFrames, s.boxes]).toEqual([3, 2, 2]);
    const data = loadDataset(out);
    expect(data.splitOf).toEqual(['train', 'train', 'test']); // round(3 * 0.5) = 2 train frames, contiguous
    expect(data.frames[2].celsius[767]).toBeCloseTo(32.67, 5); // the TFRM frame, third overall
    expect(data.frames[0].boxes.map((b) => [b.x, b.w, b.overlapping])).toEqual([[2, 4, true], [4, 4, true]]);
    expect(data.frames.map((f) => f.tags)).toEqual([['side', 'overlapping'], ['side', 'unlabelled'], ['side', 'empty']]);
  });

  it('refuses a TFRM file of another frame size, naming it', () => {
    const bin = join(work, 'small.bin');
    writeFrameFile(bin, { width: 16, height: 12, frames: [new Float32Array(192)] });
    expect(errorOf(() => importRecordings(opts({ inputs: [bin] })))).toBe(`${bin}: width: frames are 16x12, the import is 32x24 (--width/--height)`);
    expect(errorOf(() => importRecordings(opts({ inputs: [join(work, 'missing.csv')] })))).toBe(`${join(work, 'missing.csv')}: file not found`);
  });
});

describe('mcusim dataset import / inspect --sheet (command line)', () => {
  const cli = runCli;

  it('imports, inspects with a sheet, and fails malformed input with exit 2 and one line', async () => {
    const csv = join(work, 'cli.csv');
    writeFileSync(csv, `${pixelsOf(0).join(' ')}\n${pixelsOf(1).join(' ')}\n`);
    const out = join(work, 'cli-ds');
    const ok = await cli(['dataset', 'import', csv, '-o', out, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ frames: 2, labelledFrames: 0, splits: { test: 2 } });
    const sheet = join(work, 'cli.png');
    expect((await cli(['dataset', 'inspect', out, '--sheet', sheet])).code).toBe(0);
    expect(readFileSync(sheet).subarray(1, 4).toString()).toBe('PNG');
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, `${pixelsOf(0).join(',')}\n${pixelsOf(0).slice(1).join(',')},x\n`);
    const r = await cli(['dataset', 'import', bad, '-o', join(work, 'bad-ds')]);
    expect([r.code, r.stderr]).toEqual([2, `mcusim: ${bad}:line 2: field 768 (pixel x=31, y=23): "x" is not a number\n`]);
    expect((await cli(['dataset', 'import', '-o', out])).code).toBe(2);
  });
});
