/**
 * The `.mcusim.layers` section as C (format in firmware/nn/LAYER-TABLE.md): a header and one
 * 96-byte record per layer, in execution order. Addresses (arena, weight symbols) and weight sizes
 * (sizeof the layer's symbol) are left to the compiler and linker, so the table can never disagree
 * with the binary.
 */
import type { QNode, QuantizedGraph } from '../nn/quant/graph.js';
import { cString } from './c-source.js';

export const LAYER_TABLE_MAGIC = 'MLT1';
export const LAYER_TABLE_VERSION = 1;
export const LAYER_RECORD_BYTES = 96;
export const LAYER_TABLE_HEADER_BYTES = 32;
export const MARKER_PORT = 1;
export const LAYER_NAME_BYTES = 32;
export const LAYER_TYPE_BYTES = 16;

export interface LayerRecord {
  name: string;
  type: string;
  inShape: [number, number, number];
  outShape: [number, number, number];
  macs: number;
  /** C symbol of the layer's constant data, or null. */
  weightSymbol: string | null;
  inOffset: number;
  outOffset: number;
  outBytes: number;
  scratchBytes: number;
  /** Bytes between two pixels of the first input / the output (> channels inside a concat buffer). */
  inStride: number;
  outStride: number;
}

/** The layer table's type string of a node (firmware/nn/LAYER-TABLE.md lists them). */
export function layerType(graph: QuantizedGraph, node: QNode): string {
  switch (node.op) {
    case 'conv2d': return node.kh === 1 && node.kw === 1 ? 'conv2d_1x1' : 'conv2d';
    case 'depthwiseConv2d': return 'depthwise';
    case 'maxPool': return 'maxpool';
    case 'globalPool': return node.kind === 'avg' ? 'global_avgpool' : 'global_maxpool';
    case 'channelMeanMax': return 'channel_meanmax';
    case 'sigmoid': return 'sigmoid';
    case 'mul': return node.broadcast === 'channel' ? 'mul_channel' : 'mul_pixel';
    case 'add': return 'add';
    case 'concat': return 'concat';
    case 'resizeNearest': {
      const i = graph.tensors[node.inputs[0]!]!.shape, o = graph.tensors[node.outputs[0]]!.shape;
      return o[1] * o[2] >= i[1] * i[2] ? 'upsample' : 'downsample';
    }
  }
}

/**
 * A layer name that fits the record's 31 characters + NUL: long names keep their last components
 * (the distinctive end, `stage3.attention.conv`) behind a `~`.
 */
export function tableName(name: string): string {
  const max = LAYER_NAME_BYTES - 1;
  if (name.length <= max) return name;
  return `~${name.slice(name.length - (max - 1))}`;
}

function checkU16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`layer table: ${what} ${v} does not fit u16`);
  return v;
}

/** C source of the section; `arenaSymbol` is the arena array's name. */
export function layerTableC(records: LayerRecord[], arena: { symbol: string; bytes: number; lowerBound: number }): string {
  const rows = records.map((r) => {
    const shape = [...r.inShape, ...r.outShape].map((v, i) => checkU16(v, `${r.name}: shape[${i}]`)).join(', ');
    return `    {${cString(tableName(r.name))}, ${cString(r.type.slice(0, LAYER_TYPE_BYTES - 1))}, {${shape}}, ${r.macs}u,\n` +
      `     ${r.weightSymbol ? `&${r.weightSymbol}, sizeof ${r.weightSymbol}` : '0, 0'}, ${r.inOffset}u, ${r.outOffset}u, ${r.outBytes}u, ${r.scratchBytes}u,
     ${checkU16(r.inStride, `${r.name}: in_stride`)}, ${checkU16(r.outStride, `${r.name}: out_stride`)}, 0},`;
  });
  return `/* The layer table (firmware/nn/LAYER-TABLE.md): not allocated, read by mcusim's profiler. */
typedef struct {
  char name[${LAYER_NAME_BYTES}];
  char type[${LAYER_TYPE_BYTES}];
  uint16_t shape[6];
  uint32_t macs;
  const void *weight_addr;
  uint32_t weight_bytes, in_offset, out_offset, out_bytes, scratch_bytes;
  uint16_t in_stride, out_stride; /* pixel strides (bytes) */
  uint32_t reserved;
} mcusim_layer_record_t;
_Static_assert(sizeof(mcusim_layer_record_t) == ${LAYER_RECORD_BYTES}, "layer record layout");

__attribute__((section(".mcusim.layers"), used)) const struct {
  char magic[4];
  uint16_t version, layer_count, record_size, marker_port;
  const void *arena_addr;
  uint32_t arena_bytes, arena_lower_bound;
  uint32_t reserved[2];
  mcusim_layer_record_t records[${records.length}];
} mcusim_layer_table = {
  {'M', 'L', 'T', '1'}, ${LAYER_TABLE_VERSION}, ${records.length}, ${LAYER_RECORD_BYTES}, ${MARKER_PORT},
  ${arena.symbol}, ${arena.bytes}u, ${arena.lowerBound}u, {0, 0},
  {
${rows.join('\n')}
  },
};
`;
}
