// The detector's README figures on its default board: per-frame inference cycles and ms at the
// board's clock (the app sets 100 MHz and the ART on an STM32F411), cycles and MACs per cycle of
// every layer and by layer type (from the ITM layer markers and the layer table), flash and SRAM by
// section, and the arena plan. Run: npx tsx test/firmware/detector-numbers.ts [board] [frames.bin]
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/codegen/firmware-build.js';
import { quantizeDetector } from '../../src/nn/quant/quantize.js';
import { nodeMacs } from '../../src/nn/quant/graph.js';
import { layerType } from '../../src/codegen/layer-table.js';
import { DEFAULT_MODEL } from '../../src/codegen/firmware-build.js';
import { buildDetector, runInMcusim } from './detector-support.js';

const board = process.argv[2] ?? 'stm32f411re';
const frames = process.argv[3] ?? join(REPO_ROOT, 'firmware/frames/sample.bin');
const build = await buildDetector(board);
const graph = quantizeDetector(DEFAULT_MODEL);
const run = await runInMcusim(build.elfPath, board, [frames], { markers: true });
if (run.exitCode !== 0) throw new Error(`detector failed: ${run.result.message}\n${run.stderr}`);

const layerCycles = new Float64Array(graph.nodes.length);
const frameCycles: number[] = [];
let open = 0, frameStart = 0;
for (const { word, cycles } of run.markers) {
  const kind = word >>> 24, i = word & 0xffffff;
  if (kind === 1) open = cycles;
  if (kind === 2) layerCycles[i]! += cycles - open;
  if (kind === 3) frameStart = cycles;
  if (kind === 4) frameCycles.push(cycles - frameStart);
}
const n = frameCycles.length;
const mean = frameCycles.reduce((a, b) => a + b, 0) / n;
const hz = run.result.coreClockHz;
const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
console.log(`board ${board} at ${hz / 1e6} MHz, ${n} frames; inference ${fmt(mean)} cycles = ${(mean / hz * 1e3).toFixed(2)} ms per frame; ` +
  `${fmt(build.macs)} MACs: ${(build.macs / mean).toFixed(3)} MAC/cycle overall`);
console.log('\n| layer | type | MACs | cycles | MAC/cycle |\n|---|---|---:|---:|---:|');
const byType = new Map<string, { macs: number; cycles: number }>();
graph.nodes.forEach((node, i) => {
  const macs = nodeMacs(graph, node), cycles = layerCycles[i]! / n, type = layerType(graph, node);
  const t = byType.get(type) ?? { macs: 0, cycles: 0 };
  byType.set(type, { macs: t.macs + macs, cycles: t.cycles + cycles });
  console.log(`| ${node.name} | ${type} | ${fmt(macs)} | ${fmt(cycles)} | ${macs ? (macs / cycles).toFixed(3) : '-'} |`);
});
console.log('\n| type | MACs | cycles | share of inference | MAC/cycle |\n|---|---:|---:|---:|---:|');
for (const [type, t] of [...byType].sort((a, b) => b[1].cycles - a[1].cycles)) {
  console.log(`| ${type} | ${fmt(t.macs)} | ${fmt(t.cycles)} | ${(100 * t.cycles / mean).toFixed(1)} % | ${t.macs ? (t.macs / t.cycles).toFixed(3) : '-'} |`);
}
const m = build.memory;
console.log(`\nflash ${m.flashBytes} of ${m.flashCapacity}, SRAM ${m.sramBytes} of ${m.sramCapacity} (stack reserve ${m.stackReserve}); ` +
  `arena ${build.arena.peakBytes} (lower bound ${build.arena.lowerBoundBytes}, with concat copies ${build.arena.copyConcatLowerBoundBytes})`);
for (const s of m.sections) console.log(`  ${s.name.padEnd(14)} ${String(s.bytes).padStart(7)}  flash ${s.flashBytes}  sram ${s.sramBytes}`);
console.log(build.elfPath);
