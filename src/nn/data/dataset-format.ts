/**
 * On-disk thermal dataset format (version 1), written by `mcusim dataset generate`, read by
 * `loadDataset` (dataset-load.ts). Recorded frames can be brought in the same format.
 *
 * A dataset is a folder:
 *
 *   annotations.json   COCO-style labels plus an `info` block (below)
 *   train.f32          frames of the train split
 *   val.f32            frames of the val split   (absent when the split is empty)
 *   test.f32           frames of the test split  (absent when the split is empty)
 *
 * Frame files (`*.f32`): raw little-endian IEEE-754 float32 temperatures in degrees Celsius, no
 * header; each frame is width*height values, row-major (row 0 = top of the image, column 0 = left),
 * frames back to back. Frame k of a file starts at byte k * width * height * 4. All frames of one
 * file share one width and height. Every value must be finite.
 *
 * annotations.json:
 *   {
 *     "info": {
 *       "format": "mcusim-thermal-dataset",   required, exactly this
 *       "version": 1,                         required, exactly 1
 *       "sensor": "mlx90640",                 required: sensor name (free text for recorded data)
 *       "seed": 42,                           optional: generator seed (null/absent for recorded)
 *       "generator": {...},                   optional: full generator config (sensor, scene, ...)
 *       "splits": {"train": 51, ...},         optional: frame count per split (checked if present)
 *       "created": "2026-11-25T16:00:00Z"     optional
 *     },
 *     "images": [                             one entry per frame
 *       {"id": 0, "file_name": "train.f32", "frame_index": 0, "width": 32, "height": 24,
 *        "split": "train", "tags": ["side", "overlapping"]}
 *     ],
 *     "annotations": [                        one entry per labelled person
 *       {"id": 0, "image_id": 0, "category_id": 1, "bbox": [x, y, w, h], "area": w*h,
 *        "iscrowd": 0, "overlapping": true, "visible_area": 9.5, "visible_fraction": 0.82,
 *        "difficult": true}
 *     ],
 *     "categories": [{"id": 1, "name": "person"}]
 *   }
 *
 * - `id`s are non-negative integers, unique within images and within annotations.
 * - `file_name` is relative to the dataset folder; `frame_index` counts frames inside that file.
 * - `split` is one of "train", "val", "test". `tags` (optional) are free-form; the generator writes
 *   the mount (`side`, `overhead`), `scenario:<empty|single|several|overlapping>`, `empty` (no
 *   labelled person), `overlapping`, `occluded` (a labelled person > 20 % hidden), `seated`,
 *   `chess-motion` (walking people seen through MLX chess sub-pages), `distractor` and
 *   `distractor:<kind>` for visible hot objects, `stripes`, `dead-pixels`, and `unlabelled-person`
 *   (a person with under 1 px² or under 0.5 px per side visible, left without a box),
 *   `ambiguous-count` (overhead view with two head centres < 2 px apart, src/nn/data/THERMAL.md §6).
 * - `bbox` is COCO [x, y, width, height] in pixels of that image, (x, y) = top-left corner,
 *   continuous coordinates (pixel column i spans x in [i, i+1)); w, h > 0 and the box lies inside
 *   the image. Boxes are the *visible* (unoccluded, in-frame) extent of each person.
 * - `category_id` follows COCO in starting at 1: category ids must be 1..n in order, and the
 *   in-memory class index is `Box.cls = category_id - 1` (so person = 1 on disk, 0 in memory).
 * - `overlapping` (optional, default false): this person's box overlaps another person's box.
 * - `visible_area` (optional, px²): visible silhouette area; `visible_fraction` (optional, 0..1): the
 *   share of the in-frame silhouette not hidden by nearer people or objects. The generator writes both.
 * - `difficult` (optional, default false, PASCAL VOC's flag): the objective rule of difficult.ts
 *   (visible area under 2 px² or visible fraction under 0.3); evaluation reports metrics with these
 *   boxes ignored and with every box counted. Datasets written before these fields still load.
 *
 * The int16 frame file the firmware reads (TFRM) is a different, smaller format: frame-file.ts.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { float32LeBytes } from './float-bytes.js';
import { writeFileAtomic } from '../../common/write-atomic.js';
import { SPLIT_NAMES, type SplitName } from './generate.js';
import type { Box, ThermalFrame } from './types.js';

export const DATASET_FORMAT = 'mcusim-thermal-dataset';
export const DATASET_VERSION = 1;
export const ANNOTATIONS_FILE = 'annotations.json';
export const CATEGORIES = [{ id: 1, name: 'person' }];

export interface DatasetInfo {
  format: typeof DATASET_FORMAT;
  version: typeof DATASET_VERSION;
  sensor: string;
  seed?: number | null;
  generator?: unknown;
  splits?: Partial<Record<SplitName, number>>;
  created?: string;
  /** Provenance of imported recordings (files, label file, parsing choices); free-form. */
  source?: unknown;
}

