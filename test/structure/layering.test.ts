// The arrows between the folders of src/ point one way (README "How it is built"): the library never
// reaches up to the command line, the core owns the memory interface it needs, reports are plain data
// built from a run, src/common sits below everything, and no two folders import each other through
// any path. Each failure names the import (file:line) that breaks the rule.
import { describe, expect, it } from 'vitest';
import { importEdges, srcFolder, type ImportEdge } from './import-graph.js';

const edges = importEdges().filter((e) => srcFolder(e.from) !== undefined && srcFolder(e.to) !== undefined);
const crossing = edges.filter((e) => srcFolder(e.from) !== srcFolder(e.to));

const show = (list: ImportEdge[]) => list.map((e) => `${e.from}:${e.line} imports ${e.to}`);

/** Folder X must not import folder Y (directly; circles are the last rule). */
const FORBIDDEN: { from: (folder: string) => boolean; to: string; why: string }[] = [
  { from: (f) => f !== 'cli', to: 'cli', why: 'only the command line imports src/cli' },
  { from: (f) => f === 'report', to: 'sim', why: 'a report is plain data built from a run, not a live machine' },
  { from: (f) => f === 'cpu', to: 'mcu', why: 'the core owns the memory interface it needs (src/cpu/memory.ts)' },
  { from: (f) => f === 'common', to: '*', why: 'src/common imports nothing of ours' },
];

describe('layering of src/', () => {
  it('reads the import graph (a sanity check on the reader itself)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(crossing).toContainEqual(expect.objectContaining({ from: 'src/mcu/bus.ts', to: 'src/cpu/memory.js' }));
  });

  for (const rule of FORBIDDEN) {
    it(`${rule.to === '*' ? 'src/common imports no other folder' : `no forbidden import of src/${rule.to}`}: ${rule.why}`, () => {
      expect(show(breaking(rule, crossing))).toEqual([]);
    });
  }

  it('no import circle between folders', () => {
    expect(folderCircles(crossing)).toEqual([]);
  });

  it('the rules catch what they forbid (made-up imports)', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, line: 1 });
    const forbidden: [rule: string, edge: ImportEdge][] = [
      ['cli', edge('src/nn/train/x.ts', 'src/cli/command.js')], ['sim', edge('src/report/r.ts', 'src/sim/runner.js')],
      ['mcu', edge('src/cpu/cpu.ts', 'src/mcu/bus.js')], ['*', edge('src/common/errors.ts', 'src/cpu/memory.js')],
    ];
    const fake = [...forbidden.map(([, e]) => e), edge('src/mcu/bus.ts', 'src/cpu/memory.js')];
    for (const [to, e] of forbidden) expect(show(breaking(FORBIDDEN.find((r) => r.to === to)!, fake))).toEqual(show([e]));
    expect(folderCircles([edge('src/sim/a.ts', 'src/mcu/b.js'), edge('src/mcu/c.ts', 'src/elf/d.js'), edge('src/elf/e.ts', 'src/sim/f.js')]))
      .toEqual(['elf <-> mcu <-> sim: src/sim/a.ts:1 -> src/mcu/b.js; src/mcu/c.ts:1 -> src/elf/d.js; src/elf/e.ts:1 -> src/sim/f.js']);
    expect(folderCircles([edge('src/sim/a.ts', 'src/mcu/b.js'), edge('src/mcu/c.ts', 'src/cpu/d.js')])).toEqual([]);
  });
});

/** The imports in `list` that break `rule`. */
function breaking(rule: (typeof FORBIDDEN)[number], list: ImportEdge[]): ImportEdge[] {
  return list.filter((e) => rule.from(srcFolder(e.from)!) && (rule.to === '*' || srcFolder(e.to) === rule.to));
}

/**
 * Every circle of the folder graph, as `a -> b -> a` with one import per arrow. Finds the strongly
 * connected components (Tarjan); each component of two or more folders is one circle to report.
 */
function folderCircles(list: ImportEdge[]): string[] {
  const next = new Map<string, Map<string, ImportEdge>>();
  for (const e of list) {
    const a = srcFolder(e.from)!, b = srcFolder(e.to)!;
    if (!next.has(a)) next.set(a, new Map());
    if (!next.get(a)!.has(b)) next.get(a)!.set(b, e);
  }
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], out: string[] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = ''; w !== v; ) component.push((w = stack.pop()!));
    if (component.length > 1) {
      const inside = [...next].flatMap(([a, m]) => [...m].filter(([b]) => component.includes(a) && component.includes(b)));
      out.push(`${component.sort().join(' <-> ')}: ${inside.map(([, e]) => `${e.from}:${e.line} -> ${e.to}`).join('; ')}`);
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}
