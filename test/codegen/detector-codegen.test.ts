// The generated detector: its arena plan (no two live tensors overlap, within 10 % of the lower bound,
// concat inputs in place), the layer table inside the linked ELF against the graph and the ELF's own
// symbols (firmware/nn/LAYER-TABLE.md), the build cache and board fit, and `mcusim build`'s one-line
// failures (toolchain missing, malformed model) with their exit codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeDetector } from '../../src/nn/quant/quantize.js';
import { nodeMacs, type QuantizedGraph } from '../../src/nn/quant/graph.js';
import { buildFirmware, DEFAULT_MODEL, type FirmwareBuild } from '../../src/codegen/firmware-build.js';
import { concatViews, graphLifetimes, planGraphArena } from '../../src/codegen/graph-plan.js';
import { layerType, tableName } from '../../src/codegen/layer-table.js';
import { appBuffers, layerSymbol } from '../../src/codegen/model-source.js';
import { BUILD_EXIT } from '../../src/cli/build.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { readElf } from '../../src/elf/index.js';
import { MCUSIM_BIN } from '../support/driver.js';

let graph: QuantizedGraph;
let f411: FirmwareBuild;

beforeAll(async () => {
  graph = quantizeDetector(DEFAULT_MODEL);
  f411 = await buildFirmware({ board: loadBoard('stm32f411re') });
}, 300_000);

describe('arena plan of the shipped detector', () => {
  it('no two tensors alive at one step share a byte; peak within 10 % of the lower bound', () => {
    // The plan the build uses: layers, kernel scratch and the app's frame and candidate buffers.
    const arena = planGraphArena(graph, true, appBuffers(graph));
    const lifetimes = graphLifetimes(graph, appBuffers(graph));
    expect(lifetimes.map((t) => t.name)).toEqual(expect.arrayContaining(['frame', 'candidates']));
    const viewList = concatViews(graph);
    const views = new Set(viewList.map((v) => v.name));
    const containerOf = new Map(viewList.map((v) => [v.name, v.container]));
    const insideOf = (part: string, whole: string): boolean => {
      for (let c = containerOf.get(part); c; c = containerOf.get(c)) if (c === whole) return true;
      return false;
    };
    // Byte sets per tensor (concat inputs are strided slices of their concat's buffer).
    const bytesOf = (name: string): Set<number> => {
      const t = lifetimes.find((l) => l.name === name)!;
      const start = arena.plan.offsets.get(name)!;
      if (!name.startsWith('t')) return new Set(Array.from({ length: t.bytes }, (_, i) => start + i));
      const id = Number(name.slice(1));
      const [, h, w, c] = graph.tensors[id]!.shape;
      const stride = arena.strideOf(id);
      const set = new Set<number>();
      for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) set.add(start + p * stride + k);
      return set;
    };
    const sets = new Map(lifetimes.map((t) => [t.name, bytesOf(t.name)]));
    for (const a of lifetimes) {
      for (const b of lifetimes) {
        if (a.name >= b.name || a.firstStep > b.lastStep || b.firstStep > a.lastStep) continue;
        if (insideOf(a.name, b.name) || insideOf(b.name, a.name)) continue; // a concat input is its slice of the output
        const sa = sets.get(a.name)!;
        const shared = [...sets.get(b.name)!].filter((x) => sa.has(x)).length;
        expect(shared, `${a.name} and ${b.name}`).toBe(0);
      }
    }
    for (const s of sets.values()) for (const x of s) expect(x).toBeLessThan(arena.plan.peakBytes);
    expect(arena.plan.peakBytes).toBeGreaterThanOrEqual(arena.plan.lowerBoundBytes);
    expect(arena.plan.peakBytes).toBeLessThanOrEqual(1.1 * arena.plan.lowerBoundBytes);
    // Every concat input of the detector is written in place: no concat copies anything.
    expect(views.size).toBe(graph.nodes.filter((n) => n.op === 'concat').reduce((s, n) => s + n.inputs.length, 0));
    expect(arena.copyLowerBoundBytes).toBeGreaterThanOrEqual(arena.plan.lowerBoundBytes);
    const modelC = readFileSync(join(f411.buildDir, 'model.c'), 'utf8');
    expect(modelC).not.toContain('nn_copy_channels_s8');
  });
});

interface TableRecord {
  name: string; type: string; shape: number[]; macs: number; weightAddr: number; weightBytes: number;
  inOffset: number; outOffset: number; outBytes: number; scratchBytes: number; inStride: number; outStride: number;
}

function readLayerTable(elfPath: string) {
  const bytes = readFileSync(elfPath);
  const image = readElf(new Uint8Array(bytes), elfPath);
  const s = image.sections.find((x) => x.name === '.mcusim.layers')!;
  const b = bytes.subarray(s.offset, s.offset + s.size);
  const str = (o: number, n: number) => b.subarray(o, o + n).toString('latin1').replace(/\0+$/, '');
  const count = b.readUInt16LE(6);
  const records: TableRecord[] = Array.from({ length: count }, (_, i) => {
    const o = 32 + 96 * i;
    return {
      name: str(o, 32), type: str(o + 32, 16), shape: Array.from({ length: 6 }, (_, k) => b.readUInt16LE(o + 48 + 2 * k)),
      macs: b.readUInt32LE(o + 60), weightAddr: b.readUInt32LE(o + 64), weightBytes: b.readUInt32LE(o + 68),
      inOffset: b.readUInt32LE(o + 72), outOffset: b.readUInt32LE(o + 76), outBytes: b.readUInt32LE(o + 80),
      scratchBytes: b.readUInt32LE(o + 84), inStride: b.readUInt16LE(o + 88), outStride: b.readUInt16LE(o + 90),
    };
  });
  return {
    image, section: s, magic: str(0, 4), version: b.readUInt16LE(4), recordSize: b.readUInt16LE(8), markerPort: b.readUInt16LE(10),
    arenaAddr: b.readUInt32LE(12), arenaBytes: b.readUInt32LE(16), lowerBound: b.readUInt32LE(20), records,
  };
}

