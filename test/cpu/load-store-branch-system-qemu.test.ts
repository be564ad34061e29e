/**
 * Differential check of the load/store, branch and system handlers against QEMU 7.2 (mps2-an386, Cortex-M4),
 * aimed at the UNPREDICTABLE and UNDEFINED choices where the ARM ARM leaves room: each snippet runs on our
 * core (stepThumb) and in QEMU, which logs the CPU state before every instruction (-singlestep -d cpu); we
 * take QEMU's registers at the `done` label (or note that it reached the fault handler) and compare r0-r12
 * and the APSR flags. Snippets set up their own registers and memory and use no absolute code addresses.
 * Not comparable here (code is RAM in QEMU, flash in our harness): STRD with Rn = PC and TBB with Rm = PC,
 * which both execute them (UNPREDICTABLE in the ARM ARM).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { runQemu } from '../support/qemu.js';
import { buildSnippetElf } from '../support/qemu-snippets.js';
import { stepThumb } from '../support/step.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-lsqemu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** SP at 0x20008000 in both (QEMU's reset SP comes from the vector table). */
const PRELUDE = 'movw r12, #0x8000\nmovt r12, #0x2000\nmov sp, r12\nmovs r12, #0\nmovw r11, #0x100\nmovt r11, #0x2000';

interface QemuState {
  faulted: boolean;
  r: number[];
  apsr: number;
}

async function runInQemu(name: string, body: string): Promise<QemuState> {
  const ld = join(dir, 'link.ld');
  writeFileSync(ld, 'SECTIONS { . = 0; .vectors : { *(.vectors) } .text : { *(.text) } }\n');
  const elf = buildSnippetElf(dir, name, `.syntax unified\n.thumb\n.section .vectors,"a"\n.word 0x20008000, reset + 1, fault + 1, fault + 1, fault + 1, fault + 1, fault + 1\n` +
    `.text\n.thumb_func\nreset:\n${PRELUDE}\n${body}\ndone:\nmovs r0, #0x18\nmovw r1, #0x0026\nmovt r1, #0x2\nbkpt 0xab\n` +
    `fault:\nmovs r0, #0x18\nmovw r1, #0x0026\nmovt r1, #0x2\nbkpt 0xab\n`, ['-T', ld]);
  const symbols = execFileSync('arm-none-eabi-nm', [elf]).toString();
  const addr = (sym: string) => parseInt(new RegExp(`^([0-9a-f]+) \\w ${sym}$`, 'm').exec(symbols)![1]!, 16);
  const done = addr('done');
  const fault = addr('fault');
  const log = join(dir, `${name}.log`);
  const run = await runQemu(elf, { timeoutMs: 10_000, extraQemuArgs: ['-singlestep', '-d', 'cpu,nochain', '-D', log] });
  if (run.timedOut) throw new Error(`${name}: QEMU timed out`);
  const text = readFileSync(log, 'utf8');
  for (const block of text.split(/\n(?=R00=)/)) {
    const regs = [...block.matchAll(/R(\d\d)=([0-9a-f]{8})/g)].map((m) => parseInt(m[2]!, 16));
    if (regs.length < 16) continue;
    const pc = regs[15]!;
    if (pc !== done && pc !== fault) continue;
    const xpsr = parseInt(/XPSR=([0-9a-f]{8})/.exec(block)![1]!, 16);
    return { faulted: pc === fault, r: regs, apsr: (xpsr & 0xf80f0000) >>> 0 };
  }
  throw new Error(`${name}: QEMU never reached done or fault`);
}

