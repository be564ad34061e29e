// What firmware that real projects ship needs of the core (issue 12 §5), against QEMU 7.2
// mps2-an386: each program runs in QEMU and in mcusim; QEMU's output is first held to the lines
// worked out by hand (the reasoning beside each), then mcusim must print the same bytes and exit
// with the same code.
import { beforeAll, describe, it } from 'vitest';
import { mcusimDriver, qemuDriver } from '../support/driver.js';
import { type BuildVariant, buildElf, variantName } from '../support/toolchain.js';

interface GapProgram {
  name: string;
  sources: string[];
  linkerScript?: string;
  /** Lines QEMU must print. */
  lines: string[];
  exitCode: number;
}

const PROGRAMS: readonly GapProgram[] = [
  {
    // CubeIDE-style script: .data >RAM AT> FLASH, then .bss and ._user_heap_stack >RAM (issue 12 §5).
    name: 'vendor_linked',
    sources: ['firmware/tests/vendor_linked/vendor_linked.c'],
    linkerScript: 'firmware/tests/vendor_linked/mps2-an386-cubeide.ld',
    lines: [
      'vendor-linked image: data sum 54, bss nonzero words 0', // 1+1+2+3+5+8+13+21; .bss zero
      'bss written: 25159680, heap after bss: 1', // 3 * (4095 * 4096 / 2)
    ],
    exitCode: 0,
  },
  {
    // CMSDK APB UART TX interrupt through the NVIC (UART1, IRQ 3): one per byte with TX_INTEN, none
    // without; a handler that leaves INTSTATUS.TX set runs again (level-sensitive, B3.4.1).
    name: 'cmsdk_uart_irq',
    sources: ['firmware/tests/cmsdk_uart_irq.c'],
    lines: [
      'tx interrupts for 5 bytes: 5, intstatus after: 0',
      'handler that clears on its third run: 3 runs',
      'tx_inten clear: 0 interrupts, intstatus 0, pending 0',
    ],
    exitCode: 0,
  },
  {
    // MPU (ARMv7-M ARM B3.5): AP per privilege, XN, sub-regions, PRIVDEFENA, RBAR VALID/REGION and the
    // alias registers; MemManage with MMFSR/MMFAR, and HardFault (FORCED) when MemManage is disabled.
    name: 'mpu',
    sources: ['firmware/tests/mpu.c'],
    lines: [
      'mpu_type 00000800 ctrl 00000000', // DREGION = 8, unified; off at reset
      'rnr 4 rbar 00000004 rasr 16000009', // RBAR reads back ADDR | REGION; XN | AP=110 | SIZE=4 (32 B) | ENABLE
      // DACCVIOL (bit 1) + MMARVALID (bit 7), MMFAR = the byte written.
      'privileged write to a read-only region: faults 1 exc 4 cfsr 00000082 mmfar 20300803 hfsr 00000000',
      'privileged write to a privileged-only region: faults 0 exc 0 cfsr 00000000 mmfar -00000000 hfsr 00000000',
      // Offset 64 of a 256-byte region: sub-region 2, enabled (SRD 0xF0 disables 4-7), AP=000.
      'read in an enabled no-access sub-region: faults 1 exc 4 cfsr 00000082 mmfar 20300440 hfsr 00000000',
      'read in a disabled sub-region (region 1 applies): faults 0 exc 0 cfsr 00000000 mmfar -00000000 hfsr 00000000',
      // A fetch from an XN region: IACCVIOL (bit 0), MMFAR not valid.
      'call into execute-never RAM: faults 1 exc 4 cfsr 00000001 mmfar -00000000 hfsr 00000000',
      'privileged read with no region (background map): faults 0 exc 0 cfsr 00000000 mmfar -00000000 hfsr 00000000',
      // LDRT/STRT and their byte/halfword forms in privileged code are checked as unprivileged (A7.7
      // MemU_unpriv): AP=001 refuses them (the destination keeps its 0), and PRIVDEFENA's background map
      // is not theirs; the privileged store before them left the byte alone.
      'ldrt of privileged-only: 00000000',
      '  ldrt: faults 1 exc 4 cfsr 00000082 mmfar 2030000c hfsr 00000000',
      'strbt to privileged-only: faults 1 exc 4 cfsr 00000082 mmfar 20300010 hfsr 00000000',
      'privileged byte there: 00',
      'ldrht of privileged-only: faults 1 exc 4 cfsr 00000082 mmfar 20300014 hfsr 00000000',
      'strt to read-only: faults 1 exc 4 cfsr 00000082 mmfar 20300810 hfsr 00000000',
      'ldrt with no region (no background map unprivileged): faults 1 exc 4 cfsr 00000082 mmfar 40000000 hfsr 00000000',
      // Where region 1 allows them: 0x80 sign-extended, STRBT keeps the low byte of 0x1fe, STRHT 0x8001.
      'ldrsbt ffffff80 ldrbt 000000fe ldrsht ffff8001 ldrht 0000ff80 ldrt 12345678',
      'unprivileged forms where allowed: faults 0 exc 0 cfsr 00000000 mmfar -00000000 hfsr 00000000',
      'unprivileged read of privileged-only: faults 1 exc 4 cfsr 00000082 mmfar-ok 1',
      'unprivileged read of read-only: faults 0; write: faults 1 cfsr 00000082 mmfar-ok 1',
      // PRIVDEFENA gives the background map to privileged code only.
      'unprivileged read with no region: faults 1 cfsr 00000082 mmfar 40000000',
      'after svc: control 0',
      // Unprivileged stacking into a privileged-only PSP: MSTKERR (bit 4) without MMARVALID, MemManage
      // (number 4 beats SVCall at equal priority), the SVC taken once Thread mode has a good stack.
      'svc with its frame in a privileged-only stack: exc 4 cfsr 00000010, svc taken after: 2, control 2',
      // The pop uses the rights of the mode returned to (B1.5.8 sets the mode before PopStack): MUNSTKERR.
      'return through a frame in a privileged-only stack: exc 4 cfsr 00000008, control 2',
      'write with MemManage disabled: faults 1 exc 3 cfsr 00000082 mmfar 20300802 hfsr 40000000',
      'read after SRD cleared: faults 1 exc 4 cfsr 00000082 mmfar 203004c8 hfsr 00000000',
      'read with region 3 disabled: faults 0 exc 0 cfsr 00000000 mmfar -00000000 hfsr 00000000',
      'ram code with the mpu off: 7',
      'mpu: ok',
    ],
    exitCode: 0,
  },
];

