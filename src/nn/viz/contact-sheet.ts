/**
 * Contact sheets: thermal frames in false colour, upscaled (nearest neighbour, so each sensor pixel
 * stays a visible square), with ground-truth boxes (green; dashed when `difficult`) and detections
 * (cyan), a caption of text lines under each tile, and a legend line on top. Written as PNG.
 * `mcusim eval --sheet` passes the worst frames first; `mcusim dataset inspect --sheet` ground truth only.
 */
import type { Box, ThermalFrame } from '../data/types.js';
import type { Detection } from '../detect/types.js';
import { writeFileAtomic } from '../../common/write-atomic.js';
import { RgbaImage, TEXT_LINE_PX, type Rgb } from './image.js';
import { ironbow } from './palette.js';

export const GROUND_TRUTH_RGB: Rgb = [40, 255, 60];
export const DETECTION_RGB: Rgb = [0, 220, 255];
const BACKGROUND_RGB: Rgb = [24, 24, 24];
const TEXT_RGB: Rgb = [235, 235, 235];
/** A flat frame spread over a few kelvin, not stretched until its noise fills the colour ramp. */
const MIN_SPAN_K = 4;

export interface SheetTile {
  frame: ThermalFrame;
  /** Detections to draw (already thresholded); absent for ground truth only. */
  detections?: ReadonlyArray<Detection>;
  caption: string[];
}

export interface SheetOptions {
  /** Screen pixels per sensor pixel. */
  scale?: number;
  columns?: number;
  /** Font pixel size of captions and legend. */
  textScale?: number;
  legend?: string;
}

const GAP_PX = 8;

/** The frame's colour range: min..max, widened to MIN_SPAN_K around its middle when flatter. */
export function colourRange(celsius: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < celsius.length; i++) { lo = Math.min(lo, celsius[i]); hi = Math.max(hi, celsius[i]); }
  if (hi - lo < MIN_SPAN_K) { const mid = (lo + hi) / 2; lo = mid - MIN_SPAN_K / 2; hi = mid + MIN_SPAN_K / 2; }
  return [lo, hi];
}

export function renderContactSheet(tiles: ReadonlyArray<SheetTile>, options: SheetOptions = {}): RgbaImage {
  if (tiles.length === 0) throw new Error('renderContactSheet: no frames');
  const scale = options.scale ?? 8, textScale = options.textScale ?? 2;
  const columns = Math.max(1, Math.min(options.columns ?? 6, tiles.length));
  const tileW = Math.max(...tiles.map((t) => t.frame.width)) * scale;
  const frameH = Math.max(...tiles.map((t) => t.frame.height)) * scale;
  const lineH = (TEXT_LINE_PX + 2) * textScale;
  const captionLines = Math.max(...tiles.map((t) => t.caption.length));
  const tileH = frameH + 4 + captionLines * lineH;
  const legendH = options.legend ? lineH + GAP_PX : 0;
  const rows = Math.ceil(tiles.length / columns);
  const img = new RgbaImage(GAP_PX + columns * (tileW + GAP_PX), GAP_PX + legendH + rows * (tileH + GAP_PX), BACKGROUND_RGB);
  if (options.legend) img.drawText(options.legend, GAP_PX, GAP_PX, TEXT_RGB, textScale);
  tiles.forEach((tile, k) => {
    const x0 = GAP_PX + (k % columns) * (tileW + GAP_PX);
    const y0 = GAP_PX + legendH + Math.floor(k / columns) * (tileH + GAP_PX);
    drawFrame(img, tile.frame, x0, y0, scale);
    for (const b of tile.frame.boxes) drawBox(img, b, x0, y0, scale, GROUND_TRUTH_RGB, 2, b.difficult ? scale : 0);
    for (const d of tile.detections ?? []) drawBox(img, d, x0, y0, scale, DETECTION_RGB, 1, 0);
    // Captions are cut to the tile width (glyphs are at most 6 font pixels wide with their gap).
    const maxChars = Math.floor(tileW / (6 * textScale));
    tile.caption.forEach((line, i) => img.drawText(line.slice(0, maxChars), x0, y0 + frameH + 4 + i * lineH, TEXT_RGB, textScale));
  });
  return img;
}

function drawFrame(img: RgbaImage, frame: ThermalFrame, x0: number, y0: number, scale: number): void {
  const [lo, hi] = colourRange(frame.celsius);
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      img.fillRect(x0 + x * scale, y0 + y * scale, scale, scale, ironbow((frame.celsius[y * frame.width + x] - lo) / (hi - lo)));
    }
  }
}

/** Box edges on the sensor's continuous pixel grid, rounded to screen pixels. */
function drawBox(img: RgbaImage, b: Pick<Box, 'x' | 'y' | 'w' | 'h'>, x0: number, y0: number, scale: number, c: Rgb, thickness: number, dash: number): void {
  const x = Math.round(b.x * scale), y = Math.round(b.y * scale);
  const w = Math.max(2, Math.round((b.x + b.w) * scale) - x), h = Math.max(2, Math.round((b.y + b.h) * scale) - y);
  img.strokeRect(x0 + x, y0 + y, w, h, c, thickness, dash);
}

export function writeContactSheet(path: string, tiles: ReadonlyArray<SheetTile>, options: SheetOptions = {}): RgbaImage {
  const img = renderContactSheet(tiles, options);
  writeFileAtomic(path, img.toPng());
  return img;
}
