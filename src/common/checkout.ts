/**
 * The checkout's root folder (where package.json, isa/, models/ and firmware/ are), found from this
 * module's own location: the sources run from src/common/ and the compiled CLI from
 * node_modules/.cache/mcusim-dist/common/ (src/cli/build-dist.mjs), at different depths, so code that
 * needs a file of the checkout asks here instead of counting '../' from its own import.meta.url.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findCheckoutRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mcusim') return dir;
    if (dirname(dir) === dir) throw new Error(`mcusim: no package.json named mcusim above ${start}`);
  }
}

export const CHECKOUT_ROOT = findCheckoutRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the checkout: `checkoutPath('isa')`, `checkoutPath('models', 'x.json')`. */
export function checkoutPath(...parts: string[]): string {
  return join(CHECKOUT_ROOT, ...parts);
}
