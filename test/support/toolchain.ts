// Builds firmware ELFs for the tests with arm-none-eabi-gcc over a flags matrix
// (-O0/-O2/-Os x hard-float/soft-float), linked with our startup and board linker script
// (firmware/bsp) and newlib's rdimon semihosting libraries (--specs=rdimon.specs).
// Every ELF is cached under firmware/build/cache by a hash of everything that goes into it
// (compiler version, flags, sources, headers and BSP files), so repeated test runs do not recompile.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIRMWARE_DIR = join(REPO_ROOT, 'firmware');
export const BSP_DIR = join(FIRMWARE_DIR, 'bsp');
export const FIRMWARE_TESTS_DIR = join(FIRMWARE_DIR, 'tests');
export const BUILD_DIR = join(FIRMWARE_DIR, 'build');

export type OptLevel = 'O0' | 'O2' | 'Os';
export type FloatAbi = 'hard' | 'soft';
export type Board = 'mps2-an386' | 'stm32f411re';

export interface BuildVariant {
  opt: OptLevel;
  float: FloatAbi;
}

/** The six combinations every C test program is built and run with. */
export const BUILD_MATRIX: readonly BuildVariant[] = (['O0', 'O2', 'Os'] as const).flatMap((opt) =>
  (['hard', 'soft'] as const).map((float) => ({ opt, float })),
);

export function variantName(v: BuildVariant): string {
  return `${v.opt}-${v.float}`;
}

/** Core and FPU flags. Hard-float uses the FPv4-SP unit of the M4; soft-float does all FP in libgcc. */
export function cpuFlags(float: FloatAbi): string[] {
  const fp = float === 'hard' ? ['-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'] : ['-mfloat-abi=soft'];
  return ['-mcpu=cortex-m4', '-mthumb', ...fp];
}

export interface BuildRequest {
  /** Output file stem, e.g. `int_arith`. */
  name: string;
  /** C or assembly (.c, .S, .s) sources, absolute or relative to the repository root. */
  sources: string[];
  variant: BuildVariant;
  board?: Board;
  /** Extra compiler flags (defines, -I). */
  extraFlags?: string[];
  /** A linker script of the program's own instead of the board's (firmware/bsp/<board>.ld). */
  linkerScript?: string;
}

function toolVersion(): string {
  toolVersion.cached ??= execFileSync('arm-none-eabi-gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  return toolVersion.cached;
}
toolVersion.cached = undefined as string | undefined;

/** Source-like files in a folder (not recursive): a change to any header there rebuilds its users. */
function folderInputs(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => ['.c', '.h', '.S', '.s', '.ld'].includes(extname(f)))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

export function buildCommand(req: BuildRequest, elfPath: string): string[] {
  const board = req.board ?? 'mps2-an386';
  return [
    ...cpuFlags(req.variant.float),
    `-${req.variant.opt}`,
    '-g',
    '-std=gnu11',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-Wno-unused-parameter',
    '-ffunction-sections',
    `-I${BSP_DIR}`,
    `-I${FIRMWARE_TESTS_DIR}`,
    ...(req.extraFlags ?? []),
    '--specs=rdimon.specs',
    `-L${BSP_DIR}`,
    `-T${req.linkerScript ? resolve(REPO_ROOT, req.linkerScript) : join(BSP_DIR, `${board}.ld`)}`,
    '-Wl,--gc-sections',
    ...req.sources.map((s) => resolve(REPO_ROOT, s)),
    join(BSP_DIR, 'startup.c'),
    '-lm',
    '-o',
    elfPath,
  ];
}

function cacheKey(req: BuildRequest): string {
  const hash = createHash('sha256');
  hash.update(toolVersion());
  hash.update(JSON.stringify({ ...req, sources: req.sources.map((s) => resolve(REPO_ROOT, s)) }));
  const inputs = new Set<string>(folderInputs(BSP_DIR));
  if (req.linkerScript) inputs.add(resolve(REPO_ROOT, req.linkerScript));
  for (const src of req.sources) {
    const abs = resolve(REPO_ROOT, src);
    inputs.add(abs);
    for (const f of folderInputs(dirname(abs))) if (extname(f) === '.h') inputs.add(f);
  }
  for (const f of [...inputs].sort()) {
    hash.update(f);
    hash.update(readFileSync(f));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Compiles and links one ELF and returns its absolute path; a cached ELF with the same inputs is
 * returned without compiling. Compiler errors are thrown with gcc's message.
 */
export async function buildElf(req: BuildRequest): Promise<string> {
  const dir = join(BUILD_DIR, 'cache', `${req.name}-${variantName(req.variant)}-${cacheKey(req)}`);
  const elf = join(dir, `${req.name}.elf`);
  if (existsSync(elf)) return elf;
  // Build in a private folder, then rename: parallel test workers never see a half-written ELF.
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await execFileAsync('arm-none-eabi-gcc', buildCommand(req, join(tmp, basename(elf))), { cwd: REPO_ROOT });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(`arm-none-eabi-gcc failed for ${req.name} (${variantName(req.variant)}):\n${e.stderr ?? e.message}`);
  }
  try {
    renameSync(tmp, dir);
  } catch {
    // Another worker finished the same build first; its ELF is identical.
    rmSync(tmp, { recursive: true, force: true });
  }
  return elf;
}

/** Builds one of the programs in firmware/tests (firmware/tests/<name>.c). */
export function buildTestProgram(name: string, variant: BuildVariant, board: Board = 'mps2-an386'): Promise<string> {
  return buildElf({ name, sources: [join(FIRMWARE_TESTS_DIR, `${name}.c`)], variant, board });
}
