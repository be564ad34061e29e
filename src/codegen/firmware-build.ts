/**
 * model -> int8 graph -> C -> ELF for one board: what `mcusim build` and the no-ELF demo run.
 * Everything that goes into the ELF (model file, board profile, options, compiler version, every
 * C source and header, this generator's own sources) is hashed; the build folder
 * firmware/generated/<board>-<opt>-<hash>/ holds the generated C, the linker script, the ELF and
 * build.json, so an unchanged build is found again instead of redone.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { CHECKOUT_ROOT } from '../common/checkout.js';
import { promisify } from 'node:util';
import type { Board } from '../mcu/boards/types.js';
import { readElf } from '../elf/index.js';
import { linkerScript } from './linker-script.js';
import { boardConfigHeader, clockPlan } from './board-config.js';
import { memoryUse, type MemoryUse } from './memory-usage.js';
import { generateModelSources, type ArenaSummary } from './model-source.js';
import { loadQuantizedModel, ModelFileError } from './load-model.js';

export { ModelFileError };

const execFileAsync = promisify(execFile);

export const REPO_ROOT = CHECKOUT_ROOT;
export const DEFAULT_MODEL = join(REPO_ROOT, 'models/detector-default.weights.json');
export const GENERATED_DIR = join(REPO_ROOT, 'firmware/generated');
const APP_DIR = join(REPO_ROOT, 'firmware/nn/app');
const KERNEL_DIR = join(REPO_ROOT, 'firmware/nn/kernels');
const BSP_DIR = join(REPO_ROOT, 'firmware/bsp');
/** Sources whose change must rebuild: the generator and quantiser (they decide the C text). */
const GENERATOR_DIRS = [join(REPO_ROOT, 'src/codegen'), join(REPO_ROOT, 'src/nn/quant')];
export const GCC = 'arm-none-eabi-gcc';

export type OptLevel = 'O2' | 'Os';

export interface FirmwareBuildOptions {
  board: Board;
  modelPath?: string;
  opt?: OptLevel;
  /** Print the raw int8 head outputs for every frame (DETECTOR_PRINT_RAW). */
  raw?: boolean;
  /** Write concat inputs in place (default); false copies them, for measuring what that saves. */
  inPlaceConcat?: boolean;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface FirmwareBuild {
  elfPath: string;
  buildDir: string;
  cached: boolean;
  board: string;
  model: string;
  opt: OptLevel;
  coreHz: number;
  arena: ArenaSummary;
  layers: number;
  macs: number;
  memory: MemoryUse;
}

/** gcc failed: `log` is its output. */
export class CompileError extends Error {
  constructor(readonly log: string) {
    super('arm-none-eabi-gcc failed');
  }
}

/** arm-none-eabi-gcc is not on PATH. */
export class ToolchainMissingError extends Error {}

export function compilerVersion(): string {
  try {
    return execFileSync(GCC, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ToolchainMissingError(`${GCC} not found on PATH: install it with \`npm run toolchain\` (bash .ci/install-toolchain)`);
    }
    throw e;
  }
}

function filesUnder(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => exts.includes(extname(f)) && statSync(f).isFile())
    .sort();
}

/** The files of one folder (not its subfolders) with this extension. */
function filesIn(dir: string, ext: string): string[] {
  return readdirSync(dir).filter((f) => extname(f) === ext).map((f) => join(dir, f)).sort();
}

const C_EXTS = ['.c', '.h', '.S', '.s', '.ld'];

function buildKey(opts: Required<Omit<FirmwareBuildOptions, 'progress'>>, gcc: string, modelBytes: Buffer): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ gcc, board: opts.board, opt: opts.opt, raw: opts.raw, inPlaceConcat: opts.inPlaceConcat }));
  hash.update(modelBytes);
  const inputs = [
    ...filesUnder(APP_DIR, C_EXTS), ...filesUnder(KERNEL_DIR, C_EXTS), ...filesUnder(BSP_DIR, C_EXTS),
    ...GENERATOR_DIRS.flatMap((d) => filesUnder(d, ['.ts'])),
  ];
  for (const f of inputs) {
    hash.update(relative(REPO_ROOT, f));
    hash.update(readFileSync(f));
  }
  return hash.digest('hex').slice(0, 16);
}

export function compileFlags(opt: OptLevel, raw: boolean, genDir: string): string[] {
  return [
    '-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', `-${opt}`, '-g', '-std=gnu11',
    '-Wall', '-Wextra', '-Werror', '-ffunction-sections', '-fdata-sections',
    `-DDETECTOR_PRINT_RAW=${raw ? 1 : 0}`,
    `-I${genDir}`, `-I${APP_DIR}`, `-I${KERNEL_DIR}`, `-I${BSP_DIR}`,
  ];
}

