/**
 * The function profile as a speedscope file (https://www.speedscope.app/file-format-schema.json, the
 * schema the `speedscope` npm package ships): one "sampled" profile whose samples are the call tree's
 * paths, each weighted by the cycles spent in that node itself, so the flame graph's widths are
 * inclusive cycles and the sandwich view gives self cycles per function.
 */
import type { Report } from './schema.js';

export function renderSpeedscope(rep: Report): string {
  const f = rep.functions;
  if (!f) throw new Error('the report has no function profile');
  const nodes = f.tree.nodes;
  const frameOf = new Map<number, number>();
  const frames: { name: string }[] = [];
  const frameIndex = (fn: number): number => {
    let k = frameOf.get(fn);
    if (k === undefined) {
      k = frames.length;
      frames.push({ name: f.tree.names[fn] ?? `fn${fn}` });
      frameOf.set(fn, k);
    }
    return k;
  };
  const samples: number[][] = [];
  const weights: number[] = [];
  for (let k = 1; k < nodes.length; k++) {
    if (nodes[k]!.cycles <= 0) continue;
    const stack: number[] = [];
    for (let p = k; p > 0; p = nodes[p]!.parent) stack.push(frameIndex(nodes[p]!.fn));
    samples.push(stack.reverse());
    weights.push(nodes[k]!.cycles);
  }
  const total = weights.reduce((s, w) => s + w, 0);
  return JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [{
      type: 'sampled',
      name: `${rep.elf} on ${rep.board.name}: cycles at ${(rep.board.coreClockHz / 1e6).toFixed(3)} MHz`,
      unit: 'none',
      startValue: 0,
      endValue: total,
      samples,
      weights,
    }],
    name: `mcusim: ${rep.elf}`,
    activeProfileIndex: 0,
    exporter: 'mcusim',
  }) + '\n';
}
