/**
 * Recorded MLX90640 frames as text, the way the Melexis driver examples and the common Arduino /
 * CircuitPython / Raspberry Pi libraries print them: one frame per line, width*height temperatures
 * in °C (768 for the 32x24 MLX90640), row-major with row 0 first as the driver's `mlx90640To[]`
 * array holds them (pixel = 32 * row + column; no flip applied).
 *
 * Decisions (documented in the README "Recorded frames"):
 *  - separators: `;` if the line has one (then a decimal comma is accepted: `23,5;24,1`), else `,`,
 *    else spaces/tabs; spaces around fields are ignored; one trailing separator is allowed (print
 *    loops that write "v, " after every value);
 *  - a line with width*height + 1 fields starts with a timestamp column (any text: seconds, ms,
 *    ISO time), which is dropped; any other field count is an error;
 *  - blank lines and lines starting with `#` or `//` are skipped; the first remaining line is a
 *    header (skipped) when none of its pixel fields is a number;
 *  - every pixel must be a finite number inside the MLX90640 object range -40..300 °C (raw ADC
 *    words or Kelvin would fail here rather than import as nonsense).
 * Errors are one line: `file:line N: field F (pixel x=.., y=..): problem`.
 */
import { UserError } from '../../common/errors.js';

export const RECORDED_MIN_C = -40;
export const RECORDED_MAX_C = 300;

export interface TextFrames {
  frames: Float32Array[];
  /** 1-based line number of each frame, for messages. */
  lines: number[];
  timestamps: boolean;
  headerSkipped: boolean;
}

function splitFields(line: string): { fields: string[]; decimalComma: boolean } {
  let fields: string[];
  let decimalComma = false;
  if (line.includes(';')) { fields = line.split(';'); decimalComma = true; }
  else if (line.includes(',')) fields = line.split(',');
  else return { fields: line.trim().split(/\s+/), decimalComma };
  fields = fields.map((f) => f.trim());
  if (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  return { fields, decimalComma };
}

const asNumber = (text: string, decimalComma: boolean) => (text === '' ? Number.NaN : Number(decimalComma ? text.replace(',', '.') : text));

export function parseTextFrames(text: string, name: string, width: number, height: number): TextFrames {
  const n = width * height;
  const frames: Float32Array[] = [];
  const lines: number[] = [];
  let timestamps: boolean | undefined;
  let headerSkipped = false;
  let first = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) return;
    const { fields, decimalComma } = splitFields(line);
    const at = `${name}:line ${lineNo}`;
    if (fields.length !== n && fields.length !== n + 1) {
      if (first && !fields.some((f) => Number.isFinite(asNumber(f, decimalComma)))) { first = false; headerSkipped = true; return; }
      throw new UserError(`${at}: has ${fields.length} fields, expected ${n} (${width}x${height} temperatures) or ${n + 1} (a timestamp column first)`);
    }
    const offset = fields.length - n;
    if (first) {
      first = false;
      if (!fields.slice(offset).some((f) => Number.isFinite(asNumber(f, decimalComma)))) { headerSkipped = true; return; }
    }
    if (timestamps !== undefined && timestamps !== (offset === 1)) {
      throw new UserError(`${at}: has ${fields.length} fields but earlier frames had ${timestamps ? n + 1 : n}: every line must have the timestamp column, or none`);
    }
    timestamps = offset === 1;
    const frame = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const f = fields[p + offset];
      const v = asNumber(f, decimalComma);
      const where = `${at}: field ${p + offset + 1} (pixel x=${p % width}, y=${Math.floor(p / width)})`;
      if (!Number.isFinite(v)) throw new UserError(`${where}: ${JSON.stringify(f)} is not a number`);
      if (v < RECORDED_MIN_C || v > RECORDED_MAX_C) {
        throw new UserError(`${where}: ${v} is outside the MLX90640 object range ${RECORDED_MIN_C}..${RECORDED_MAX_C} °C (raw ADC words or Kelvin? convert to °C first)`);
      }
      frame[p] = v;
    }
    frames.push(frame);
    lines.push(lineNo);
  });
  if (frames.length === 0) throw new UserError(`${name}: no frames (expected lines of ${n} temperatures)`);
  return { frames, lines, timestamps: timestamps ?? false, headerSkipped };
}
