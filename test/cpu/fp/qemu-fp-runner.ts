/**
 * Runs FP cases on QEMU 7.2 `mps2-an386` (Cortex-M4 with FPv4-SP), the oracle of the FP
 * differential test. One bare-metal ELF holds every op snippet of FP_OPS behind a jump table; the
 * cases go in as a raw blob (QEMU's generic loader device at CASES_ADDRESS), so the ELF is built
 * once per op table and cached. For each case the program sets FPSCR, S0-S2, clears the APSR
 * flags, calls the snippet, and prints `S0 FPSCR NZCV` in hex; everything is printed with one
 * semihosting SYS_WRITE0 and the program ends with SYS_EXIT (ADP_Stopped_ApplicationExit).
 */
import {
  buildCachedFpElf, FP_HARNESS_FAULT, FP_HARNESS_START, fpSnippetSubroutines, runQemuWithBlob, semihostingText,
} from '../../support/qemu-snippets.js';
import type { FpCase, FpOp } from './fp-cases.js';

const CASES_ADDRESS = 0x20100000;
const TEXT_ADDRESS = 0x20200000;
const CASE_BYTES = 20;
const RESULT_LINE = /^[0-9a-f]{8} [0-9a-f]{8} [0-9a-f]$/;

function harnessSource(ops: FpOp[]): string {
  return `${FP_HARNESS_START}    ldr r4, =${CASES_ADDRESS}
    ldr r5, [r4], #4             @ number of cases
    ldr r6, =${TEXT_ADDRESS}
next_case:
    cbz r5, finished
    ldr r0, [r4, #4]
    vmsr fpscr, r0
    vldr s0, [r4, #8]
    vldr s1, [r4, #12]
    vldr s2, [r4, #16]
    movs r0, #0
    msr APSR_nzcvq, r0
    ldr r0, [r4]
    ldr r1, =op_table
    ldr r1, [r1, r0, lsl #2]
    orr r1, r1, #1
    blx r1
    mrs r7, apsr
    vmrs r8, fpscr
    vmov r0, s0
    bl put_hex8
    mov r0, r8
    bl put_hex8
    lsrs r0, r7, #28
    bl put_nibble
    movs r0, #10
    strb r0, [r6], #1
    adds r4, #${CASE_BYTES}
    subs r5, #1
    b next_case
finished:
    movs r0, #0
    strb r0, [r6]
    movs r0, #4                  @ SYS_WRITE0
    ldr r1, =${TEXT_ADDRESS}
    bkpt 0xab
    movs r0, #0x18               @ SYS_EXIT, ADP_Stopped_ApplicationExit
    ldr r1, =0x20026
    bkpt 0xab
put_hex8:                        @ r0 -> 8 hex digits and a space at [r6]
    push {r4, lr}
    mov r4, r0
    movs r3, #28
1:  lsr r0, r4, r3
    bl put_nibble
    subs r3, #4
    bpl 1b
    movs r0, #32
    strb r0, [r6], #1
    pop {r4, pc}
put_nibble:
    and r0, r0, #15
    cmp r0, #10
    ite lo
    addlo r0, r0, #48
    addhs r0, r0, #87
    strb r0, [r6], #1
    bx lr
${FP_HARNESS_FAULT}op_table:
${ops.map((_, k) => `    .word op_${k}`).join('\n')}
${fpSnippetSubroutines('op', ops.map((op) => op.asm))}
`;
}

/** Builds (or reuses) the harness ELF for this op table; returns its path. */
export function buildHarness(ops: FpOp[]): string {
  return buildCachedFpElf('mcusim-fp-qemu', 'fp-harness', harnessSource(ops));
}

export interface QemuFpResult {
  s0: number;
  fpscr: number;
  nzcv: number;
}

/** Cases per QEMU run: the case blob must end below TEXT_ADDRESS and the text fit in the 4 MB SRAM. */
const CASES_PER_RUN = 40_000;

/** Runs the cases in QEMU (in parallel runs of at most CASES_PER_RUN) and returns one result per case. */
export async function runCasesInQemu(ops: FpOp[], cases: FpCase[]): Promise<QemuFpResult[]> {
  const elf = buildHarness(ops);
  const runs: Promise<QemuFpResult[]>[] = [];
  for (let k = 0; k < cases.length; k += CASES_PER_RUN) runs.push(runChunk(elf, cases.slice(k, k + CASES_PER_RUN), runs.length));
  return (await Promise.all(runs)).flat();
}

async function runChunk(elf: string, cases: FpCase[], chunk: number): Promise<QemuFpResult[]> {
  const blob = Buffer.alloc(4 + cases.length * CASE_BYTES);
  blob.writeUInt32LE(cases.length, 0);
  cases.forEach((c, k) => {
    const at = 4 + k * CASE_BYTES;
    blob.writeUInt32LE(c.op, at);
    blob.writeUInt32LE(c.fpscr, at + 4);
    blob.writeUInt32LE(c.s0, at + 8);
    blob.writeUInt32LE(c.s1, at + 12);
    blob.writeUInt32LE(c.s2, at + 16);
  });
  const run = await runQemuWithBlob(elf, blob, `${elf}.${process.pid}.${chunk}.cases.bin`, CASES_ADDRESS);
  if (run.exitCode !== 0) {
    throw new Error(`QEMU exited with ${run.exitCode}: ${run.stderr.toString()} ${run.stdout.toString().slice(-200)}`);
  }
  const text = semihostingText(run);
  const lines = text.split('\n').filter((l) => RESULT_LINE.test(l));
  if (lines.length !== cases.length) throw new Error(`QEMU printed ${lines.length} results for ${cases.length} cases`);
  return lines.map((line) => {
    const [s0, fpscr, nzcv] = line.split(' ');
    return { s0: parseInt(s0!, 16) >>> 0, fpscr: parseInt(fpscr!, 16) >>> 0, nzcv: parseInt(nzcv!, 16) };
  });
}
