/**
 * TFRM: the frame file the detector firmware reads through semihosting (firmware/frames/README.md).
 * Small and trivial to parse in C on a Cortex-M (no floats needed to read it):
 *
 *   offset  size  field
 *   0       4     magic: ASCII "TFRM" (bytes 0x54 0x46 0x52 0x4D)
 *   4       2     width, u16 little-endian (pixels per row, >= 1)
 *   6       2     height, u16 little-endian (rows, >= 1)
 *   8       4     count, u32 little-endian (number of frames)
 *   12      4     flags, u32 little-endian, reserved: must be 0
 *   16      ...   count frames, each width*height int16 little-endian, row-major (row 0 = top),
 *                 in centi-degrees Celsius (value / 100 = °C; 2500 = 25.00 °C)
 *
 * The file size is exactly 16 + count * width * height * 2 bytes. int16 centi-degrees cover
 * -327.68..327.67 °C, which holds the MLX90640's -40..300 °C object range; writing a temperature
 * outside it is an error, not a silent clip.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.js';
import { writeFileAtomic } from '../../common/write-atomic.js';

export const FRAME_FILE_MAGIC = 'TFRM';
export const FRAME_FILE_HEADER_BYTES = 16;
/** Centi-degrees: one int16 step is 0.01 °C. */
export const FRAME_FILE_STEP_C = 0.01;

export interface FrameFile {
  width: number;
  height: number;
  /** One Float32Array of width*height °C per frame (values are multiples of 0.01 °C). */
  frames: Float32Array[];
}

/** Encodes frames to TFRM bytes; `name` is used in error messages. */
export function encodeFrameFile(file: FrameFile, name = 'frame file'): Uint8Array {
  const { width, height, frames } = file;
  if (!Number.isInteger(width) || width < 1 || width > 0xffff) throw new UserError(`${name}: width: must be an integer in [1, 65535], got ${width}`);
  if (!Number.isInteger(height) || height < 1 || height > 0xffff) throw new UserError(`${name}: height: must be an integer in [1, 65535], got ${height}`);
  const n = width * height;
  const bytes = new Uint8Array(FRAME_FILE_HEADER_BYTES + frames.length * n * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = FRAME_FILE_MAGIC.charCodeAt(i);
  view.setUint16(4, width, true);
  view.setUint16(6, height, true);
  view.setUint32(8, frames.length, true);
  view.setUint32(12, 0, true);
  frames.forEach((celsius, k) => {
    if (celsius.length !== n) throw new UserError(`${name}: frame ${k}: has ${celsius.length} pixels, expected ${width}x${height} = ${n}`);
    const base = FRAME_FILE_HEADER_BYTES + k * n * 2;
    for (let p = 0; p < n; p++) {
      const centi = Math.round(celsius[p] * 100);
      if (!(centi >= -32768 && centi <= 32767)) {
        throw new UserError(`${name}: frame ${k}, pixel (x=${p % width}, y=${Math.floor(p / width)}): ${celsius[p]} °C does not fit int16 centi-degrees (-327.68..327.67)`);
      }
      view.setInt16(base + p * 2, centi, true);
    }
  });
  return bytes;
}

/** Decodes TFRM bytes; every error names `name` and the offending header field. */
export function decodeFrameFile(bytes: Uint8Array, name = 'frame file'): FrameFile {
  if (bytes.length < FRAME_FILE_HEADER_BYTES) {
    throw new UserError(`${name}: header: file is ${bytes.length} bytes, shorter than the ${FRAME_FILE_HEADER_BYTES}-byte TFRM header`);
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== FRAME_FILE_MAGIC) {
    throw new UserError(`${name}: magic: expected "${FRAME_FILE_MAGIC}", got ${JSON.stringify(magic)}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint16(4, true);
  const height = view.getUint16(6, true);
  const count = view.getUint32(8, true);
  const flags = view.getUint32(12, true);
  if (width === 0) throw new UserError(`${name}: width: must be >= 1, got 0`);
  if (height === 0) throw new UserError(`${name}: height: must be >= 1, got 0`);
  if (flags !== 0) throw new UserError(`${name}: flags: reserved, must be 0, got 0x${flags.toString(16)}`);
  const n = width * height;
  const expected = FRAME_FILE_HEADER_BYTES + count * n * 2;
  if (bytes.length !== expected) {
    throw new UserError(`${name}: count: header says ${count} frames of ${width}x${height} (${expected} bytes), file is ${bytes.length} bytes`);
  }
  const frames: Float32Array[] = [];
  for (let k = 0; k < count; k++) {
    const celsius = new Float32Array(n);
    const base = FRAME_FILE_HEADER_BYTES + k * n * 2;
    for (let p = 0; p < n; p++) celsius[p] = view.getInt16(base + p * 2, true) / 100;
    frames.push(celsius);
  }
  return { width, height, frames };
}

export function writeFrameFile(path: string, file: FrameFile): void {
  writeFileAtomic(path, encodeFrameFile(file, path));
}

export function readFrameFile(path: string): FrameFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`}`);
  }
  return decodeFrameFile(bytes, path);
}
