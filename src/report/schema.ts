/**
 * The report model: plain data, no live machine, validated with zod when read back. One report per
 * run: the run summary, memory (flash/SRAM by section and symbol, stack, heap, arena), the per-layer
 * table and per-frame latency when the ELF has a layer table, the per-function profile (flat rows
 * and the call tree), energy per frame. Units are in the names (DESIGN.md conventions): cycles at
 * the core clock, bytes, ms at `board.coreClockHz`.
 *
 * Versions: `mcusim.report` version 2 is this one. Version 1 (`schema: "mcusim.run/1"`, the run
 * summary alone) is read and upgraded (no profile); any other schema or version is refused with one
 * line saying which was found (readReport in ./read-report.ts).
 */
import { z } from 'zod';

export const REPORT_SCHEMA = 'mcusim.report';
export const REPORT_VERSION = 2;

/** Extra cycles by cause (src/cpu/cycle-model.ts STALL_CAUSES) plus sleep. */
export const STALL_CAUSE_NAMES = ['flashWait', 'branch', 'loadStore', 'mulDiv', 'fpu', 'exception', 'other', 'sleep'] as const;
const stallCycles = z.object(Object.fromEntries(STALL_CAUSE_NAMES.map((c) => [c, z.number()])) as Record<(typeof STALL_CAUSE_NAMES)[number], z.ZodNumber>);

const stats = z.object({
  meanCycles: z.number(),
  medianCycles: z.number(),
  p95Cycles: z.number(),
  minCycles: z.number(),
  maxCycles: z.number(),
});

export const runSummarySchema = z.object({
  stop: z.enum(['exit', 'lockup', 'cycle-limit', 'instruction-limit', 'timeout', 'stopped']),
  exitCode: z.number().nullable(),
  message: z.string(),
  instructions: z.number(),
  cycles: z.number(),
  /** Simulated time: cycles at the core clock in force when they ran (RCC changes included). */
  simulatedMs: z.number(),
  cyclesPerInstruction: z.number(),
  wallMs: z.number(),
  simulatedMips: z.number(),
  exceptionsTaken: z.number(),
  /** The DWT profiling counters' totals (ARMv7-M C1.8). */
  stalls: z.object({ cpi: z.number(), exc: z.number(), sleep: z.number(), lsu: z.number(), fold: z.number() }),
  stallCycles,
  /** Lockup details (src/sim/fault-report.ts), kept as the simulator wrote them. */
  fault: z.record(z.string(), z.unknown()).nullable(),
  unmodelledAccesses: z.number(),
  warnings: z.array(z.string()),
});

const section = z.object({ name: z.string(), address: z.number(), bytes: z.number(), flashBytes: z.number(), sramBytes: z.number() });
const symbol = z.object({
  name: z.string(), address: z.number(), bytes: z.number(),
  kind: z.enum(['function', 'object']), region: z.enum(['flash', 'sram', 'other']),
});

export const memorySchema = z.object({
  flashBytes: z.number(),
  sramStaticBytes: z.number(),
  dataBytes: z.number(),
  bssBytes: z.number(),
  sections: z.array(section),
  /** Functions and objects by size, largest first. */
  symbols: z.array(symbol),
  /** Stack from main's entry: its top (SP there), the lowest SP seen, the difference. */
  stack: z.object({ topAddress: z.number(), lowestAddress: z.number(), highWaterBytes: z.number() }).nullable(),
  /** newlib's _sbrk: the first break and the highest break asked for. */
  heap: z.object({ startAddress: z.number(), highWaterBytes: z.number() }).nullable(),
  /** Static SRAM + stack high-water + heap high-water. */
  sramPeakBytes: z.number(),
});

export const layerRowSchema = z.object({
  index: z.number(),
  name: z.string(),
  type: z.string(),
  inputShape: z.array(z.number()),
  outputShape: z.array(z.number()),
  macs: z.number(),
  weightBytes: z.number(),
  weightSymbol: z.string().nullable(),
  weightSymbolBytes: z.number().nullable(),
  runs: z.number(),
  /** Mean cycles of one inference of this layer. */
  cycles: z.number(),
  totalCycles: z.number(),
  minCycles: z.number(),
  maxCycles: z.number(),
  instructions: z.number(),
  /** Planned activation bytes while the layer runs: its output + scratch (+ input when it is a separate tensor). */
  sramBytes: z.number(),
  arenaBytesWritten: z.number(),
  /** Stack below main's entry SP while the layer ran. */
  stackHighWaterBytes: z.number().nullable(),
});

export const layersSchema = z.object({
  rows: z.array(layerRowSchema),
  markers: z.number(),
  firstToLastMarkerCycles: z.number(),
  /** Inference cycles outside every layer: what the markers themselves cost (plus glue code). */
  markerOverheadCycles: z.number(),
  arena: z.object({ address: z.number(), plannedBytes: z.number(), lowerBoundBytes: z.number(), measuredPeakBytes: z.number() }),
});

export const framesSchema = z.object({
  count: z.number(),
  inference: stats,
  /** Frame I/O and post-processing: from a frame's end (or the start of the run) to the next frame's start. */
  io: stats,
  perFrame: z.array(z.object({ frame: z.number(), inferenceCycles: z.number(), ioCyclesBefore: z.number() })),
});

export const functionRowSchema = z.object({
  name: z.string(),
  address: z.number(),
  calls: z.number(),
  selfCycles: z.number(),
  /** Inclusive: self plus callees, each call counted once even under recursion. */
  totalCycles: z.number(),
  selfInstructions: z.number(),
  stallCycles,
});

export const functionsSchema = z.object({
  totalCycles: z.number(),
  totalInstructions: z.number(),
  rows: z.array(functionRowSchema),
  /** The call tree: node 0 is the root; `fn` indexes `names`. */
  tree: z.object({
    names: z.array(z.string()),
    nodes: z.array(z.object({ fn: z.number(), parent: z.number(), calls: z.number(), cycles: z.number(), instructions: z.number() })),
  }),
});

export const energySchema = z.object({
  supplyVolts: z.number(),
  runCurrentMilliamps: z.number(),
  /** The datasheet row used (board profile). */
  source: z.string(),
  totalMicrojoules: z.number(),
  perFrameMicrojoules: z.number().nullable(),
});

export const reportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA),
  version: z.literal(REPORT_VERSION),
  elf: z.string(),
  board: z.object({ name: z.string(), coreClockHz: z.number(), flashBytes: z.number(), sramBytes: z.number() }),
  run: runSummarySchema,
  memory: memorySchema.nullable(),
  layers: layersSchema.nullable(),
  frames: framesSchema.nullable(),
  functions: functionsSchema.nullable(),
  energy: energySchema.nullable(),
});

export type Report = z.infer<typeof reportSchema>;
export type RunSummary = z.infer<typeof runSummarySchema>;
export type MemoryReport = z.infer<typeof memorySchema>;
export type LayerRow = z.infer<typeof layerRowSchema>;
export type LayersReport = z.infer<typeof layersSchema>;
export type FramesReport = z.infer<typeof framesSchema>;
export type FunctionsReport = z.infer<typeof functionsSchema>;
export type FunctionRow = z.infer<typeof functionRowSchema>;
export type EnergyReport = z.infer<typeof energySchema>;
export type StallCycles = z.infer<typeof stallCycles>;
