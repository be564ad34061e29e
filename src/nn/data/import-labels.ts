/**
 * Person boxes from a COCO file written by any labelling tool (CVAT, Label Studio, makesense.ai, ...)
 * mapped onto recorded frames. Rules (README "Recorded frames"):
 *  - the person category is the one named `person` (any case), or the only category there is;
 *    annotations of other categories are skipped and counted;
 *  - an image names its frame by `frame_index` (our own format: then `file_name`, if it names one of
 *    the recording files, picks the file), else by the last number in its `file_name`
 *    (`frame_000123.png` -> 123), minus `firstIndex` for tools that count from 1;
 *  - boxes are COCO [x, y, w, h]; when the image's `width`/`height` differ from the sensor's (frames
 *    labelled as upscaled pictures) they are scaled to sensor pixels, then clipped to the frame;
 *  - `difficult` (true/1), `ignore` (true/1) or `iscrowd` 1 mark a box difficult; otherwise the
 *    box-area rule of difficult.ts applies.
 * Frames without an image entry are unlabelled (not empty). Errors name the file and the field.
 */
import { basename } from 'node:path';
import { UserError } from '../../common/errors.js';
import { isDifficult } from './difficult.js';
import type { Box } from './types.js';

export interface RecordingFile {
  /** Path as given, and its frame count; frames are numbered across files in this order. */
  path: string;
  frames: number;
}

export interface LabelsResult {
  /** Boxes per global frame index; undefined = no image entry (unlabelled). */
  boxesOf: (Box[] | undefined)[];
  skippedAnnotations: number;
  labelledFrames: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const truthy = (v: unknown) => v === true || v === 1;

export function mapLabels(doc: unknown, name: string, files: RecordingFile[], width: number, height: number, firstIndex = 0): LabelsResult {
  const fail = (field: string, problem: string): never => { throw new UserError(`${name}: ${field}: ${problem}`); };
  if (!isObject(doc)) fail('(top level)', 'must be a JSON object (COCO)');
  const root = doc as Json;
  for (const key of ['images', 'annotations'] as const) if (!Array.isArray(root[key])) fail(key, 'must be a list');
  const categories = Array.isArray(root.categories) ? (root.categories as unknown[]) : [];
  const named = categories.filter((c) => isObject(c) && typeof c.name === 'string' && c.name.toLowerCase() === 'person');
  const person = named.length > 0 ? named : categories.length === 1 ? categories : [];
  if (person.length === 0) {
    fail('categories', `no 'person' category (found: ${categories.map((c) => (isObject(c) ? JSON.stringify(c.name) : '?')).join(', ') || 'none'})`);
  }
  const personIds = new Set(person.map((c) => (c as Json).id));

  const total = files.reduce((s, f) => s + f.frames, 0);
  const starts = files.map((_, k) => files.slice(0, k).reduce((s, f) => s + f.frames, 0));
  const boxesOf: (Box[] | undefined)[] = new Array(total).fill(undefined);
  const frameOfImage = new Map<unknown, { frame: number; scaleX: number; scaleY: number }>();
  (root.images as unknown[]).forEach((img, i) => {
    const at = `images[${i}]`;
    if (!isObject(img)) fail(at, 'must be an object');
    const o = img as Json;
    if (o.id === undefined) fail(`${at}.id`, 'missing');
    const file = typeof o.file_name === 'string' ? o.file_name : '';
    let frame: number;
    if (o.frame_index !== undefined) {
      if (!Number.isSafeInteger(o.frame_index) || (o.frame_index as number) < 0) fail(`${at}.frame_index`, `must be a non-negative integer, got ${JSON.stringify(o.frame_index)}`);
      const k = files.findIndex((f) => basename(f.path) === basename(file));
      frame = (k >= 0 ? starts[k] : 0) + (o.frame_index as number);
      if (k >= 0 && (o.frame_index as number) >= files[k].frames) fail(`${at}.frame_index`, `${o.frame_index as number} is beyond the ${files[k].frames} frames of ${files[k].path}`);
    } else {
      const digits = /(\d+)(?!.*\d)/.exec(basename(file).replace(/\.[^.]*$/, ''));
      if (!digits) fail(`${at}.file_name`, `${JSON.stringify(file)} names no frame: give frame_index, or a number in the name (frame_0042.png)`);
      frame = Number(digits![1]) - firstIndex;
    }
    if (frame < 0 || frame >= total) fail(at, `frame ${frame} is outside the ${total} recorded frames`);
    if (boxesOf[frame] !== undefined) fail(at, `frame ${frame} is labelled twice`);
    boxesOf[frame] = [];
    const scaleX = typeof o.width === 'number' && o.width > 0 ? width / o.width : 1;
    const scaleY = typeof o.height === 'number' && o.height > 0 ? height / o.height : 1;
    frameOfImage.set(o.id, { frame, scaleX, scaleY });
  });

  let skipped = 0;
  (root.annotations as unknown[]).forEach((a, i) => {
    const at = `annotations[${i}]`;
    if (!isObject(a)) fail(at, 'must be an object');
    const o = a as Json;
    if (!personIds.has(o.category_id)) { skipped++; return; }
    const image = frameOfImage.get(o.image_id);
    if (!image) fail(`${at}.image_id`, `no image has id ${JSON.stringify(o.image_id)}`);
    const bbox = o.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail(`${at}.bbox`, `must be [x, y, width, height] numbers, got ${JSON.stringify(bbox)}`);
    }
    const [bx, by, bw, bh] = bbox as number[];
    if (bw <= 0 || bh <= 0) fail(`${at}.bbox`, `width and height must be > 0, got ${bw} x ${bh}`);
    const { frame, scaleX, scaleY } = image!;
    const x0 = Math.max(0, bx * scaleX), y0 = Math.max(0, by * scaleY);
    const x1 = Math.min(width, (bx + bw) * scaleX), y1 = Math.min(height, (by + bh) * scaleY);
    if (x1 <= x0 || y1 <= y0) fail(`${at}.bbox`, `${JSON.stringify(bbox)} lies outside the ${width}x${height} frame`);
    const box: Box = { x: x0, y: y0, w: x1 - x0, h: y1 - y0, cls: 0 };
    if (truthy(o.difficult) || truthy(o.ignore) || truthy(o.iscrowd) || isDifficult(box)) box.difficult = true;
    boxesOf[frame]!.push(box);
  });
  return { boxesOf, skippedAnnotations: skipped, labelledFrames: boxesOf.filter((b) => b !== undefined).length };
}
