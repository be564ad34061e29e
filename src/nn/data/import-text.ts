/**
 * Recorded MLX90640 frames as text, the way the Melexis driver examples and the common Arduino /
 * CircuitPython / Raspberry Pi libraries print them: one frame per line, width*height temperatures
 * in °C (768 for the 32x24 MLX90640), row-major with row 0 first as the driver's `mlx90640To[]`
 * array holds them (pixel = 32 * row + column; no flip applied); or a frame as `height` lines of
 * `width` values (Adafruit's examples print 24 rows of 32), frames separated by blank lines or not.
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

/** Parses `count` temperatures from `fields[offset..]` into `out[at..]`; `pixel(p)` names pixel p for messages. */
function readValues(fields: string[], offset: number, count: number, decimalComma: boolean, out: Float32Array, outAt: number,
  where: (p: number, field: number) => string): void {
  for (let p = 0; p < count; p++) {
    const f = fields[p + offset];
    const v = asNumber(f, decimalComma);
    if (!Number.isFinite(v)) throw new UserError(`${where(p, p + offset + 1)}: ${JSON.stringify(f)} is not a number`);
    if (v < RECORDED_MIN_C || v > RECORDED_MAX_C) {
      throw new UserError(`${where(p, p + offset + 1)}: ${v} is outside the MLX90640 object range ${RECORDED_MIN_C}..${RECORDED_MAX_C} °C (raw ADC words or Kelvin? convert to °C first)`);
    }
    out[outAt + p] = v;
  }
}

export function parseTextFrames(text: string, name: string, width: number, height: number): TextFrames {
  const n = width * height;
  const frames: Float32Array[] = [];
  const lines: number[] = [];
  let timestamps: boolean | undefined;
  let headerSkipped = false;
  let first = true;
  /** A frame printed as `height` lines of `width` values (Adafruit-style), being filled. */
  let block: { frame: Float32Array; rows: number; line: number } | null = null;
  const unfinished = () => new UserError(`${name}:line ${block!.line}: frame has ${block!.rows} of ${height} rows of ${width} values ` +
    `(a frame is one line of ${n} values, or ${height} lines of ${width})`);
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '') { if (block) throw unfinished(); return; }
    if (line.startsWith('#') || line.startsWith('//')) return;
    const { fields, decimalComma } = splitFields(line);
    const at = `${name}:line ${lineNo}`;
    const numeric = (from: number) => fields.slice(from).some((f) => Number.isFinite(asNumber(f, decimalComma)));
    const isRow = fields.length === width && width !== n;
    if (fields.length !== n && fields.length !== n + 1 && !isRow) {
      if (first && !numeric(0)) { first = false; headerSkipped = true; return; }
      throw new UserError(`${at}: has ${fields.length} fields, expected ${n} (${width}x${height} temperatures), ${n + 1} (a timestamp column first) or ${width} (one row of a frame)`);
    }
    const offset = isRow ? 0 : fields.length - n;
    if (first) {
      first = false;
      if (!numeric(offset)) { headerSkipped = true; return; }
    }
    if (isRow) {
      block ??= { frame: new Float32Array(n), rows: 0, line: lineNo };
      const y = block.rows;
      readValues(fields, 0, width, decimalComma, block.frame, y * width, (p, f) => `${at}: field ${f} (pixel x=${p}, y=${y})`);
      if (++block.rows === height) { frames.push(block.frame); lines.push(block.line); block = null; }
      return;
    }
    if (block) throw unfinished();
    if (timestamps !== undefined && timestamps !== (offset === 1)) {
      throw new UserError(`${at}: has ${fields.length} fields but earlier frames had ${timestamps ? n + 1 : n}: every line must have the timestamp column, or none`);
    }
    timestamps = offset === 1;
    const frame = new Float32Array(n);
    readValues(fields, offset, n, decimalComma, frame, 0, (p, f) => `${at}: field ${f} (pixel x=${p % width}, y=${Math.floor(p / width)})`);
    frames.push(frame);
    lines.push(lineNo);
  });
  if (block) throw unfinished();
  if (frames.length === 0) throw new UserError(`${name}: no frames (expected lines of ${n} temperatures)`);
  return { frames, lines, timestamps: timestamps ?? false, headerSkipped };
}
