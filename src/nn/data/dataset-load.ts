/**
 * Loads and validates a dataset folder in the format of dataset-format.ts. Every problem throws a
 * UserError with one line naming the file and the field, e.g.
 *   models/datasets/x/annotations.json: annotations[3].bbox: width must be > 0, got 0
 *   models/datasets/x/train.f32: frame 2, pixel (x=5, y=1): not a finite number (NaN)
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { UserError } from '../../common/errors.js';
import {
  ANNOTATIONS_FILE, DATASET_FORMAT, DATASET_VERSION, type CocoImage, type DatasetInfo,
} from './dataset-format.js';
import { SPLIT_NAMES, type SplitName } from './generate.js';
import type { Box, ThermalFrame } from './types.js';

export interface LoadedDataset {
  frames: ThermalFrame[];
  info: DatasetInfo;
  /** Split of each frame, parallel to `frames`. */
  splitOf: SplitName[];
  /** COCO image id of each frame, parallel to `frames`. */
  imageIds: number[];
}

/** Slack for boxes written from float arithmetic that end a hair past the image edge. */
const BBOX_EDGE_SLACK_PX = 1e-3;

type Json = Record<string, unknown>;

export function loadDataset(dir: string, options: { split?: SplitName } = {}): LoadedDataset {
  const annPath = join(dir, ANNOTATIONS_FILE);
  const fail = (field: string, problem: string): never => {
    throw new UserError(`${annPath}: ${field}: ${problem}`);
  };
  const root = parseJsonFile(annPath);
  if (!isObject(root)) fail('(top level)', 'must be a JSON object');
  const doc = root as Json;

  const info = field(doc, 'info', 'info', fail);
  if (!isObject(info)) fail('info', 'must be an object');
  const infoObj = info as Json;
  if (field(infoObj, 'format', 'info.format', fail) !== DATASET_FORMAT) {
    fail('info.format', `must be "${DATASET_FORMAT}", got ${JSON.stringify(infoObj.format)}`);
  }
  if (field(infoObj, 'version', 'info.version', fail) !== DATASET_VERSION) {
    fail('info.version', `must be ${DATASET_VERSION}, got ${JSON.stringify(infoObj.version)}`);
  }
  if (typeof field(infoObj, 'sensor', 'info.sensor', fail) !== 'string') fail('info.sensor', 'must be a string');
  if (infoObj.seed !== undefined && infoObj.seed !== null && !isNonNegInt(infoObj.seed)) {
    fail('info.seed', `must be a non-negative integer or null, got ${JSON.stringify(infoObj.seed)}`);
  }

  const categories = field(doc, 'categories', 'categories', fail);
  if (!Array.isArray(categories) || categories.length === 0) fail('categories', 'must be a non-empty list');
  (categories as unknown[]).forEach((c, i) => {
    if (!isObject(c)) fail(`categories[${i}]`, 'must be an object');
    const id = field(c as Json, 'id', `categories[${i}].id`, fail);
    if (id !== i + 1) fail(`categories[${i}].id`, `must be ${i + 1} (ids run 1..n in order; Box.cls = id - 1), got ${JSON.stringify(id)}`);
    if (typeof field(c as Json, 'name', `categories[${i}].name`, fail) !== 'string') fail(`categories[${i}].name`, 'must be a string');
  });
  const nCategories = (categories as unknown[]).length;

  const images = field(doc, 'images', 'images', fail);
  if (!Array.isArray(images)) fail('images', 'must be a list');
  const imageIndexById = new Map<number, number>();
  const checked: CocoImage[] = (images as unknown[]).map((img, i) => {
    const at = `images[${i}]`;
    if (!isObject(img)) fail(at, 'must be an object');
    const o = img as Json;
    const id = field(o, 'id', `${at}.id`, fail);
    if (!isNonNegInt(id)) fail(`${at}.id`, `must be a non-negative integer, got ${JSON.stringify(id)}`);
    if (imageIndexById.has(id as number)) fail(`${at}.id`, `duplicate id ${id as number} (also images[${imageIndexById.get(id as number)}])`);
    imageIndexById.set(id as number, i);
    const file = field(o, 'file_name', `${at}.file_name`, fail);
    if (typeof file !== 'string' || file === '') fail(`${at}.file_name`, 'must be a non-empty string');
    const rel = normalize(file as string);
    if (isAbsolute(rel) || rel.startsWith('..')) fail(`${at}.file_name`, `must be a path inside the dataset folder, got '${file as string}'`);
    for (const key of ['frame_index', 'width', 'height'] as const) {
      const v = field(o, key, `${at}.${key}`, fail);
      const ok = key === 'frame_index' ? isNonNegInt(v) : isNonNegInt(v) && (v as number) >= 1 && (v as number) <= 4096;
      if (!ok) fail(`${at}.${key}`, `must be ${key === 'frame_index' ? 'a non-negative integer' : 'an integer in [1, 4096]'}, got ${JSON.stringify(v)}`);
    }
    const split = field(o, 'split', `${at}.split`, fail);
    if (!(SPLIT_NAMES as readonly unknown[]).includes(split)) fail(`${at}.split`, `must be one of ${SPLIT_NAMES.join(', ')}, got ${JSON.stringify(split)}`);
    if (o.tags !== undefined && (!Array.isArray(o.tags) || o.tags.some((t) => typeof t !== 'string'))) {
      fail(`${at}.tags`, 'must be a list of strings');
    }
    return o as unknown as CocoImage;
  });

  const boxesOf: Box[][] = checked.map(() => []);
  const annotations = field(doc, 'annotations', 'annotations', fail);
  if (!Array.isArray(annotations)) fail('annotations', 'must be a list');
  const annIds = new Set<number>();
  (annotations as unknown[]).forEach((a, i) => {
    const at = `annotations[${i}]`;
    if (!isObject(a)) fail(at, 'must be an object');
    const o = a as Json;
    const id = field(o, 'id', `${at}.id`, fail);
    if (!isNonNegInt(id)) fail(`${at}.id`, `must be a non-negative integer, got ${JSON.stringify(id)}`);
    if (annIds.has(id as number)) fail(`${at}.id`, `duplicate id ${id as number}`);
    annIds.add(id as number);
    const imageId = field(o, 'image_id', `${at}.image_id`, fail);
    const imgIndex = imageIndexById.get(imageId as number);
    if (imgIndex === undefined) fail(`${at}.image_id`, `no image has id ${JSON.stringify(imageId)}`);
    const cat = field(o, 'category_id', `${at}.category_id`, fail);
    if (!isNonNegInt(cat) || (cat as number) < 1 || (cat as number) > nCategories) {
      fail(`${at}.category_id`, `must be a category id in 1..${nCategories}, got ${JSON.stringify(cat)}`);
    }
    const img = checked[imgIndex as number];
    const bbox = field(o, 'bbox', `${at}.bbox`, fail);
    if (!Array.isArray(bbox) || bbox.length !== 4) fail(`${at}.bbox`, `must be [x, y, width, height], got ${JSON.stringify(bbox)}`);
    const [x, y, w, h] = bbox as unknown[];
    ([['x', x], ['y', y], ['width', w], ['height', h]] as const).forEach(([name, v]) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${at}.bbox`, `${name} must be a finite number, got ${JSON.stringify(v)}`);
    });
    const [bx, by, bw, bh] = bbox as number[];
    if (bw <= 0) fail(`${at}.bbox`, `width must be > 0, got ${bw}`);
    if (bh <= 0) fail(`${at}.bbox`, `height must be > 0, got ${bh}`);
    if (bx < -BBOX_EDGE_SLACK_PX || by < -BBOX_EDGE_SLACK_PX || bx + bw > img.width + BBOX_EDGE_SLACK_PX ||
      by + bh > img.height + BBOX_EDGE_SLACK_PX) {
      fail(`${at}.bbox`, `[${bx}, ${by}, ${bw}, ${bh}] is outside the ${img.width}x${img.height} image ${img.id}`);
    }
    if (o.overlapping !== undefined && typeof o.overlapping !== 'boolean') fail(`${at}.overlapping`, 'must be true or false');
    if (o.difficult !== undefined && typeof o.difficult !== 'boolean') fail(`${at}.difficult`, 'must be true or false');
    const box: Box = { x: bx, y: by, w: bw, h: bh, cls: (cat as number) - 1 };
    if (o.overlapping === true) box.overlapping = true;
    if (o.visible_area !== undefined) {
      if (typeof o.visible_area !== 'number' || !(o.visible_area >= 0)) fail(`${at}.visible_area`, `must be a number >= 0, got ${JSON.stringify(o.visible_area)}`);
      box.visibleArea = o.visible_area as number;
    }
    if (o.visible_fraction !== undefined) {
      const v = o.visible_fraction;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`${at}.visible_fraction`, `must be a number in [0, 1], got ${JSON.stringify(v)}`);
      box.visibleFraction = v as number;
    }
    if (o.difficult === true) box.difficult = true;
    boxesOf[imgIndex as number].push(box);
  });

  if (infoObj.splits !== undefined) {
    if (!isObject(infoObj.splits)) fail('info.splits', 'must be an object of frame counts per split');
    for (const [name, n] of Object.entries(infoObj.splits as Json)) {
      const actual = checked.filter((im) => im.split === name).length;
      if (n !== actual) fail(`info.splits.${name}`, `says ${JSON.stringify(n)} frames, images list ${actual}`);
    }
  }

  const wanted = checked.map((img, i) => i).filter((i) => !options.split || checked[i].split === options.split);
  const pixels = readFrames(dir, checked, wanted, fail);
  return {
    frames: wanted.map((i, k) => {
      const img = checked[i];
      const frame: ThermalFrame = { width: img.width, height: img.height, celsius: pixels[k], boxes: boxesOf[i] };
      if (img.tags) frame.tags = [...img.tags];
      return frame;
    }),
    info: infoObj as unknown as DatasetInfo,
    splitOf: wanted.map((i) => checked[i].split),
    imageIds: wanted.map((i) => checked[i].id),
  };
}

/** Reads the frames of the `wanted` images, checking file sizes, shapes and finiteness. */
function readFrames(dir: string, images: CocoImage[], wanted: number[],
  fail: (field: string, problem: string) => never): Float32Array[] {
  const files = new Map<string, { width: number; height: number; first: number; bytes?: Buffer }>();
  images.forEach((img, i) => {
    const known = files.get(img.file_name);
    if (!known) files.set(img.file_name, { width: img.width, height: img.height, first: i });
    else if (known.width !== img.width || known.height !== img.height) {
      fail(`images[${i}].width`, `${img.width}x${img.height} differs from ${known.width}x${known.height} of images[${known.first}] in the same file ${img.file_name}`);
    }
  });
  for (const [name, f] of files) {
    const path = join(dir, name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new UserError(`${path}: file not found (named by ${join(dir, ANNOTATIONS_FILE)} images[${f.first}].file_name)`);
    }
    const frameBytes = f.width * f.height * 4;
    if (size % frameBytes !== 0) {
      throw new UserError(`${path}: size ${size} bytes is not a whole number of ${f.width}x${f.height} float32 frames (${frameBytes} bytes each)`);
    }
  }
  const out: Float32Array[] = [];
  for (const i of wanted) {
    const img = images[i];
    const f = files.get(img.file_name)!;
    const path = join(dir, img.file_name);
    f.bytes ??= readFileSync(path);
    const n = img.width * img.height;
    const nFrames = f.bytes.length / (n * 4);
    if (img.frame_index >= nFrames) {
      fail(`images[${i}].frame_index`, `${img.frame_index} is beyond the ${nFrames} frames in ${img.file_name}`);
    }
    const view = new DataView(f.bytes.buffer, f.bytes.byteOffset + img.frame_index * n * 4, n * 4);
    const celsius = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const v = view.getFloat32(p * 4, true);
      if (!Number.isFinite(v)) {
        throw new UserError(`${path}: frame ${img.frame_index}, pixel (x=${p % img.width}, y=${Math.floor(p / img.width)}): not a finite number (${v})`);
      }
      celsius[p] = v;
    }
    out.push(celsius);
  }
  return out;
}

function parseJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: invalid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

function field(o: Json, key: string, name: string, fail: (field: string, problem: string) => never): unknown {
  if (!(key in o) || o[key] === undefined) fail(name, 'missing');
  return o[key];
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
