/**
 * What a plain `mcusim run <elf>` loads before its first instruction (README "Speed": start-up). The
 * profiler, the report model (zod) and its renderers, the code generator and the trainer are imported
 * only when a run uses them (dynamic `import()` in src/cli/run.ts and src/cli/run-profile.ts); a static
 * import of one of them from the run command's module graph would put its load time back into every
 * start. This walks the static, value-level imports (not `import type`, not `import()`) from the CLI's
 * entry and the run command, with the TypeScript compiler's parser, and names the chain that reaches
 * a module a plain run must not load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from './import-graph.js';

/** Static value imports of one module: paths of ours (repository-relative .ts) and package names. */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(REPO, file), 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const s of source.statements) {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(s)) {
      const c = s.importClause;
      const typeOnly = c?.isTypeOnly || (c && !c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) &&
        c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) spec = s.moduleSpecifier;
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) spec = s.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec)) continue;
    const name = spec.text;
    if (!name.startsWith('.')) {
      if (!name.startsWith('node:')) out.push(name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!);
      continue;
    }
    const target = relative(REPO, resolve(dirname(join(REPO, file)), name));
    const asTs = target.replace(/\.js$/, '.ts');
    out.push(existsSync(join(REPO, asTs)) ? asTs : target);
  }
  return out;
}

/** Every module reachable by static imports from `roots`, each with the chain that first reached it. */
function reachable(roots: string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(roots.map((r) => [r, [r]]));
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (!file.endsWith('.ts')) continue; // a package, or a plain .mjs/.json of ours
    for (const next of staticImports(file)) {
      if (chains.has(next)) continue;
      chains.set(next, [...chains.get(file)!, next]);
      queue.push(next);
    }
  }
  return chains;
}

/** What a plain run must not load at start: prefixes of our paths, or package names. */
const NOT_AT_START = ['zod', 'cli-table3', 'chart.js', 'src/codegen/', 'src/nn/', 'src/search/', 'src/report/schema.ts',
  'src/report/render-', 'src/report/write-report.ts', 'src/profile/profile-run.ts', 'src/profile/function-profiler.ts'];

describe('start-up imports of mcusim run', () => {
  const loaded = reachable(['src/cli/index.ts', 'src/cli/run.ts']);

  it('the walk sees the run command through to the simulator and yargs (a check on the walk itself)', () => {
    for (const m of ['src/sim/runner.ts', 'src/cpu/decoder.ts', 'src/mcu/bus.ts', 'yargs']) expect([...loaded.keys()]).toContain(m);
    expect(loaded.get('src/cpu/decoder.ts')![0]).toBe('src/cli/run.ts');
  });

  it('loads no profiler, report model or renderer, code generator or trainer before the run', () => {
    const offending = [...loaded].filter(([m]) => NOT_AT_START.some((p) => m === p || m.startsWith(p))).map(([, chain]) => chain.join(' -> '));
    expect(offending).toEqual([]);
  });

  it('would name the chain of a static import of one of them (made-up module)', () => {
    const chain = (m: string) => [...reachable(['src/cli/run-profile.ts'])].find(([k]) => k === m)?.[1];
    // run-profile.ts imports the layer table reader statically but the profiler only dynamically.
    expect(chain('src/profile/layer-table.ts')).toEqual(['src/cli/run-profile.ts', 'src/profile/layer-table.ts']);
    expect(chain('src/profile/profile-run.ts')).toBeUndefined();
    expect(staticImports('src/profile/profile-run.ts')).toContain('src/report/schema.ts');
  });
});
