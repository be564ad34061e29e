/**
 * A small RGBA raster for contact sheets: filled and outlined rectangles, nearest-neighbour
 * blits, and text. Text uses js-pixel-fonts' 7-px "Seven Plus" bitmap font (its glyph bitmaps;
 * we only copy set pixels); PNG encoding is pngjs. What is left here (rectangles, dashes) is a few
 * loops no library is worth adding for.
 */
import pixelFonts from 'js-pixel-fonts';
import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

export class RgbaImage {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = [0, 0, 0]) {
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
    this.data[o + 3] = 255;
  }

  /** Pixel (r, g, b) at (x, y), for tests. */
  pixel(x: number, y: number): [number, number, number] {
    const o = (y * this.width + x) * 4;
    return [this.data[o], this.data[o + 1], this.data[o + 2]];
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++) {
      for (let i = Math.max(0, x); i < Math.min(this.width, x + w); i++) this.setPixel(i, j, c);
    }
  }

  /** Rectangle outline `thickness` px wide inside [x, x+w) x [y, y+h); `dash` > 0 draws dashes of that length. */
  strokeRect(x: number, y: number, w: number, h: number, c: Rgb, thickness = 1, dash = 0): void {
    const on = (k: number) => dash <= 0 || Math.floor(k / dash) % 2 === 0;
    for (let t = 0; t < thickness; t++) {
      for (let i = x; i < x + w; i++) {
        if (on(i - x)) { this.setPixel(i, y + t, c); this.setPixel(i, y + h - 1 - t, c); }
      }
      for (let j = y; j < y + h; j++) {
        if (on(j - y)) { this.setPixel(x + t, j, c); this.setPixel(x + w - 1 - t, j, c); }
      }
    }
  }

  /** Draws `text` with its top-left at (x, y), each font pixel `scale` x `scale`; returns the width drawn. */
  drawText(text: string, x: number, y: number, c: Rgb, scale = 1): number {
    const rows = pixelFonts.renderPixels(text, pixelFonts.fonts.sevenPlus);
    rows.forEach((row, j) => row.forEach((on, i) => { if (on) this.fillRect(x + i * scale, y + j * scale, scale, scale, c); }));
    return (rows[0]?.length ?? 0) * scale;
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png);
  }
}

/** Height in font pixels of one text line (7-px glyphs plus descenders). */
export const TEXT_LINE_PX = 9;
