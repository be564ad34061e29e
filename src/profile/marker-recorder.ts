/**
 * Per-layer and per-frame timing from the firmware's ITM markers (firmware/nn/LAYER-TABLE.md): each
 * marker write carries the core's cycle count at the instant of the store, so a layer's cycles are
 * end - start, whatever runs in between (interrupts included). At each layer boundary it also takes
 * the lowest stack pointer of the layer (from the function profiler's window) and compares the
 * activation arena with its copy from the layer's start: the bytes that changed are the bytes the
 * layer wrote (a write of the value already there is not seen; no other cost per store).
 */
import type { Cpu } from '../cpu/cpu.js';
import type { LayerTable } from './layer-table.js';

const LAYER_START = 0x01;
const LAYER_END = 0x02;
const FRAME_START = 0x03;
const FRAME_END = 0x04;
/** ARMv7-M ARM C1.6.5 DEMCR and C1.7 ITM registers. */
const DEMCR = 0xe000edfc;
const TRCENA = 1 << 24;
const ITM_TCR = 0xe0000e80;
const ITMENA = 1;
const ITM_TER = 0xe0000e00;

export interface LayerMeasure {
  /** Inferences of this layer seen (start and end marker both). */
  runs: number;
  cycles: number;
  instructions: number;
  minCycles: number;
  maxCycles: number;
  /** Lowest SP while the layer ran (0xffffffff if never run). */
  lowestStackPointer: number;
  /** Most arena bytes the layer changed in one run. */
  arenaBytesWritten: number;
}

export interface FrameMeasure {
  frame: number;
  /** Cycles from the frame's start marker to its end marker (inference only). */
  inferenceCycles: number;
  /** Cycles from the previous frame's end (or the first instruction) to this frame's start: frame I/O. */
  ioCyclesBefore: number;
}

export interface MarkerData {
  layers: LayerMeasure[];
  frames: FrameMeasure[];
  markers: number;
  /** Cycles from the first to the last marker. */
  firstToLastMarkerCycles: number;
  /** Inference cycles (frame markers; else first to last marker) not inside any layer: the markers' own cost. */
  markerOverheadCycles: number;
  /** Highest arena offset + 1 that changed during the run. */
  arenaMeasuredPeakBytes: number;
  warnings: string[];
}

export class MarkerRecorder {
  private readonly layers: LayerMeasure[];
  private readonly openStart: (number | null)[];
  private readonly openInstructions: number[];
  private readonly snapshots: (Uint8Array | null)[];
  private frames: FrameMeasure[] = [];
  private frameStart: number | null = null;
  private frameNumber = -1;
  private lastFrameEnd = 0;
  private markers = 0;
  private firstMarker = -1;
  private lastMarker = -1;
  private arenaPeak = 0;
  private readonly warnings: string[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly table: LayerTable,
    /** Lowest SP since the last call, restarting the window (FunctionProfiler.takeStackWindow). */
    private readonly takeStackWindow: () => number,
    startCycles: number,
  ) {
    this.layers = table.layers.map(() => ({
      runs: 0, cycles: 0, instructions: 0, minCycles: Infinity, maxCycles: 0, lowestStackPointer: 0xffffffff, arenaBytesWritten: 0,
    }));
    this.openStart = table.layers.map(() => null);
    this.openInstructions = table.layers.map(() => 0);
    this.snapshots = table.layers.map(() => null);
    this.lastFrameEnd = startCycles;
  }

  /**
   * Turns the markers on as a debugger or SWO viewer does after reset (LAYER-TABLE.md: the firmware
   * never enables the ITM itself): DEMCR.TRCENA, ITM_TCR.ITMENA and the marker port's ITM_TER bit.
   */
  enableMarkers(): void {
    const bus = this.cpu.bus;
    bus.write(DEMCR, 4, (bus.read(DEMCR, 4) | TRCENA) >>> 0);
    bus.write(ITM_TCR, 4, (bus.read(ITM_TCR, 4) | ITMENA) >>> 0);
    bus.write(ITM_TER, 4, (bus.read(ITM_TER, 4) | (1 << this.table.markerPort)) >>> 0);
  }

  /** The runner's ITM sink for ports other than 0. */
  onItm(port: number, value: number, width: number, cycles: number): void {
    if (port !== this.table.markerPort || width !== 4) return;
    const kind = value >>> 24;
    const index = value & 0xffffff;
    this.markers++;
    if (this.firstMarker < 0) this.firstMarker = cycles;
    this.lastMarker = cycles;
    switch (kind) {
      case LAYER_START: return this.layerStart(index, cycles);
      case LAYER_END: return this.layerEnd(index, cycles);
      case FRAME_START:
        this.frameStart = cycles;
        this.frameNumber = index;
        return;
      case FRAME_END:
        if (this.frameStart === null || index !== this.frameNumber) return this.warn(`frame ${index} ended without starting`);
        this.frames.push({ frame: index, inferenceCycles: cycles - this.frameStart, ioCyclesBefore: this.frameStart - this.lastFrameEnd });
        this.lastFrameEnd = cycles;
        this.frameStart = null;
        return;
      default:
        this.warn(`unknown marker word 0x${(value >>> 0).toString(16)}`);
    }
  }

  result(): MarkerData {
    const inference = this.frames.length > 0
      ? this.frames.reduce((s, f) => s + f.inferenceCycles, 0)
      : Math.max(0, this.lastMarker - this.firstMarker);
    const inLayers = this.layers.reduce((s, l) => s + l.cycles, 0);
    return {
      layers: this.layers.map((l) => ({ ...l, minCycles: l.runs ? l.minCycles : 0 })),
      frames: this.frames,
      markers: this.markers,
      firstToLastMarkerCycles: Math.max(0, this.lastMarker - this.firstMarker),
      markerOverheadCycles: inference - inLayers,
      arenaMeasuredPeakBytes: this.arenaPeak,
      warnings: this.warnings,
    };
  }

  private layerStart(i: number, cycles: number): void {
    if (i >= this.layers.length) return this.warn(`layer ${i} started, the table has ${this.layers.length}`);
    this.takeStackWindow();
    this.openStart[i] = cycles;
    this.openInstructions[i] = this.cpu.instructions;
    if (this.table.arenaBytes > 0) this.snapshots[i] = this.cpu.bus.readBytes(this.table.arenaAddress, this.table.arenaBytes);
  }

  private layerEnd(i: number, cycles: number): void {
    const start = i < this.layers.length ? this.openStart[i] : null;
    if (start === null || start === undefined) return this.warn(`layer ${i} ended without starting`);
    const l = this.layers[i]!;
    const c = cycles - start;
    l.runs++;
    l.cycles += c;
    l.instructions += this.cpu.instructions - this.openInstructions[i]!;
    l.minCycles = Math.min(l.minCycles, c);
    l.maxCycles = Math.max(l.maxCycles, c);
    l.lowestStackPointer = Math.min(l.lowestStackPointer, this.takeStackWindow());
    this.openStart[i] = null;
    const before = this.snapshots[i];
    if (before) {
      const after = this.cpu.bus.readBytes(this.table.arenaAddress, this.table.arenaBytes);
      let changed = 0;
      for (let k = 0; k < after.length; k++) {
        if (after[k] !== before[k]) {
          changed++;
          if (k + 1 > this.arenaPeak) this.arenaPeak = k + 1;
        }
      }
      l.arenaBytesWritten = Math.max(l.arenaBytesWritten, changed);
      this.snapshots[i] = null;
    }
  }

  private warn(message: string): void {
    if (this.warnings.length < 10) this.warnings.push(`layer markers: ${message}`);
  }
}
