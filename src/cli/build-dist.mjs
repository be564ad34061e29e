// Compiles src/ to plain JavaScript in node_modules/.cache/mcusim-dist/ (npm's usual place for a tool's
// build cache: never committed, gone with node_modules, outside the checkout's own layout) so the CLI
// starts without transpiling TypeScript at every start (tsx cost ~0.6 s per process). The cache
// mirrors src/ (src/cpu/x.ts -> mcusim-dist/cpu/x.js), so paths taken from import.meta.url to a
// module's neighbours (the board JSON next to its loader, the worker entry) resolve the same way from
// both trees; files of the checkout (isa/, models/, firmware/) are found through
// src/common/checkout.ts; every file that is not TypeScript (board JSON, .mjs entries) is copied as is.
//
// esbuild (tsx's own transpiler, so the emitted code behaves exactly as under tsx) transpiles file by
// file without type checks (`npm run typecheck` does those): the whole tree takes ~0.2 s, cheap
// enough to redo at the first start after any source change. Freshness is a fingerprint of every
// source's path, size and mtime, written last (mcusim-dist/.fingerprint), so an interrupted build is stale.
//
//   node src/cli/build-dist.mjs          # build if stale (the install step and `npm run build` do this)
//   node src/cli/build-dist.mjs --force  # rebuild
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SRC_DIR = join(REPO_ROOT, 'src');
export const DIST_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'mcusim-dist');
const FINGERPRINT_FILE = join(DIST_DIR, '.fingerprint');
const LOCK_FILE = join(DIST_DIR, '.build.lock');
const TSCONFIG = join(REPO_ROOT, 'tsconfig.json');
/** A lock older than this was left by a killed build. */
const STALE_LOCK_MS = 30_000;

function listSources(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listSources(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Path, size and mtime of every source, of this script and of the build tsconfig, hashed. */
export function sourceFingerprint() {
  const files = [...listSources(SRC_DIR), TSCONFIG].sort();
  const h = createHash('sha1');
  for (const f of files) {
    const s = statSync(f);
    h.update(`${relative(REPO_ROOT, f)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return { files, fingerprint: h.digest('hex') };
}

export function isFresh(fingerprint = sourceFingerprint().fingerprint) {
  try {
    return readFileSync(FINGERPRINT_FILE, 'utf8') === fingerprint;
  } catch {
    return false;
  }
}

/** Write-then-rename, so a process loading the compiled tree meanwhile sees the old file or the new one. */
function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

async function compile(files, fingerprint) {
  const { transform } = await import('esbuild');
  const { compilerOptions } = JSON.parse(readFileSync(TSCONFIG, 'utf8'));
  await Promise.all(
    files.filter((f) => f.startsWith(SRC_DIR)).map(async (f) => {
      const rel = relative(SRC_DIR, f);
      if (!f.endsWith('.ts') || f.endsWith('.d.ts')) {
        writeAtomic(join(DIST_DIR, rel), readFileSync(f));
        return;
      }
      const out = await transform(readFileSync(f, 'utf8'), {
        loader: 'ts', format: 'esm', platform: 'node', target: 'node20', sourcefile: f,
        tsconfigRaw: { compilerOptions },
      });
      writeAtomic(join(DIST_DIR, rel.replace(/\.ts$/, '.js')), out.code);
    }),
  );
  await writeCommandManifest();
  writeAtomic(FINGERPRINT_FILE, fingerprint);
}

/**
 * mcusim-dist/cli/commands.json: each command's name and description, in src/cli/index.ts's order, so the
 * top-level help needs no command module loaded (src/cli/command-loader.ts). Written by importing
 * every command once here, at build time; without it (an import failed) every start loads them all.
 */
async function writeCommandManifest() {
  const manifest = join(DIST_DIR, 'cli', 'commands.json');
  rmSync(manifest, { force: true });
  try {
    const { COMMAND_MODULES } = await import(pathToFileURL(join(DIST_DIR, 'cli', 'index.js')).href);
    const { loadCommand } = await import(pathToFileURL(join(DIST_DIR, 'cli', 'command-loader.js')).href);
    const commands = await Promise.all(COMMAND_MODULES.map(loadCommand));
    writeAtomic(manifest, JSON.stringify(commands.map((c) => ({ command: c.command, describe: c.describe }))));
  } catch (e) {
    if (process.env.MCUSIM_DEBUG) process.stderr.write(`mcusim: no command manifest: ${e.stack ?? e}\n`);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the compiled tree unless it is fresh. Concurrent callers (test suites start the CLI many times at once)
 * build once: the first takes a lock file, the others wait for the fingerprint. Returns false when
 * the compiled tree could not be built (esbuild missing, a syntax error): the caller falls back to tsx.
 */
export async function ensureBuilt({ force = false } = {}) {
  const { files, fingerprint } = sourceFingerprint();
  if (!force && isFresh(fingerprint)) return true;
  mkdirSync(DIST_DIR, { recursive: true });
  for (let waited = 0; ; ) {
    let lock;
    try {
      lock = openSync(LOCK_FILE, 'wx');
    } catch (e) {
      if (e.code !== 'EEXIST') return false;
      if (isFresh(fingerprint)) return true;
      try {
        if (Date.now() - statSync(LOCK_FILE).mtimeMs > STALE_LOCK_MS) rmSync(LOCK_FILE, { force: true });
      } catch {
        // the lock went away meanwhile: try again
      }
      if (waited > STALE_LOCK_MS) return false;
      await sleep(50);
      waited += 50;
      continue;
    }
    try {
      closeSync(lock);
      if (!force && isFresh(fingerprint)) return true;
      await compile(files, fingerprint);
      return true;
    } catch (e) {
      if (process.env.MCUSIM_DEBUG) process.stderr.write(`mcusim: build of the compiled CLI failed: ${e.stack ?? e}\n`);
      return false;
    } finally {
      rmSync(LOCK_FILE, { force: true });
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ok = await ensureBuilt({ force: process.argv.includes('--force') });
  if (!ok) {
    process.stderr.write('mcusim: could not build the compiled CLI (run with MCUSIM_DEBUG=1 for details)\n');
    process.exitCode = 1;
  }
}
