/**
 * Runs random FP programs (fp-sequences.ts) on QEMU 7.2 mps2-an386. The ELF holds every program
 * behind a jump table; per program the driver loads the initial state from a blob (QEMU's loader
 * device), copies the buffer image to BUFFER, calls the program with r8 = BUFFER, r9 = BUFFER + 64,
 * then records r0-r7, S0-S31, FPSCR, APSR and the buffer. All records are printed as hex words with
 * one semihosting SYS_WRITE0 at the end.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  buildCachedFpElf, FP_HARNESS_FAULT, FP_HARNESS_START, fpSnippetSubroutines, runQemuWithBlob, semihostingText,
} from '../../support/qemu-snippets.js';
import { STATE_WORDS, type FpProgram } from './fp-sequences.js';

const VARS = 0x20000000;
const STATES = 0x20100000;
const TEXT = 0x20200000;
const RESULTS = 0x20300000;
const BUFFER = 0x20380000;

function source(programs: FpProgram[]): string {
  return `${FP_HARNESS_START}    ldr r2, =${VARS}
    ldr r0, =${STATES}
    ldr r1, [r0], #4
    str r1, [r2]                 @ programs left
    movs r1, #0
    str r1, [r2, #4]             @ program index
    str r0, [r2, #8]             @ state record
    ldr r0, =${RESULTS}
    str r0, [r2, #12]            @ result record
next_program:
    ldr r2, =${VARS}
    ldr r1, [r2]
    cmp r1, #0
    beq finished
    ldr r10, [r2, #8]
    add r0, r10, #${42 * 4}
    ldr r8, =${BUFFER}
    movs r1, #32
1:  ldr r3, [r0], #4
    str r3, [r8], #4
    subs r1, #1
    bne 1b
    ldr r8, =${BUFFER}
    add r9, r8, #64
    vldmia r10, {s0-s31}
    ldr r0, [r10, #${40 * 4}]
    vmsr fpscr, r0
    ldr r0, [r10, #${41 * 4}]
    msr APSR_nzcvq, r0
    ldr r1, [r2, #4]
    ldr r0, =prog_table
    ldr r12, [r0, r1, lsl #2]
    orr r12, r12, #1
    add r0, r10, #${32 * 4}
    ldm r0, {r0-r7}
    blx r12
    ldr r11, =${VARS}
    ldr r11, [r11, #12]
    stmia r11!, {r0-r7}
    vstmia r11!, {s0-s31}
    vmrs r0, fpscr
    mrs r1, apsr
    stmia r11!, {r0, r1}
    ldr r8, =${BUFFER}
    movs r1, #32
2:  ldr r3, [r8], #4
    str r3, [r11], #4
    subs r1, #1
    bne 2b
    ldr r2, =${VARS}
    str r11, [r2, #12]
    ldr r1, [r2]
    subs r1, #1
    str r1, [r2]
    ldr r1, [r2, #4]
    adds r1, #1
    str r1, [r2, #4]
    ldr r10, [r2, #8]
    add r10, r10, #${STATE_WORDS * 4}
    str r10, [r2, #8]
    b next_program
finished:
    ldr r4, =${RESULTS}
    ldr r5, [r2, #12]
    ldr r6, =${TEXT}
3:  cmp r4, r5
    beq 5f
    ldr r7, [r4], #4
    movs r3, #28
4:  lsr r0, r7, r3
    and r0, r0, #15
    cmp r0, #10
    ite lo
    addlo r0, r0, #48
    addhs r0, r0, #87
    strb r0, [r6], #1
    subs r3, #4
    bpl 4b
    movs r0, #10
    strb r0, [r6], #1
    b 3b
5:  movs r0, #0
    strb r0, [r6]
    movs r0, #4
    ldr r1, =${TEXT}
    bkpt 0xab
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
${FP_HARNESS_FAULT}prog_table:
${programs.map((_, k) => `    .word prog_${k}`).join('\n')}
${fpSnippetSubroutines('prog', programs.map((p) => p.asm))}
prog_${programs.length}:
`;
}

/** Result words per program: r0-r7, S0-S31, FPSCR, APSR, buffer[32]. */
export const RESULT_WORDS = 74;

export interface SequenceRun {
  /** RESULT_WORDS words per program. */
  results: Uint32Array[];
  /** Each program's machine code as linked into the ELF QEMU ran (without the final `bx lr`). */
  code: Uint8Array[];
}

/** The bytes of every prog_k in the ELF, from its symbol table and a binary image of .text. */
function programCode(elf: string, count: number): Uint8Array[] {
  const bin = `${elf}.text.bin`;
  execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', elf, bin]);
  const image = new Uint8Array(readFileSync(bin));
  const starts = new Map<number, number>();
  for (const line of execFileSync('arm-none-eabi-nm', [elf], { encoding: 'utf8' }).split('\n')) {
    const m = line.match(/^([0-9a-f]+) \w prog_(\d+)$/);
    if (m) starts.set(Number(m[2]), parseInt(m[1]!, 16));
  }
  if (!starts.has(count)) throw new Error(`end label missing from ${elf}`);
  const code: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const start = starts.get(k);
    if (start === undefined) throw new Error(`prog_${k} missing from ${elf}`);
    const end = starts.get(k + 1)!;
    code.push(image.slice(start, end - 2));
  }
  return code;
}

/** Runs the programs in QEMU; returns their final states and their machine code. */
export async function runProgramsInQemu(programs: FpProgram[]): Promise<SequenceRun> {
  // States below TEXT, text below RESULTS, results below BUFFER (74 words = 296 bytes, 666 characters each).
  if (programs.length > 1500) throw new Error(`at most 1500 programs per QEMU run, got ${programs.length}`);
  const elf = buildCachedFpElf('mcusim-fp-seq', 'seq', source(programs));
  const blob = Buffer.alloc(4 + programs.length * STATE_WORDS * 4);
  blob.writeUInt32LE(programs.length, 0);
  programs.forEach((p, k) => p.state.forEach((w, j) => blob.writeUInt32LE(w, 4 + (k * STATE_WORDS + j) * 4)));
  const run = await runQemuWithBlob(elf, blob, `${elf}.states.${process.pid}.bin`, STATES);
  const text = semihostingText(run);
  if (run.exitCode !== 0) throw new Error(`QEMU exited with ${run.exitCode}: ${text.slice(-300)}`);
  const words = text.split('\n').filter((l) => /^[0-9a-f]{8}$/.test(l)).map((l) => parseInt(l, 16) >>> 0);
  if (words.length !== programs.length * RESULT_WORDS) throw new Error(`QEMU printed ${words.length} words for ${programs.length} programs`);
  return {
    results: programs.map((_, k) => Uint32Array.from(words.slice(k * RESULT_WORDS, (k + 1) * RESULT_WORDS))),
    code: programCode(elf, programs.length),
  };
}
