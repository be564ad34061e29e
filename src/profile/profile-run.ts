/**
 * A profiled run: sets up the function profiler (the core's execution observer) and the layer-marker
 * recorder for one ELF, then turns the run's result into the report model (src/report/schema.ts),
 * plain data that no longer refers to the machine.
 */
import type { Cpu } from '../cpu/cpu.js';
import type { ExecutionObserver } from '../cpu/observer.js';
import type { ElfImage } from '../elf/index.js';
import type { Board } from '../mcu/boards/types.js';
import type { RunResult } from '../sim/runner.js';
import { REPORT_SCHEMA, REPORT_VERSION, type Report, type RunSummary } from '../report/schema.js';
import { FunctionProfiler } from './function-profiler.js';
import { readLayerTable, type LayerTable } from './layer-table.js';
import { MarkerRecorder } from './marker-recorder.js';
import { staticMemory } from './memory.js';
import { cycleStats } from './stats.js';
import { functionsReport } from './function-rows.js';
import { energyReport } from './energy.js';

export interface Profiling {
  layerTable: LayerTable | null;
  /** For RunOptions.observer. */
  observer: (cpu: Cpu) => ExecutionObserver;
  /** For RunOptions.onItm. */
  onItm: (port: number, value: number, width: 1 | 2 | 4, cycles: number) => void;
  /** The report of the finished run. */
  report(result: RunResult, elfPath: string): Report;
}

export function startProfiling(image: ElfImage, elfBytes: Uint8Array, board: Board): Profiling {
  const table = readLayerTable(image, elfBytes);
  let profiler: FunctionProfiler | null = null;
  let markers: MarkerRecorder | null = null;
  const code = codeSpan(image);
  return {
    layerTable: table,
    observer: (cpu) => {
      const p = new FunctionProfiler(cpu, image.symbolIndex, code);
      profiler = p;
      if (table) {
        const m = new MarkerRecorder(cpu, table, () => p.takeStackWindow(), cpu.cycles);
        markers = m;
        p.onStart = () => m.enableMarkers();
      }
      return p;
    },
    onItm: (port, value, width, cycles) => markers?.onItm(port, value, width, cycles),
    report: (result, elfPath) => buildReport(result, elfPath, image, board, table, profiler, markers),
  };
}

/** The executable segments' span: where the profiler keeps its per-halfword instruction kinds. */
function codeSpan(image: ElfImage): { base: number; size: number } {
  const x = image.segments.filter((s) => (s.flags & 1) !== 0 && s.memsz > 0);
  if (x.length === 0) return { base: 0, size: 0 };
  const base = Math.min(...x.map((s) => s.vaddr));
  const end = Math.max(...x.map((s) => s.vaddr + s.memsz));
  return { base, size: Math.min(end - base, 16 << 20) };
}

export function runSummary(r: RunResult): RunSummary {
  const m = r.machine;
  return {
    stop: r.stop,
    exitCode: r.exitCode ?? null,
    message: r.message,
    instructions: r.instructions,
    cycles: r.cycles,
    simulatedMs: m.simulatedSeconds() * 1000,
    cyclesPerInstruction: r.instructions ? r.cycles / r.instructions : 0,
    wallMs: r.wallMs,
    simulatedMips: r.wallMs > 0 ? r.instructions / r.wallMs / 1000 : 0,
    exceptionsTaken: r.exceptionsTaken,
    stalls: { ...m.cpu.stalls },
    stallCycles: { ...m.timing.stallBreakdown(), sleep: m.cpu.stalls.sleep },
    fault: r.fault ? (JSON.parse(JSON.stringify(r.fault)) as Record<string, unknown>) : null,
    unmodelledAccesses: r.unmodelledAccesses.count,
    warnings: r.warnings,
  };
}

function boardSizes(board: Board): { flashBytes: number; sramBytes: number } {
  const sum = (kinds: string[]) => board.memory.filter((m) => kinds.includes(m.kind)).reduce((s, m) => s + m.size, 0);
  return { flashBytes: sum(['flash']), sramBytes: sum(['sram', 'ccm']) };
}

function buildReport(
  r: RunResult, elfPath: string, image: ElfImage, board: Board, table: LayerTable | null,
  profiler: FunctionProfiler | null, markers: MarkerRecorder | null,
): Report {
  const clockHz = r.coreClockHz;
  const mem = staticMemory(image, board, table);
  const top = profiler && profiler.stackTop >= 0 ? profiler.stackTop : null;
  const lowest = profiler ? profiler.lowestStackPointer() : 0xffffffff;
  const stack = top !== null && lowest !== 0xffffffff ? { topAddress: top, lowestAddress: lowest, highWaterBytes: Math.max(0, top - lowest) } : null;
  const heap = profiler && profiler.heapStart >= 0 ? { startAddress: profiler.heapStart, highWaterBytes: Math.max(0, profiler.heapHighEnd - profiler.heapStart) } : null;
  const md = markers ? (markers as MarkerRecorder).result() : null;
  const run = runSummary(r);
  if (md) run.warnings = [...run.warnings, ...md.warnings];
  const layers = table && md ? {
    rows: table.layers.map((l, i) => {
      const m = md.layers[i]!;
      const inBytes = l.inputShape[0] * l.inputShape[1] * l.inputShape[2];
      return {
        index: i, name: l.name, type: l.type, inputShape: l.inputShape, outputShape: l.outputShape,
        macs: l.macs, weightBytes: l.weightBytes,
        weightSymbol: mem.layerWeights[i]?.symbol ?? null, weightSymbolBytes: mem.layerWeights[i]?.symbolBytes ?? null,
        runs: m.runs, cycles: m.runs ? m.cycles / m.runs : 0, totalCycles: m.cycles,
        minCycles: m.minCycles, maxCycles: m.maxCycles, instructions: m.runs ? m.instructions / m.runs : 0,
        sramBytes: inBytes + l.outBytes + l.scratchBytes,
        arenaBytesWritten: m.arenaBytesWritten,
        stackHighWaterBytes: top !== null && m.lowestStackPointer !== 0xffffffff ? Math.max(0, top - m.lowestStackPointer) : null,
      };
    }),
    markers: md.markers,
    firstToLastMarkerCycles: md.firstToLastMarkerCycles,
    markerOverheadCycles: md.markerOverheadCycles,
    arena: { address: table.arenaAddress, plannedBytes: table.arenaBytes, lowerBoundBytes: table.arenaLowerBoundBytes, measuredPeakBytes: md.arenaMeasuredPeakBytes },
  } : null;
  const frames = md && md.frames.length > 0 ? {
    count: md.frames.length,
    inference: cycleStats(md.frames.map((f) => f.inferenceCycles)),
    io: cycleStats(md.frames.map((f) => f.ioCyclesBefore)),
    perFrame: md.frames,
  } : null;
  const functions = profiler ? functionsReport((profiler as FunctionProfiler).result()) : null;
  return {
    schema: REPORT_SCHEMA, version: REPORT_VERSION,
    elf: elfPath,
    board: { name: board.name, coreClockHz: clockHz, ...boardSizes(board) },
    run,
    memory: {
      flashBytes: mem.flashBytes, sramStaticBytes: mem.sramStaticBytes, dataBytes: mem.dataBytes, bssBytes: mem.bssBytes,
      sections: mem.sections, symbols: mem.symbols, stack, heap,
      sramPeakBytes: mem.sramStaticBytes + (stack?.highWaterBytes ?? 0) + (heap?.highWaterBytes ?? 0),
    },
    layers,
    frames,
    functions,
    energy: energyReport(board, clockHz, run.cycles, frames?.inference.meanCycles ?? null),
  };
}