const CASES: { name: string; asm: string; regs?: number[] }[] = [
  { name: 'ldr-wback-into-base', asm: 'movw r0, #0xbeef\nmovt r0, #0xdead\nstr r0, [r11, #4]\nmov r1, r11\n.inst.w 0xf8511f04' },
  { name: 'ldrd-wback-into-base', asm: 'movs r0, #5\nstr r0, [r11]\nmovs r0, #6\nstr r0, [r11, #4]\nmov r2, r11\n.inst.w 0xe8f22202' },
  { name: 'stm16-rn-in-list', asm: 'movs r0, #0x77\nmov r1, r11\n.inst.n 0xc103\nldr r3, [r11]\nldr r4, [r11, #4]\nsub r4, r4, r11' },
  { name: 'ldm32-one-register', asm: 'mov r0, r11\n.inst.w 0xe8900002' },
  { name: 'ldm32-wback-rn-listed', asm: 'mov r0, r11\n.inst.w 0xe8b00003' },
  { name: 'ldm16-rn-listed-no-wback', asm: 'movs r0, #1\nstr r0, [r11]\nmovs r0, #2\nstr r0, [r11, #4]\nmov r1, r11\nldm r1, {r0, r1}' },
  { name: 'ldm-unaligned', asm: 'add r0, r11, #2\nldmia.w r0, {r1, r2}' },
  { name: 'ldr-unaligned-ok', asm: 'movw r0, #0x5678\nmovt r0, #0x1234\nstr r0, [r11]\nstr r0, [r11, #4]\nldr r1, [r11, #1]\nldrh r2, [r11, #3]\nldrsh r3, [r11, #1]' },
  { name: 'ldrd-unaligned', asm: 'add r0, r11, #4\nldrd r2, r3, [r0]\nadd r0, r11, #2\nldrd r2, r3, [r0]' },
  { name: 'ldr-pc-unaligned', asm: 'movs r0, #1\nstr r0, [r11]\n.inst.w 0xf8dbf001' },
  { name: 'pop-pc-bit0-clear', asm: 'movs r0, #0x40\npush {r0}\npop {pc}' },
  { name: 'str-rn-pc', asm: '.inst.w 0xf8cf0004' },
  { name: 'ldr-t4-p0-w0', asm: 'mov r1, r11\n.inst.w 0xf8510800' },
  { name: 'ldr-rn-pc-register-form-is-literal', asm: 'nop\n.inst.w 0xf85f3004\n.inst.w 0xf85f4008' },
  { name: 'pld-pli-unmapped', asm: 'movs r0, #0x7\nlsls r0, r0, #28\npld [r0, #4]\npli [r0]\npld [r0, r1, lsl #2]\nmovs r2, #9' },
  { name: 'exclusives', asm: 'movs r0, #1\nstr r0, [r11]\nmovs r3, #5\nstrex r2, r3, [r11]\nldrex r0, [r11]\nstrex r4, r3, [r11, #4]\nldrex r0, [r11]\nstrexh r5, r3, [r11]\nldrex r0, [r11]\nclrex\nstrex r6, r3, [r11]\nldr r7, [r11]' },
  { name: 'tbb-tbh', asm: 'movs r0, #2\ntbb [pc, r0]\n1: .byte 0, (2f - 1b) / 2, (3f - 1b) / 2\n.align 1\n2: movs r1, #1\n3: movs r2, #2\nmovs r0, #1\ntbh [pc, r0, lsl #1]\n4: .hword 0, (5f - 4b) / 2\n5: movs r3, #3' },
  { name: 'it-slots-and-flags', asm: 'movs r0, #0\nitete eq\nmoveq r1, #1\nmovne r2, #1\ncmpeq r0, #1\nmovne r3, #1\nit ne\nmovne r4, #4' },
  { name: 'b-t1-inside-it', asm: 'movs r0, #0\nit eq\n.inst.n 0xd000' },
  { name: 'cbz-inside-it', asm: 'movs r0, #0\nit eq\n.inst.n 0xb100\nmovs r5, #5\nmovs r6, #6' },
  { name: 'bx-low-bits-set', asm: 'movs r0, #1\n.inst.n 0x4701' },
  { name: 'msr-mrs-apsr', asm: 'movw r0, #0\nmovt r0, #0xa80a\nmsr APSR_nzcvqg, r0\nmrs r1, apsr\nmovw r0, #0xffff\nmovt r0, #0x5005\nmsr APSR_g, r0\nmrs r2, apsr\nmsr APSR_nzcvq, r0\nmrs r3, xpsr\nmrs r4, epsr\nmrs r5, ipsr' },
  { name: 'basepri-max', asm: 'movs r0, #0xff\nmsr basepri, r0\nmrs r1, basepri\nmovs r0, #0x40\nmsr basepri, r0\nmovs r0, #0x80\nmsr basepri_max, r0\nmrs r2, basepri\nmovs r0, #0x20\nmsr basepri_max, r0\nmrs r3, basepri_max\nmovs r0, #0\nmsr basepri_max, r0\nmrs r4, basepri\nmsr basepri, r0' },
  { name: 'faultmask-primask', asm: 'cpsid f\nmrs r0, faultmask\nmovs r1, #0\nmsr faultmask, r1\nmrs r2, faultmask\ncpsid i\nmrs r3, primask\ncpsie i\nmrs r4, primask' },
  { name: 'unprivileged', asm: 'cpsid i\nmovs r0, #1\nmsr control, r0\nisb\nmrs r2, primask\nmrs r3, msp\nmrs r4, control\nmovs r0, #0\nmsr control, r0\nmrs r5, control\nmsr primask, r0\nmrs r6, apsr' },
  { name: 'psp-control-spsel', asm: 'movw r0, #0x4000\nmovt r0, #0x2000\nmsr psp, r0\nmovs r1, #2\nmsr control, r1\nmov r2, sp\nmrs r3, msp\nmrs r4, control\nmovs r1, #0\nmsr control, r1\nmov r5, sp' },
  { name: 'mrs-msr-reserved-sysm', asm: 'movs r0, #7\n.inst.w 0xf3ef8104\n.inst.w 0xf3ef820a\n.inst.w 0xf3ef8315\n.inst.w 0xf380880a' },
  { name: 'ldrb-rt15-wback', asm: 'mov r0, r11\n.inst.w 0xf810ff04\nmov r1, r0' },
  { name: 'ldrh-rt15-wback', asm: 'mov r0, r11\n.inst.w 0xf830ff04\nmov r1, r0' },
  { name: 'ldrsb-rt15-wback', asm: 'mov r0, r11\n.inst.w 0xf910ff04\nmov r1, r0' },
  { name: 'ldrsh-rt15-wback', asm: 'mov r0, r11\n.inst.w 0xf930ff04\nmov r1, r0' },
  { name: 'ldrh-rt15-imm12', asm: 'mov r0, r11\n.inst.w 0xf8b0f004' },
  { name: 'ldrsh-rt15-imm12', asm: 'mov r0, r11\n.inst.w 0xf9b0f004' },
  { name: 'ldrbt-rt15', asm: 'mov r0, r11\n.inst.w 0xf810fe04' },
  { name: 'ldrh-rt15-register', asm: 'mov r0, r11\n.inst.w 0xf830f000' },
  { name: 'ldrsh-rt15-post', asm: 'mov r0, r11\n.inst.w 0xf930fb04\nmov r1, r0' },
  { name: 'pldw-imm8', asm: 'mov r0, r11\n.inst.w 0xf830fc04' },
  { name: 'ldrex-rt-pc', asm: 'mov r1, r11\n.inst.w 0xe851ff00' },
  { name: 'blx-pc', asm: '.inst.n 0x47f8' },
  { name: 'push-pop-stmdb-ldmdb', asm: 'movs r0, #1\nmovs r1, #2\nmovs r2, #3\npush {r0, r1, r2}\npop {r3, r4}\npush.w {r0, r1, r8}\nmov r5, sp\nsub r5, r5, r12\nadd r6, r11, #64\nstmdb r6!, {r0, r1, r2}\nldmdb r6, {r7, r8}\nsub r6, r6, r11' },
  { name: 'ldrd-strd-modes', asm: 'movs r0, #1\nmovs r1, #2\nmov r2, r11\nstrd r0, r1, [r2, #8]!\nstrd r1, r0, [r2], #-8\nldrd r3, r4, [r11, #8]\nldrd r5, r6, [r2, #16]!\nsub r2, r2, r11\nldrd r7, r8, 1f\nb 2f\n.align 2\n1: .word 0x12345678, 0x9abcdef0\n2:' },
  { name: 'ldr-str-addressing', asm: 'movw r0, #0xa1b2\nmovt r0, #0xc3d4\nmov r1, r11\nstr r0, [r1, #4]!\nstrh r0, [r1, #2]\nstrb r0, [r1], #1\nldrsb r2, [r11, #5]\nldrsh r3, [r11, #6]\nldrb r4, [r11, #4]\nldrh r5, [r11, #5]\nmovs r6, #1\nldr.w r7, [r11, r6, lsl #2]\nldrt r8, [r11, #4]\nsub r1, r1, r11\nldr r9, 1f\nldrsh.w r10, 1f\nb 2f\n.align 2\n1: .word 0x8765f321\n2:' },
  { name: 'conditional-branches', asm: 'movs r0, #0\ncmp r0, #1\nbge 1f\nadds r1, r0, #1\n1: bhi 2f\nadds r2, r0, #2\n2: bne.w 3f\nadds r3, r0, #3\n3: cbnz r2, 4f\nadds r4, r0, #4\n4: cbz r2, 5f\nadds r5, r0, #5\n5:' },
  { name: 'bl-bx-round-trip', asm: 'bl 1f\nmovs r0, #1\nb 2f\n1: movs r1, #2\nmov r2, lr\nbx lr\n2: lsls r2, r2, #31' },
  { name: 'udf', asm: 'udf #1' },
  { name: 'udf-w', asm: 'udf.w #1' },
];

describe('load/store, branch and system choices agree with QEMU 7.2', () => {
  it.concurrent.for(CASES)('$name', async ({ name, asm, regs }, { expect: expectHere }) => {
    const qemu = await runInQemu(name, asm);
    const ours = stepThumb(`${PRELUDE}\n${asm}`);
    // An interworking branch to an address outside the snippet faults on the next fetch: take that step too.
    if (!ours.halted && ours.pendingInvState) ours.run(1);
    const oursFaulted = ours.halted && ours.stopReason.startsWith('fault');
    expectHere(oursFaulted, `fault: ours "${ours.stopReason}", QEMU ${qemu.faulted}`).toBe(qemu.faulted);
    if (qemu.faulted) return;
    const which = regs ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    expectHere(which.map((k) => ours.r[k]! >>> 0)).toEqual(which.map((k) => qemu.r[k]));
    expectHere(ours.apsr).toBe(qemu.apsr);
  });
});
