/**
 * The import graph of src/: every module's imports of other modules of ours, read with the
 * TypeScript compiler's own pre-processor (`ts.preProcessFile`: static imports, `export ... from`,
 * `import type` and dynamic `import()`), so the layering rules in layering.test.ts see what tsc sees.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const REPO = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const SRC = join(REPO, 'src');

export interface ImportEdge {
  /** Importing module, relative to the repository root (`src/cpu/cpu.ts`). */
  from: string;
  /** Imported module, relative to the repository root, with the extension as written. */
  to: string;
  /** The source line of the import (1-based). */
  line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every import of one module of src/ by another. Imports of packages and node: are left out. */
export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), ref.fileName);
      edges.push({
        from: relative(REPO, file).split(sep).join('/'),
        to: relative(REPO, target).split(sep).join('/'),
        line: lineOf(text, ref.pos),
      });
    }
  }
  return edges;
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < pos; k = text.indexOf('\n', k + 1)) line++;
  return line;
}

/** The top-level folder of src/ a path belongs to (`src/cpu/handlers/x.ts` -> `cpu`), or undefined. */
export function srcFolder(path: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(path);
  return m?.[1];
}
