// Real ELFs for the ELF reader tests, built with arm-none-eabi-gcc from a tiny C program and a
// linker script written here, and cached in the OS temp folder by a hash of everything that goes
// into them. arm-none-eabi-readelf is the oracle the tests compare the parse against.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROGRAM = `
#include <stdint.h>
extern uint32_t _estack;
void Reset_Handler(void);
void Default_Handler(void) { for (;;) {} }
int counter = 5;                         /* .data: VMA in RAM, LMA in flash */
int zeroed[16];                          /* .bss */
const int table[4] = {1, 2, 3, 4};       /* .rodata */
#ifdef BIG_TABLE
const uint8_t big_table[BIG_TABLE] = {1};
#endif
static int __attribute__((noinline)) helper(int x) { return x * 3 + table[x & 3]; }
int __attribute__((noinline)) compute(int n) { int s = 0; for (int i = 0; i < n; i++) s += helper(i); return s; }
__attribute__((section(".isr_vector"), used))
void (*const vectors[])(void) = { (void (*)(void))&_estack, Reset_Handler, Default_Handler, Default_Handler };
void Reset_Handler(void) {
  counter += compute(10);
  zeroed[3] = counter;
#ifdef BIG_TABLE
  zeroed[4] = big_table[counter & 0xff];
#endif
  for (;;) {}
}
`;

export interface Layout {
  flashOrigin: number;
  ramOrigin: number;
  ramBytes: number;
  /** Put .isr_vector this many bytes after the flash origin (0: at the boot address). */
  vectorOffset?: number;
  bigTableBytes?: number;
}

function linkerScript(l: Layout): string {
  const hex = (v: number): string => `0x${v.toString(16)}`;
  return `
MEMORY {
  FLASH (rx) : ORIGIN = ${hex(l.flashOrigin)}, LENGTH = 2048K
  RAM (rwx) : ORIGIN = ${hex(l.ramOrigin)}, LENGTH = ${l.ramBytes}
}
_estack = ORIGIN(RAM) + LENGTH(RAM);
SECTIONS {
  .isr_vector ${hex(l.flashOrigin + (l.vectorOffset ?? 0))} : { KEEP(*(.isr_vector)) } > FLASH
  .text : { *(.text*) *(.rodata*) } > FLASH
  .data : { *(.data*) } > RAM AT > FLASH
  .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM
}
`;
}

/** Builds (or reuses) the test program (or `source`) for `layout`; returns the ELF path. */
export function buildFixture(name: string, layout: Layout, extraFlags: string[] = [], source = PROGRAM): string {
  const ld = linkerScript(layout);
  const flags = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-O1', '-g', '-nostdlib', '-nostartfiles', ...extraFlags];
  if (layout.bigTableBytes) flags.push(`-DBIG_TABLE=${layout.bigTableBytes}`);
  const key = createHash('sha256').update(source).update(ld).update(flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'mcusim-elf-fixtures', `${name}-${key}`);
  const elf = join(dir, `${name}.elf`);
  if (existsSync(elf)) return elf;
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'prog.c'), source);
  writeFileSync(join(tmp, 'link.ld'), ld);
  execFileSync('arm-none-eabi-gcc', [...flags, '-T', join(tmp, 'link.ld'), join(tmp, 'prog.c'), '-o', join(tmp, `${name}.elf`)]);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return elf;
}

/** The same program compiled but not linked (an ET_REL object). */
export function buildObjectFile(): string {
  const dir = join(tmpdir(), 'mcusim-elf-fixtures', `object-${createHash('sha256').update(PROGRAM).digest('hex').slice(0, 12)}`);
  const obj = join(dir, 'prog.o');
  if (existsSync(obj)) return obj;
  // Build aside and rename, as buildFixture does: parallel test files never see a half-written file.
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'prog.c'), PROGRAM);
  execFileSync('arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-O1', '-c', join(tmp, 'prog.c'), '-o', join(tmp, 'prog.o')]);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return obj;
}

export const F411_LAYOUT: Layout = { flashOrigin: 0x08000000, ramOrigin: 0x20000000, ramBytes: 128 * 1024 };
export const MPS2_LAYOUT: Layout = { flashOrigin: 0x00000000, ramOrigin: 0x20000000, ramBytes: 4 * 1024 * 1024 };

export const readBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

export function readelf(args: string[], path: string): string {
  return execFileSync('arm-none-eabi-readelf', ['-W', ...args, path], { encoding: 'utf8' });
}
