/**
 * From thermal frames to a training batch: augmentation (horizontal flip, CutMix for detection
 * from src/nn/augment) and the input transform that turns degrees Celsius into network input.
 */
import type { Box, ThermalFrame } from '../data/types.js';
import { cutmixFrame, type CutmixConfig } from '../augment/cutmix.js';
import { Tensor } from '../tensor.js';
import type { InputTransform } from '../model/serialize.js';
import type { Rng } from '../layers/rng.js';

export interface AugmentOptions {
  flip: boolean;
  /** CutMix settings (src/nn/augment), or null for none. */
  cutmix: CutmixConfig | null;
}

export function flipHorizontal(frame: ThermalFrame): ThermalFrame {
  const { width, height } = frame;
  const celsius = new Float32Array(frame.celsius.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) celsius[y * width + x] = frame.celsius[y * width + (width - 1 - x)]!;
  }
  const boxes: Box[] = frame.boxes.map((b) => ({ ...b, x: width - b.x - b.w }));
  return { ...frame, celsius, boxes };
}

/** Augments each frame of a batch; CutMix donors are the batch's own (unaugmented) frames with people. */
export function augmentBatch(frames: ThermalFrame[], options: AugmentOptions, rng: Rng): ThermalFrame[] {
  const donors = frames.filter((f) => f.boxes.length > 0);
  return frames.map((frame) => {
    let f = frame;
    if (options.cutmix && donors.length > 0) f = cutmixFrame(f, donors, rng, options.cutmix).frame;
    if (options.flip && rng.next() < 0.5) f = flipHorizontal(f);
    return f;
  });
}

/** Frames -> [N, H, W, 1] input tensor through the model's input transform. */
export function inputTensor(frames: ThermalFrame[], transform: InputTransform): Tensor {
  const { width, height } = frames[0]!;
  const pixels = width * height;
  const x = new Tensor([frames.length, height, width, 1]);
  frames.forEach((f, b) => {
    if (f.width !== width || f.height !== height) {
      throw new Error(`batch mixes ${width}x${height} and ${f.width}x${f.height} frames`);
    }
    let mean = 0;
    if (transform.subtractFrameMean) {
      for (let i = 0; i < pixels; i++) mean += f.celsius[i]!;
      mean /= pixels;
    }
    const o = b * pixels;
    for (let i = 0; i < pixels; i++) x.data[o + i] = (f.celsius[i]! - mean) * transform.scale;
  });
  return x;
}
