import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/common/errors.js';
import { saveDataset } from '../../../src/nn/data/dataset-format.js';
import { loadDataset } from '../../../src/nn/data/dataset-load.js';
import { generateSplitFrames, parseSplitFractions, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';

const work = mkdtempSync(join(tmpdir(), 'mcusim-dataset-'));
const golden = join(work, 'golden');
const config = resolveGeneratorConfig({});
const frames = generateSplitFrames(config, 3, 20, parseSplitFractions('train=0.6,val=0.2,test=0.2'));

beforeAll(() => {
  saveDataset(golden, frames, { sensor: 'mlx90640', seed: 3, generator: config });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('save / load round trip', () => {
  it('restores every frame bit for bit, with boxes, tags and splits', () => {
    const loaded = loadDataset(golden);
    expect(loaded.frames).toHaveLength(20);
    expect(loaded.splitOf).toEqual(frames.map((f) => f.split));
    loaded.frames.forEach((f, i) => {
      const original = frames[i].frame;
      expect(Buffer.from(f.celsius.buffer).equals(Buffer.from(original.celsius.buffer))).toBe(true);
      expect(f.boxes).toEqual(original.boxes);
      expect(f.tags).toEqual(original.tags);
      expect([f.width, f.height]).toEqual([32, 24]);
    });
    expect(loaded.info).toMatchObject({ format: 'mcusim-thermal-dataset', version: 1, sensor: 'mlx90640', seed: 3, splits: { train: 12, val: 4, test: 4 } });
  });

  it('writes raw little-endian float32 frames: byte size and first value decode by hand', () => {
    const bytes = readFileSync(join(golden, 'train.f32'));
    expect(bytes.length).toBe(12 * 32 * 24 * 4);
    expect(bytes.readFloatLE(0)).toBe(frames[0].frame.celsius[0]);
    // Frame 1, pixel (x=3, y=2) sits at byte (1 * 768 + 2 * 32 + 3) * 4.
    expect(bytes.readFloatLE((768 + 67) * 4)).toBe(frames[1].frame.celsius[67]);
  });

  it('loads one split on request', () => {
    const test = loadDataset(golden, { split: 'test' });
    expect(test.frames).toHaveLength(4);
    expect(test.frames[0].celsius).toEqual(frames[16].frame.celsius);
    expect(test.imageIds).toEqual([16, 17, 18, 19]);
  });
});

describe('malformed dataset files give one line naming the file and the field', () => {
  let n = 0;
  /** A fresh copy of the golden dataset, with annotations.json passed through `edit`. */
  function corrupt(edit?: (doc: any) => void): string {
    const dir = join(work, `bad${n++}`);
    cpSync(golden, dir, { recursive: true });
    if (edit) {
      const path = join(dir, 'annotations.json');
      const doc = JSON.parse(readFileSync(path, 'utf8'));
      edit(doc);
      writeFileSync(path, JSON.stringify(doc));
    }
    return dir;
  }
  function errorOf(dir: string): string {
    try {
      loadDataset(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      return message;
    }
    throw new Error('loadDataset accepted a malformed dataset');
  }

  it('truncated frames file', () => {
    const dir = corrupt();
    const file = join(dir, 'train.f32');
    truncateSync(file, statSync(file).size - 10);
    expect(errorOf(dir)).toBe(`${file}: size ${12 * 3072 - 10} bytes is not a whole number of 32x24 float32 frames (3072 bytes each)`);
  });

  it('bounding box with zero width', () => {
    const dir = corrupt((d) => { d.annotations[3].bbox[2] = 0; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: annotations[3].bbox: width must be > 0, got 0`);
  });

  it('bounding box leaving the image', () => {
    const dir = corrupt((d) => { d.annotations[1].bbox = [30, 0, 4, 5]; });
    const img = JSON.parse(readFileSync(join(golden, 'annotations.json'), 'utf8')).annotations[1].image_id;
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: annotations[1].bbox: [30, 0, 4, 5] is outside the 32x24 image ${img}`);
  });

  it('missing field', () => {
    const dir = corrupt((d) => { delete d.images[2].width; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: images[2].width: missing`);
  });

  it('missing info block field', () => {
    const dir = corrupt((d) => { delete d.info.sensor; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: info.sensor: missing`);
  });

  it('annotation pointing at no image', () => {
    const dir = corrupt((d) => { d.annotations[0].image_id = 999; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: annotations[0].image_id: no image has id 999`);
  });

  it('duplicate image id', () => {
    const dir = corrupt((d) => { d.images[5].id = d.images[4].id; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: images[5].id: duplicate id 4 (also images[4])`);
  });

  it('frame index beyond the frames file', () => {
    const dir = corrupt((d) => { d.images[0].frame_index = 40; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: images[0].frame_index: 40 is beyond the 12 frames in train.f32`);
  });

  it('unknown category', () => {
    const dir = corrupt((d) => { d.annotations[2].category_id = 2; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: annotations[2].category_id: must be a category id in 1..1, got 2`);
  });

  it('NaN in a frame', () => {
    const dir = corrupt();
    const file = join(dir, 'train.f32');
    const bytes = readFileSync(file);
    bytes.writeFloatLE(Number.NaN, (768 + 2 * 32 + 5) * 4);
    writeFileSync(file, bytes);
    expect(errorOf(dir)).toBe(`${file}: frame 1, pixel (x=5, y=2): not a finite number (NaN)`);
  });

  it('missing frames file', () => {
    const dir = corrupt();
    rmSync(join(dir, 'val.f32'));
    expect(errorOf(dir)).toBe(`${join(dir, 'val.f32')}: file not found (named by ${join(dir, 'annotations.json')} images[12].file_name)`);
  });

  it('invalid JSON and missing annotations file', () => {
    const dir = corrupt();
    writeFileSync(join(dir, 'annotations.json'), '{"info": ');
    expect(errorOf(dir)).toMatch(new RegExp(`^${join(dir, 'annotations.json').replace(/[.\\/]/g, '\\$&')}: invalid JSON: `));
    rmSync(join(dir, 'annotations.json'));
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: file not found`);
  });

  it('wrong format version', () => {
    const dir = corrupt((d) => { d.info.version = 2; });
    expect(errorOf(dir)).toBe(`${join(dir, 'annotations.json')}: info.version: must be 1, got 2`);
  });
});
