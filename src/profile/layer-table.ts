/**
 * Reads the `.mcusim.layers` section (firmware/nn/LAYER-TABLE.md): the firmware's own description of
 * its layers (name, type, shapes, MACs, weights, arena offsets) and the ITM port of its markers. A
 * malformed table is one clear line (ProfileInputError), never a RangeError.
 */
import type { ElfImage } from '../elf/index.js';
import { UserError } from '../common/errors.js';

export const LAYER_SECTION = '.mcusim.layers';
const HEADER_BYTES = 32;
const RECORD_BYTES = 96;

export interface LayerRecord {
  index: number;
  name: string;
  type: string;
  inputShape: [number, number, number];
  outputShape: [number, number, number];
  macs: number;
  weightAddress: number;
  weightBytes: number;
  inOffset: number;
  outOffset: number;
  outBytes: number;
  scratchBytes: number;
}

export interface LayerTable {
  markerPort: number;
  arenaAddress: number;
  arenaBytes: number;
  arenaLowerBoundBytes: number;
  layers: LayerRecord[];
}

/** A malformed layer table: bad input, one line, exit 2 (a UserError). */
export class ProfileInputError extends UserError {}

/** The table of an ELF (its file bytes and parsed image), or null when it has no such section. */
export function readLayerTable(image: ElfImage, elfBytes: Uint8Array): LayerTable | null {
  const section = image.sections.find((s) => s.name === LAYER_SECTION);
  if (!section) return null;
  const where = `${image.fileName}: ${LAYER_SECTION}`;
  if (section.offset + section.size > elfBytes.length) throw new ProfileInputError(`${where} runs past the end of the file`);
  const bytes = elfBytes.subarray(section.offset, section.offset + section.size);
  if (bytes.length < HEADER_BYTES) throw new ProfileInputError(`${where} is ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = text(bytes, 0, 4);
  if (magic !== 'MLT1') throw new ProfileInputError(`${where}: magic "${magic}", expected "MLT1"`);
  const version = dv.getUint16(4, true);
  if (version !== 1) throw new ProfileInputError(`${where}: version ${version}, this mcusim reads version 1`);
  const count = dv.getUint16(6, true);
  const recordSize = dv.getUint16(8, true);
  if (recordSize < RECORD_BYTES) throw new ProfileInputError(`${where}: record size ${recordSize}, at least ${RECORD_BYTES} expected`);
  if (HEADER_BYTES + count * recordSize > bytes.length) {
    throw new ProfileInputError(`${where}: ${count} records of ${recordSize} bytes do not fit in ${bytes.length} bytes`);
  }
  const layers: LayerRecord[] = [];
  for (let i = 0; i < count; i++) {
    const o = HEADER_BYTES + i * recordSize;
    const u16 = (k: number) => dv.getUint16(o + 48 + 2 * k, true);
    const u32 = (at: number) => dv.getUint32(o + at, true);
    layers.push({
      index: i,
      name: text(bytes, o, 32),
      type: text(bytes, o + 32, 16),
      inputShape: [u16(0), u16(1), u16(2)],
      outputShape: [u16(3), u16(4), u16(5)],
      macs: u32(60),
      weightAddress: u32(64),
      weightBytes: u32(68),
      inOffset: u32(72),
      outOffset: u32(76),
      outBytes: u32(80),
      scratchBytes: u32(84),
    });
  }
  return {
    markerPort: dv.getUint16(10, true),
    arenaAddress: dv.getUint32(12, true),
    arenaBytes: dv.getUint32(16, true),
    arenaLowerBoundBytes: dv.getUint32(20, true),
    layers,
  };
}

/** A NUL-padded ASCII field. */
function text(bytes: Uint8Array, at: number, length: number): string {
  let end = at;
  while (end < at + length && bytes[end] !== 0) end++;
  return String.fromCharCode(...bytes.subarray(at, end));
}
