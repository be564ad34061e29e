// The kernels' cycle figures on the detector's layer shapes: the detector-case program of
// kernel-cases.ts built for the STM32F411RE (-O2, weights in flash) and run in mcusim at 100 MHz,
// 3 wait states, ART on; every kernel call timed with DWT CYCCNT and checked bit for bit against the
// host reference. Prints the Markdown table of firmware/nn/kernels/README.md.
//   npx tsx test/kernels/bench-kernels.ts
import { DETECTOR_CASES, caseMacs, type KernelCase } from './kernel-cases.js';
import { buildKernelProgram, runInMcusim } from './run-kernels.js';

/** CMSIS-NN s8 in our simulator on this detector's conv layers (issue 13), MAC/cycle per class. */
const CMSIS_NN: Record<string, number> = { 'first conv (1 channel)': 0.05, '3x3 conv': 0.27, '1x1 conv': 0.29, depthwise: 0.1 };

function layerClass(c: KernelCase): string | null {
  if (c.kind === 'dw') return 'depthwise';
  if (c.kind !== 'conv' || c.h * c.w === 1 || c.cout === 1) return null; // attention MLP / spatial conv: not in the anchor
  if (c.cin === 1) return 'first conv (1 channel)';
  return c.k === 1 ? '1x1 conv' : '3x3 conv';
}

async function main(): Promise<number> {
  const elf = await buildKernelProgram('kernels-bench', DETECTOR_CASES, 1, 'stm32f411re');
  const run = runInMcusim(elf, 'stm32f411re');
  if (run.exitCode !== 0 || run.results.length !== DETECTOR_CASES.length) {
    process.stderr.write(`kernel program failed (exit ${run.exitCode}):\n${run.stdout}`);
    return 1;
  }
  const lines = ['| layer (shape) | MACs | cycles | MAC/cycle |', '|---|---:|---:|---:|'];
  const sums = new Map<string, { macs: number; cycles: number }>();
  for (const r of run.results) {
    const c = DETECTOR_CASES[r.index]!;
    const macs = caseMacs(c);
    lines.push(`| ${c.name} | ${macs ? macs.toLocaleString('en') : '-'} | ${r.cycles.toLocaleString('en')} | ${macs ? (macs / r.cycles).toFixed(3) : '-'} |`);
    const cls = layerClass(c);
    for (const key of cls ? [cls, 'all conv layers'] : []) {
      const s = sums.get(key) ?? { macs: 0, cycles: 0 };
      s.macs += macs;
      s.cycles += r.cycles;
      sums.set(key, s);
    }
  }
  lines.push('', '| class | MACs | cycles | MAC/cycle | CMSIS-NN s8 |', '|---|---:|---:|---:|---:|');
  for (const [key, s] of sums) {
    const anchor = CMSIS_NN[key] ?? 0.256;
    lines.push(`| ${key} | ${s.macs.toLocaleString('en')} | ${s.cycles.toLocaleString('en')} | ${(s.macs / s.cycles).toFixed(3)} | ${anchor} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

process.exitCode = await main();