describe('layer table in the stm32f411re ELF', () => {
  it('header, one record per node in execution order, addresses resolved by the linker', () => {
    const t = readLayerTable(f411.elfPath);
    expect(t.section.flags & 2).toBe(0); // not allocated: no flash or SRAM
    expect([t.magic, t.version, t.recordSize, t.markerPort]).toEqual(['MLT1', 1, 96, 1]);
    const symbol = (name: string) => t.image.symbols.find((s) => s.name === name)!;
    const arena = symbol('mcusim_arena');
    expect(t.arenaAddr).toBe(arena.value);
    expect(t.arenaBytes).toBe(arena.size);
    expect([t.arenaBytes, t.lowerBound]).toEqual([f411.arena.peakBytes, f411.arena.lowerBoundBytes]);
    expect(t.records.length).toBe(graph.nodes.length);
    const plan = planGraphArena(graph, true, appBuffers(graph));
    graph.nodes.forEach((node, i) => {
      const r = t.records[i]!;
      const inT = graph.tensors[node.inputs[0]!]!, outT = graph.tensors[node.outputs[0]]!;
      expect(r.name).toBe(tableName(node.name));
      expect(r.type).toBe(layerType(graph, node));
      expect(r.shape).toEqual([...inT.shape.slice(1), ...outT.shape.slice(1)]);
      expect(r.macs).toBe(nodeMacs(graph, node));
      expect([r.inOffset, r.outOffset]).toEqual([plan.offsetOf(node.inputs[0]!), plan.offsetOf(node.outputs[0])]);
      expect([r.inStride, r.outStride]).toEqual([plan.strideOf(node.inputs[0]!), plan.strideOf(node.outputs[0])]);
      expect(r.outBytes).toBe(outT.shape[1] * outT.shape[2] * outT.shape[3]);
      const sym = t.image.symbols.find((s) => s.name === layerSymbol(node.name));
      if (r.weightAddr === 0) {
        expect(['maxPool', 'globalPool', 'channelMeanMax', 'mul', 'concat', 'resizeNearest']).toContain(node.op);
      } else {
        expect(r.weightAddr).toBe(sym!.value);
        expect(r.weightBytes).toBe(sym!.size);
        expect(r.weightAddr).toBeGreaterThanOrEqual(0x08000000); // weights stay in flash
      }
    });
    expect(t.records.reduce((s, r) => s + r.macs, 0)).toBe(f411.macs);
    expect(new Set(t.records.map((r) => r.name)).size).toBe(t.records.length);
  });
});

describe('builds', () => {
  it('an unchanged build is reused; -Os and the 64 KB STM32L432KC build with -Wall -Wextra -Werror and fit', async () => {
    const first = await buildFirmware({ board: loadBoard('stm32f411re') });
    const again = await buildFirmware({ board: loadBoard('stm32f411re') });
    expect(again.cached).toBe(true);
    expect(again.elfPath).toBe(first.elfPath);
    expect(f411.memory.flashBytes).toBeLessThanOrEqual(f411.memory.flashCapacity);
    expect(f411.memory.sramBytes).toBeLessThanOrEqual(f411.memory.sramCapacity);
    const l432 = await buildFirmware({ board: loadBoard('stm32l432kc'), opt: 'Os' });
    expect(l432.memory.flashCapacity).toBe(256 * 1024);
    expect(l432.memory.sramCapacity).toBe(64 * 1024);
    expect(l432.memory.flashBytes).toBeLessThanOrEqual(l432.memory.flashCapacity);
    expect(l432.memory.sramBytes).toBeLessThanOrEqual(l432.memory.sramCapacity);
  }, 300_000);
});

describe('mcusim build failures: one line and a documented exit code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcusim-build-'));
  const mcusim = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'build', ...args], { encoding: 'utf8', timeout: 120_000, env });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const oneLine = (stderr: string, pattern: RegExp) => {
    const lines = stderr.trimEnd().split('\n').filter((l) => !l.startsWith('mcusim build: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('arm-none-eabi-gcc missing', () => {
    const r = mcusim(['--board', 'mps2-an386'], { ...process.env, PATH: dir });
    oneLine(r.stderr, /^mcusim: arm-none-eabi-gcc not found on PATH/);
    expect(r.code).toBe(BUILD_EXIT.toolchainMissing);
  });

  it.each([
    ['not JSON', '{"format": '],
    ['not a weights file', '{"format": "something-else"}'],
    ['a tensor missing', JSON.stringify({ ...JSON.parse(readFileSync(DEFAULT_MODEL, 'utf8')), tensors: {} })],
  ])('malformed model: %s', (name, text) => {
    const model = join(dir, `${name.replace(/ /g, '-')}.json`);
    writeFileSync(model, text);
    const r = mcusim(['--model', model]);
    oneLine(r.stderr, new RegExp(`^mcusim: ${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(r.code).toBe(BUILD_EXIT.usage);
    expect(r.stdout).toBe('');
  });

  it('prints the summary and the ELF path as the last stdout line', () => {
    const r = mcusim(['-o', join(dir, 'd.elf')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(join(dir, 'd.elf'));
    expect(r.stdout).toMatch(/arena: \d+ bytes planned, lower bound \d+/);
    expect(r.stdout).toMatch(/flash: .* of 512\.0 KiB.*SRAM: .* of 128\.0 KiB/);
  });
});
