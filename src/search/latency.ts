/**
 * Measured latency of a candidate detector: its weights -> `mcusim build` (int8 -> C -> ELF) ->
 * a profiled run of the firmware in the simulator -> latency per frame, per-layer cycles (ITM
 * markers, src/profile), flash and SRAM peak (the figures `mcusim check` budgets). No proxy.
 *
 * The per-layer latency table (NetAdapt's look-up table, measured here by simulation instead of
 * on a board) caches each layer's cycles by what decides them: the layer's kind and its input and
 * output shapes, the board, its core clock and its flash timing (wait states and ART geometry, as
 * the firmware configures them from the board profile). A candidate whose layers are all in the
 * table gets a predicted latency without compiling or simulating; `predictionError` compares a
 * prediction with the full run of the same candidate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readElf } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import { buildFirmware } from '../codegen/firmware-build.js';
import { clockPlan } from '../codegen/board-config.js';
import { layerType } from '../codegen/layer-table.js';
import { quantizeDetector } from '../nn/quant/quantize.js';
import { fromWeightsFile, toWeightsFile, type InputTransform } from '../nn/model/serialize.js';
import type { Detector } from '../nn/model/detector.js';
import { startProfiling } from '../profile/profile-run.js';
import { runElf } from '../sim/runner.js';
import { writeFileAtomic } from '../common/write-atomic.js';
import { readFrameFile, writeFrameFile } from '../nn/data/frame-file.js';

/**
 * The first `count` frames of a frame file written to `out`: latency per frame does not depend on
 * the frame (the int8 kernels do the same work on every input), so a short run measures it.
 */
export function latencyFrames(source: string, out: string, count = 1): string {
  const file = readFrameFile(source);
  writeFrameFile(out, { ...file, frames: file.frames.slice(0, count) });
  return out;
}

/** One layer as the latency table sees it. */
export interface LayerShape {
  name: string;
  type: string;
  inputShape: number[];
  outputShape: number[];
}

export interface Measurement {
  /** Mean inference cycles per frame (marker to marker) at the board's core clock. */
  latencyCycles: number;
  latencyMs: number;
  coreHz: number;
  /** Static SRAM + stack and heap high-water (what `mcusim check --max-sram` compares). */
  sramBytes: number;
  flashBytes: number;
  macs: number;
  layers: Array<LayerShape & { cycles: number }>;
  /** Inference cycles outside every layer (markers, glue). */
  outsideLayersCycles: number;
  elfPath: string;
}

/** The settings the table's entries depend on besides the layer: board, core clock, flash timing. */
export function platformKey(board: Board): string {
  const hz = clockPlan(board).coreHz;
  return `${board.name}@${hz}Hz:${JSON.stringify(board.flash ?? null)}`;
}

export function layerKey(layer: LayerShape): string {
  return `${layer.type}:${layer.inputShape.join('x')}->${layer.outputShape.join('x')}`;
}

/**
 * Builds the firmware of a weights file for the board and runs it, profiled, on the frame file.
 * `mcusim build`'s cache makes a second measurement of the same weights cost only the run.
 */
export async function measureFirmware(
  weightsPath: string, board: Board, framesPath: string, progress: (line: string) => void = () => {}, reportPath?: string,
): Promise<Measurement> {
  const build = await buildFirmware({ board, modelPath: weightsPath, progress });
  const elfBytes = new Uint8Array(readFileSync(build.elfPath));
  const profiling = startProfiling(readElf(elfBytes, build.elfPath), elfBytes, board);
  progress(`simulating ${build.elfPath}`);
  let firmwareErrors = '';
  const result = runElf({
    board, elfBytes, elfPath: build.elfPath, args: [framesPath], stdout: () => {},
    stderr: (bytes) => { firmwareErrors += Buffer.from(bytes).toString('utf8'); },
    // The firmware reads only the frame file, which the search wrote itself.
    fsRoot: dirname(framesPath),
    observer: profiling.observer, onItm: profiling.onItm,
  });
  const report = profiling.report(result, build.elfPath);
  if (result.exitCode !== 0 || !report.layers || !report.frames || !report.memory) {
    throw new Error(`${build.elfPath}: the firmware run did not finish with a per-layer profile (exit ${result.exitCode}: ${firmwareErrors.trim().split('\n')[0] ?? ''})`);
  }
  if (reportPath) writeFileAtomic(reportPath, JSON.stringify(report, null, 1) + '\n');
  const latencyCycles = report.frames.inference.meanCycles;
  const layers = report.layers.rows.map((r) => ({ name: r.name, type: r.type, inputShape: r.inputShape, outputShape: r.outputShape, cycles: r.cycles }));
  return {
    latencyCycles, latencyMs: (latencyCycles / build.coreHz) * 1000, coreHz: build.coreHz,
    sramBytes: report.memory.sramPeakBytes, flashBytes: report.memory.flashBytes, macs: build.macs,
    layers, outsideLayersCycles: latencyCycles - layers.reduce((s, l) => s + l.cycles, 0), elfPath: build.elfPath,
  };
}

