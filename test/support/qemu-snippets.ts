// Builds bare-metal ELFs from generated Thumb assembly and runs them in QEMU 7.2 (`mps2-an386`), for the
// differential CPU tests: register-table programs (each case stores its state in a RAM table that is
// written to stdout with semihosting), and cached FP harnesses fed with a raw blob by QEMU's loader device.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQemu, type QemuResult } from './qemu.js';

/** Assembles `<name>.s` in `dir` and links it with `linkArgs` (after `-e reset`); returns the ELF path. */
export function buildSnippetElf(dir: string, name: string, source: string, linkArgs: string[]): string {
  const src = join(dir, `${name}.s`);
  const obj = join(dir, `${name}.o`);
  const elf = join(dir, `${name}.elf`);
  writeFileSync(src, source);
  execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m4', '-mthumb', '-o', obj, src]);
  execFileSync('arm-none-eabi-ld', [...linkArgs, '-e', 'reset', '-o', elf, obj]);
  return elf;
}

/** Words each table case stores: APSR, then r0..r12. */
export const TABLE_WORDS_PER_CASE = 14;
/** Where the register table starts; case k pushes below TABLE_BASE + (k + 1) * 56. */
export const TABLE_BASE = 0x20000000;

/** The stack top case k starts from, so that its pushes fill table entry k. */
export const tableCaseSp = (k: number): number => TABLE_BASE + (k + 1) * TABLE_WORDS_PER_CASE * 4;

/**
 * Assembly of one table case: SP to the case's entry, APSR written with `msr <msrField>`, r0-r12 loaded,
 * the instruction(s) executed, then r0-r12 and APSR (read with MRS) pushed into the table.
 */
export function tableCaseAsm(k: number, apsr: number, msrField: string, regs: readonly number[], insn: string): string {
  return [
    `  ldr r0, =0x${tableCaseSp(k).toString(16)}`,
    '  mov sp, r0',
    `  ldr r0, =0x${apsr.toString(16)}`,
    `  msr ${msrField}, r0`,
    ...regs.map((v, r) => `  ldr r${r}, =0x${v.toString(16)}`),
    `  ${insn}`,
    '  push {r0-r12}',
    '  mrs r0, APSR',
    '  push {r0}',
    '  b 1f',
    '  .ltorg',
    '1:',
  ].join('\n');
}

/**
 * The whole program around the cases' assembly: vector table (a fault exits with 0x20024), the cases,
 * then SYS_OPEN(":tt") + SYS_WRITE(table of `caseCount` entries) + SYS_EXIT.
 */
function tableProgram(body: string, caseCount: number): string {
  return `.syntax unified
.thumb
.text
  .word 0x20400000
  .word reset
  .rept 14
  .word fault
  .endr
.thumb_func
fault:
  movs r0, #0x18
  ldr r1, =0x20024
  bkpt 0xab
.global reset
.thumb_func
reset:
${body}
  adr r1, open_args
  movs r0, #1
  bkpt 0xab
  ldr r1, =0x20300000
  str r0, [r1]
  ldr r2, =0x${TABLE_BASE.toString(16)}
  str r2, [r1, #4]
  ldr r2, =${caseCount * TABLE_WORDS_PER_CASE * 4}
  str r2, [r1, #8]
  movs r0, #5
  bkpt 0xab
  movs r0, #0x18
  ldr r1, =0x20026
  bkpt 0xab
  .ltorg
  .align 2
open_args:
  .word tt, 4, 3
tt:
  .asciz ":tt"
`;
}

/**
 * Builds the table program for `caseAsm` (one tableCaseAsm block per case) in a fresh temp dir named
 * after `tempPrefix`, runs it in QEMU and returns the table: TABLE_WORDS_PER_CASE words per case.
 */