const VARIANTS: readonly BuildVariant[] = [
  { opt: 'O0', float: 'soft' },
  { opt: 'O2', float: 'hard' },
];
const TIMEOUT_MS = 30_000;
const cases = PROGRAMS.flatMap((program) => VARIANTS.map((variant) => ({ program, variant, label: `${program.name} ${variantName(variant)}` })));

const elfs = new Map<string, string>();
beforeAll(async () => {
  for (const c of cases) {
    const { name, sources, linkerScript } = c.program;
    elfs.set(c.label, await buildElf({ name, sources, variant: c.variant, ...(linkerScript ? { linkerScript } : {}) }));
  }
}, 600_000);

describe('core gaps: mcusim vs QEMU', () => {
  it.concurrent.for(cases)('$label', { timeout: TIMEOUT_MS * 3 }, async ({ program, label }, { expect }) => {
    const elf = elfs.get(label)!;
    const [oracle, sim] = await Promise.all([
      qemuDriver.run(elf, { timeoutMs: TIMEOUT_MS }),
      mcusimDriver.run(elf, { timeoutMs: TIMEOUT_MS * 2 }),
    ]);
    const qemuOut = oracle.stdout.toString('latin1');
    expect(oracle.timedOut, 'QEMU timed out').toBe(false);
    const lines = qemuOut.split('\n');
    for (const line of program.lines) expect(lines, `QEMU did not print "${line}":\n${qemuOut}`).toContain(line);
    expect(oracle.exitCode, qemuOut).toBe(program.exitCode);
    const simErr = sim.stderr?.toString('utf8') ?? '';
    expect(sim.timedOut, `mcusim timed out; stderr:\n${simErr}`).toBe(false);
    expect(sim.stdout.toString('latin1'), `mcusim stderr:\n${simErr}`).toBe(qemuOut);
    expect(sim.exitCode, `mcusim stderr:\n${simErr}`).toBe(oracle.exitCode);
  });
});
