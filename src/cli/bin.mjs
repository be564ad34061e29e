#!/usr/bin/env node
// The `mcusim` executable. Runs the compiled JavaScript in node_modules/.cache/mcusim-dist/ (built by
// the install step, or here at the first start after a source change: see ./build-dist.mjs), so a
// start costs no TypeScript transpiling. When it cannot be built (esbuild missing, a syntax error being fixed), or with
// MCUSIM_TSX=1, it registers tsx and runs the TypeScript sources directly, as before.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DIST_DIR, ensureBuilt } from './build-dist.mjs';

let main;
if (process.env.MCUSIM_TSX !== '1' && (await ensureBuilt())) {
  ({ main } = await import(pathToFileURL(join(DIST_DIR, 'cli', 'index.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./index.ts'));
}
process.exitCode = await main(process.argv.slice(2));