export async function runTableProgram(tempPrefix: string, caseAsm: readonly string[]): Promise<Uint32Array> {
  const dir = mkdtempSync(join(tmpdir(), tempPrefix));
  const elf = buildSnippetElf(dir, 'p', tableProgram(caseAsm.join('\n'), caseAsm.length), ['-Ttext=0']);
  const res = await runQemu(elf, { timeoutMs: 60_000 });
  if (res.exitCode !== 0) throw new Error(`QEMU exit ${res.exitCode}: ${res.stderr.toString()}`);
  const bytes = caseAsm.length * TABLE_WORDS_PER_CASE * 4;
  if (res.stdout.length !== bytes) throw new Error(`QEMU wrote ${res.stdout.length} bytes, expected ${bytes}`);
  const out = new Uint32Array(caseAsm.length * TABLE_WORDS_PER_CASE);
  for (let k = 0; k < out.length; k++) out[k] = res.stdout.readUInt32LE(k * 4);
  return out;
}

/**
 * Start of an FP harness (assembled by buildCachedFpElf): vector table (SP, reset, 14 x fault) and a reset
 * handler that grants full access to CP10 and CP11 (CPACR) first; the caller's code follows.
 */
export const FP_HARNESS_START = `
    .syntax unified
    .cpu cortex-m4
    .fpu fpv4-sp-d16
    .thumb
    .section .vectors, "a"
    .word 0x20010000
    .word reset + 1
    .rept 14
    .word fault + 1
    .endr
    .text
reset:
    ldr r0, =0xE000ED88          @ CPACR: full access to CP10 and CP11
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
`;

/**
 * The FP harness's fault handler (prints FAULT with SYS_WRITE0, exits with ADP_Stopped_RunTimeErrorUnknown)
 * and the literal pool; the caller's data (jump table, snippets) follows.
 */
export const FP_HARNESS_FAULT = `fault:
    adr r1, fault_text
    movs r0, #4
    bkpt 0xab
    movs r0, #0x18
    ldr r1, =0x20023             @ ADP_Stopped_RunTimeErrorUnknown
    bkpt 0xab
    .ltorg
    .align 2
fault_text:
    .asciz "FAULT\\n"
    .align 2
`;

/** Each snippet as a subroutine: label `<prefix>_<k>:`, the snippet's lines indented, then `bx lr`. */
export function fpSnippetSubroutines(prefix: string, snippets: readonly string[]): string {
  return snippets.map((asm, k) => `${prefix}_${k}:\n${asm.split('\n').map((l) => `    ${l}`).join('\n')}\n    bx lr\n`).join('');
}

const FP_LINKER_SCRIPT = `
MEMORY { CODE (rx) : ORIGIN = 0x00000000, LENGTH = 4M }
SECTIONS { .text : { KEEP(*(.vectors)) *(.text*) } > CODE }
`;

/**
 * Builds (or reuses, keyed by the source's hash) an FPv4-SP harness ELF from `.S` source whose
 * `.vectors` section goes first at address 0; returns the ELF path, `<tmp>/<dirPrefix>-<hash>/<name>.elf`.
 */
export function buildCachedFpElf(dirPrefix: string, name: string, source: string): string {
  const key = createHash('sha1').update(source).update(FP_LINKER_SCRIPT).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `${dirPrefix}-${key}`);
  const elf = join(dir, `${name}.elf`);
  if (existsSync(elf)) return elf;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.S`), source);
  writeFileSync(join(dir, 'link.ld'), FP_LINKER_SCRIPT);
  execFileSync('arm-none-eabi-gcc', [
    '-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard', '-nostdlib', '-nostartfiles',
    '-T', join(dir, 'link.ld'), '-o', `${elf}.tmp`, join(dir, `${name}.S`),
  ]);
  execFileSync('mv', [`${elf}.tmp`, elf]);
  return elf;
}

/** Runs `elf` in QEMU with `blob` loaded raw at `address` (from the file `blobPath`, removed afterwards). */
export function runQemuWithBlob(elf: string, blob: Buffer, blobPath: string, address: number): Promise<QemuResult> {
  writeFileSync(blobPath, blob);
  return runQemu(elf, {
    timeoutMs: 60_000,
    extraQemuArgs: ['-device', `loader,file=${blobPath},addr=0x${address.toString(16)},force-raw=on`],
  }).finally(() => rmSync(blobPath, { force: true }));
}

/** QEMU 7.2 sends semihosting console output to stdout or stderr depending on how it is attached. */
export const semihostingText = (run: QemuResult): string => (run.stdout.length > 0 ? run.stdout.toString() : run.stderr.toString());