export async function buildFirmware(options: FirmwareBuildOptions): Promise<FirmwareBuild> {
  const opts = {
    board: options.board, modelPath: resolve(options.modelPath ?? DEFAULT_MODEL), opt: options.opt ?? 'O2',
    raw: options.raw ?? false, inPlaceConcat: options.inPlaceConcat ?? true,
  };
  const progress = options.progress ?? (() => {});
  const gcc = compilerVersion();
  let modelBytes: Buffer;
  try {
    modelBytes = readFileSync(opts.modelPath);
  } catch (e) {
    throw new ModelFileError(`${opts.modelPath}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const key = buildKey(opts, gcc, modelBytes);
  const variant = `${opts.raw ? '-raw' : ''}${opts.inPlaceConcat ? '' : '-copyconcat'}`;
  const buildDir = join(GENERATED_DIR, `${opts.board.name}-${opts.opt}${variant}-${key}`);
  const cachedBuild = readSummary(buildDir);
  if (cachedBuild) return { ...cachedBuild, cached: true };

  progress(`quantising ${relative(process.cwd(), opts.modelPath) || opts.modelPath}`);
  const graph = loadQuantizedModel(opts.modelPath);
  progress(`generating C for ${graph.nodes.length} layers`);
  const generated = generateModelSources(graph, { inPlaceConcat: opts.inPlaceConcat });
  // Build in a private folder with its summary, then rename it into place: a concurrent build of
  // the same key never sees half a folder, and the first one to finish wins.
  const tmp = `${buildDir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const elfName = 'detector.elf';
  let result: FirmwareBuild;
  try {
    for (const [name, text] of Object.entries(generated.files)) writeFileSync(join(tmp, name), text);
    writeFileSync(join(tmp, 'board_config.h'), boardConfigHeader(opts.board));
    writeFileSync(join(tmp, 'detector.ld'), linkerScript(opts.board));
    const sources = [
      ...Object.keys(generated.files).filter((f) => f.endsWith('.c')).map((f) => join(tmp, f)),
      // Top level only: a kernel test harness in a subfolder has its own main().
      ...filesIn(APP_DIR, '.c'), ...filesIn(KERNEL_DIR, '.c'), join(BSP_DIR, 'startup.c'),
    ];
    const args = [
      ...compileFlags(opts.opt, opts.raw, tmp), '--specs=rdimon.specs', `-L${BSP_DIR}`, `-T${join(tmp, 'detector.ld')}`,
      '-Wl,--gc-sections', `-Wl,-Map=${join(tmp, 'detector.map')}`, ...sources, '-lm', '-o', join(tmp, elfName),
    ];
    progress(`compiling ${sources.length} C files with ${GCC} -${opts.opt}`);
    try {
      await execFileAsync(GCC, args, { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new CompileError([`${GCC} ${args.join(' ')}`, err.stdout ?? '', err.stderr ?? err.message].join('\n').trim());
    }
    const elf = readElf(new Uint8Array(readFileSync(join(tmp, elfName))), elfName);
    result = {
      elfPath: join(buildDir, elfName), buildDir, cached: false, board: opts.board.name, model: opts.modelPath, opt: opts.opt,
      coreHz: clockPlan(opts.board).coreHz,
      arena: generated.arena,
      layers: graph.nodes.length,
      macs: generated.macs,
      memory: memoryUse(elf, opts.board),
    };
    writeFileSync(join(tmp, SUMMARY), JSON.stringify(result, null, 2) + '\n');
    if (!placeBuild(tmp, buildDir)) {
      rmSync(tmp, { recursive: true, force: true });
      const other = readSummary(buildDir);
      if (other) return { ...other, cached: true };
      throw new Error(`${buildDir}: a concurrent build left it incomplete`);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  pruneOldBuilds(buildDir);
  return result;
}

const SUMMARY = 'build.json';

/** The summary of a complete build folder, or null. */
function readSummary(buildDir: string): FirmwareBuild | null {
  const path = join(buildDir, SUMMARY);
  if (!existsSync(path)) return null;
  const summary = JSON.parse(readFileSync(path, 'utf8')) as FirmwareBuild;
  return existsSync(summary.elfPath) ? summary : null;
}

/** Renames the finished folder into place; false when another build got there first. */
function placeBuild(tmp: string, buildDir: string): boolean {
  // A folder without a summary is the remains of a killed build: replace it.
  if (existsSync(buildDir) && !readSummary(buildDir)) rmSync(buildDir, { recursive: true, force: true });
  try {
    renameSync(tmp, buildDir);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw e;
  }
}

/** Builds kept per board and options; older ones go once they are an hour old (none can still be running). */
const KEEP_BUILDS = 4;
const PRUNE_AGE_MS = 3600_000;

/** Removes stale build folders of the same board and options as `keep` (firmware/generated grows otherwise). */
function pruneOldBuilds(keep: string): void {
  const prefix = basename(keep).replace(/[0-9a-f]{16}$/, '');
  const siblings = readdirSync(GENERATED_DIR)
    .filter((d) => d.startsWith(prefix) && /^[0-9a-f]{16}$/.test(d.slice(prefix.length)))
    .map((d) => ({ path: join(GENERATED_DIR, d), mtime: statSync(join(GENERATED_DIR, d)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const now = Date.now();
  for (const old of siblings.slice(KEEP_BUILDS)) {
    if (old.path !== keep && now - old.mtime > PRUNE_AGE_MS) rmSync(old.path, { recursive: true, force: true });
  }
}
