/**
 * Anchor generation (SSD-style priors). Each cell of each output scale carries the scale's anchor
 * shapes, centred on the cell centre mapped to input pixels: cx = (x + 0.5) * inputWidth / featureWidth.
 * Order matches the head output: scales in spec order, each row-major over (y, x, anchor).
 */
import type { AnchorScale, AnchorSet, AnchorSpec } from './types.js';

/**
 * Default anchor shapes for a 32x24 MLX90640 input with two scales: fitAnchorSizes(k = 6) on the boxes
 * of 2000 frames of the default synthetic generator (seed 11), smallest three on the fine scale
 * (p2_out, stride 4), largest three on the coarse one (p3_out, stride 8). On 500 held-out frames
 * (seed 12) they raise the share of boxes with an anchor at IoU >= 0.5 from 0.48 (hand-picked
 * [3,3] [5,6] [4,10] / [9,9] [7,15] [12,22]) to 0.62, and at IoU >= 0.4 from 0.78 to 0.83.
 */
export const DEFAULT_ANCHOR_SIZES: ReadonlyArray<ReadonlyArray<readonly [number, number]>> = [
  [[2, 9], [3.5, 13], [8.5, 7.5]],
  [[5.5, 18], [10.5, 11], [9.5, 22.5]],
];

/** Spec for the usual two-scale head: feature sizes come from the network, shapes default as above. */
export function twoScaleAnchorSpec(
  inputWidth: number,
  inputHeight: number,
  p2: { width: number; height: number },
  p3: { width: number; height: number },
  sizes = DEFAULT_ANCHOR_SIZES,
): AnchorSpec {
  return {
    inputWidth,
    inputHeight,
    scales: [
      { name: 'p2_out', featureWidth: p2.width, featureHeight: p2.height, sizes: sizes[0] },
      { name: 'p3_out', featureWidth: p3.width, featureHeight: p3.height, sizes: sizes[1] },
    ],
  };
}

function checkScale(s: AnchorScale, i: number): void {
  const where = `anchor scale ${i} (${s.name})`;
  if (!Number.isInteger(s.featureWidth) || s.featureWidth < 1) throw new Error(`${where}: featureWidth must be a positive integer, got ${s.featureWidth}`);
  if (!Number.isInteger(s.featureHeight) || s.featureHeight < 1) throw new Error(`${where}: featureHeight must be a positive integer, got ${s.featureHeight}`);
  if (s.sizes.length === 0) throw new Error(`${where}: sizes is empty`);
  for (const [w, h] of s.sizes) {
    if (!(w > 0) || !(h > 0)) throw new Error(`${where}: anchor size ${w}x${h} must be positive`);
  }
}

export function buildAnchors(spec: AnchorSpec): AnchorSet {
  if (!(spec.inputWidth > 0) || !(spec.inputHeight > 0)) throw new Error(`anchor spec: input size ${spec.inputWidth}x${spec.inputHeight} must be positive`);
  if (spec.scales.length === 0) throw new Error('anchor spec: scales is empty');
  spec.scales.forEach(checkScale);
  let count = 0;
  const scaleStart = new Int32Array(spec.scales.length + 1);
  spec.scales.forEach((s, i) => {
    scaleStart[i] = count;
    count += s.featureWidth * s.featureHeight * s.sizes.length;
  });
  scaleStart[spec.scales.length] = count;
  const scaleStride = Float64Array.from(spec.scales, (s) => spec.inputWidth / s.featureWidth);
  const cx = new Float32Array(count), cy = new Float32Array(count);
  const w = new Float32Array(count), h = new Float32Array(count);
  let k = 0;
  for (const s of spec.scales) {
    const strideX = spec.inputWidth / s.featureWidth, strideY = spec.inputHeight / s.featureHeight;
    for (let y = 0; y < s.featureHeight; y++) {
      for (let x = 0; x < s.featureWidth; x++) {
        for (const [aw, ah] of s.sizes) {
          cx[k] = (x + 0.5) * strideX;
          cy[k] = (y + 0.5) * strideY;
          w[k] = aw;
          h[k] = ah;
          k++;
        }
      }
    }
  }
  return { count, cx, cy, w, h, scaleStart, scaleStride, inputWidth: spec.inputWidth, inputHeight: spec.inputHeight };
}

/** Anchors per location of each scale: the head's output channels are this x (4 + numClasses). */
export function anchorsPerLocation(spec: AnchorSpec): number[] {
  return spec.scales.map((s) => s.sizes.length);
}