/**
 * The firmware layers of a model without compiling: the quantiser's graph (a copy of the model is
 * folded; the original is untouched), named and typed as the firmware's layer table names them.
 */
export function firmwareLayers(model: Detector, transform: InputTransform): LayerShape[] {
  const copy = fromWeightsFile(toWeightsFile(model, transform, false), 'candidate').model;
  // Shapes do not depend on the calibration: a few frames are enough.
  const graph = quantizeDetector(copy, { inputTransform: transform, calibrationFrames: 4 });
  return graph.nodes.map((node) => {
    const inT = graph.tensors[node.inputs[0]!]!, outT = graph.tensors[node.outputs[0]]!;
    return { name: node.name, type: layerType(graph, node), inputShape: inT.shape.slice(1), outputShape: outT.shape.slice(1) };
  });
}

interface TableFile {
  format: 'mcusim-latency-table';
  version: 1;
  /** platformKey -> layerKey -> cycles; plus the cycles outside layers per platform. */
  platforms: Record<string, { layers: Record<string, number>; outsideLayersCycles: number }>;
}

export class LatencyTable {
  private data: TableFile = { format: 'mcusim-latency-table', version: 1, platforms: {} };

  constructor(private readonly path?: string) {
    if (path && existsSync(path)) {
      const read = JSON.parse(readFileSync(path, 'utf8')) as TableFile;
      if (read.format === 'mcusim-latency-table' && read.version === 1) this.data = read;
    }
  }

  get size(): number {
    return Object.values(this.data.platforms).reduce((s, p) => s + Object.keys(p.layers).length, 0);
  }

  /** Adds a measurement's layers (a later measurement of the same key replaces the earlier). */
  record(board: Board, m: Measurement): void {
    const p = (this.data.platforms[platformKey(board)] ??= { layers: {}, outsideLayersCycles: 0 });
    for (const l of m.layers) p.layers[layerKey(l)] = l.cycles;
    p.outsideLayersCycles = m.outsideLayersCycles;
  }

  /** Predicted inference cycles, or the layers the table does not know. */
  predict(board: Board, layers: LayerShape[]): { cycles: number } | { missing: LayerShape[] } {
    const p = this.data.platforms[platformKey(board)];
    const missing = layers.filter((l) => p?.layers[layerKey(l)] === undefined);
    if (!p || missing.length > 0) return { missing };
    return { cycles: layers.reduce((s, l) => s + p.layers[layerKey(l)]!, p.outsideLayersCycles) };
  }

  /**
   * Estimated inference cycles: table entries where the layer's shape was measured, otherwise the
   * same-named layer of a measured reference scaled by its work (input x output channels for a
   * full conv, output channels for everything else: the spatial sizes never change by pruning).
   */
  estimate(board: Board, layers: LayerShape[], reference: Measurement): { cycles: number; scaledLayers: number } {
    const p = this.data.platforms[platformKey(board)];
    const byName = new Map(reference.layers.map((l) => [l.name, l]));
    let cycles = p?.outsideLayersCycles ?? reference.outsideLayersCycles, scaledLayers = 0;
    for (const l of layers) {
      const known = p?.layers[layerKey(l)];
      if (known !== undefined) {
        cycles += known;
        continue;
      }
      const ref = byName.get(l.name);
      if (!ref) throw new Error(`latency estimate: layer ${l.name} is not in the reference measurement`);
      scaledLayers++;
      cycles += ref.cycles * workRatio(l, ref);
    }
    return { cycles, scaledLayers };
  }

  save(): void {
    if (this.path) writeFileAtomic(this.path, JSON.stringify(this.data) + '\n');
  }
}

function workRatio(l: LayerShape, ref: LayerShape): number {
  const outRatio = l.outputShape[2]! / ref.outputShape[2]!;
  return l.type.startsWith('conv2d') ? outRatio * (l.inputShape[2]! / ref.inputShape[2]!) : outRatio;
}

/** Relative error of a predicted latency against the measured one (0.01 = 1 %). */
export function predictionError(predictedCycles: number, measuredCycles: number): number {
  return (predictedCycles - measuredCycles) / measuredCycles;
}