export interface CocoImage {
  id: number;
  file_name: string;
  frame_index: number;
  width: number;
  height: number;
  split: SplitName;
  tags?: string[];
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
  overlapping?: boolean;
  visible_area?: number;
  visible_fraction?: number;
  difficult?: boolean;
}

export interface CocoDataset {
  info: DatasetInfo;
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: { id: number; name: string }[];
}

/** A frame with the split it belongs to, ready to be saved. */
export interface SplitFrame {
  frame: ThermalFrame;
  split: SplitName;
}

export function splitFileName(split: SplitName): string {
  return `${split}.f32`;
}

/** Builds annotations.json for frames grouped by split (train, val, test order). */
export function toCoco(frames: SplitFrame[], info: Omit<DatasetInfo, 'format' | 'version' | 'splits'>): CocoDataset {
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  const perSplit: Partial<Record<SplitName, number>> = {};
  frames.forEach(({ frame, split }, id) => {
    const frameIndex = perSplit[split] ?? 0;
    perSplit[split] = frameIndex + 1;
    const image: CocoImage = {
      id, file_name: splitFileName(split), frame_index: frameIndex, width: frame.width, height: frame.height, split,
    };
    if (frame.tags && frame.tags.length > 0) image.tags = [...frame.tags];
    images.push(image);
    for (const b of frame.boxes) annotations.push(toAnnotation(b, annotations.length, id));
  });
  return {
    info: { format: DATASET_FORMAT, version: DATASET_VERSION, ...info, splits: perSplit },
    images, annotations, categories: CATEGORIES.map((c) => ({ ...c })),
  };
}

function toAnnotation(b: Box, id: number, imageId: number): CocoAnnotation {
  const a: CocoAnnotation = {
    id, image_id: imageId, category_id: b.cls + 1, bbox: [b.x, b.y, b.w, b.h], area: b.w * b.h, iscrowd: 0,
  };
  if (b.overlapping) a.overlapping = true;
  if (b.visibleArea !== undefined) a.visible_area = b.visibleArea;
  if (b.visibleFraction !== undefined) a.visible_fraction = b.visibleFraction;
  if (b.difficult) a.difficult = true;
  return a;
}

/**
 * Writes a dataset folder: one .f32 file per non-empty split, then annotations.json last (each
 * file written atomically), so a folder with annotations.json is always complete.
 */
export function saveDataset(dir: string, frames: SplitFrame[],
  info: Omit<DatasetInfo, 'format' | 'version' | 'splits'>): CocoDataset {
  mkdirSync(dir, { recursive: true });
  const coco = toCoco(frames, info);
  const bySplit = new Map<SplitName, ThermalFrame[]>();
  for (const { frame, split } of frames) {
    const list = bySplit.get(split) ?? [];
    list.push(frame);
    bySplit.set(split, list);
  }
  for (const [split, list] of bySplit) {
    if (list.some((f) => f.width !== list[0].width || f.height !== list[0].height)) {
      throw new Error(`saveDataset: frames of split ${split} differ in size; one .f32 file holds one frame size`);
    }
    const perFrame = list[0].width * list[0].height;
    const all = new Float32Array(perFrame * list.length);
    list.forEach((f, k) => all.set(f.celsius, k * perFrame));
    writeFileAtomic(join(dir, splitFileName(split)), float32LeBytes(all));
  }
  // A split file left from an earlier run into the same folder would be misleading.
  for (const split of SPLIT_NAMES) if (!bySplit.has(split)) rmSync(join(dir, splitFileName(split)), { force: true });
  writeFileAtomic(join(dir, ANNOTATIONS_FILE), `${JSON.stringify(coco, null, 1)}\n`);
  return coco;
}
