// The exception model against QEMU (issue 2: NVIC, SysTick, SVC, PendSV, faults, FP context): the
// firmware/tests/exc_*.c programs at -O0/-O2/-Os x hard/soft float run in QEMU mps2-an386 and in
// mcusim; stdout and exit code must be identical. QEMU's output is first held to lines worked out
// by hand from the ARMv7-M ARM (the reasoning is next to each), so the comparison is with a checked
// oracle. Only event order, counts and register values are printed, never how long anything took.
import { beforeAll, describe, it } from 'vitest';
import { mcusimDriver, qemuDriver } from '../support/driver.js';
import { BUILD_MATRIX, type BuildVariant, buildTestProgram, variantName } from '../support/toolchain.js';

interface ExcProgram {
  name: string;
  /** Lines QEMU must print, in any build. */
  lines: string[];
  /** Extra lines for hard-float builds. */
  hardLines?: string[];
  /** Extra lines for soft-float builds. */
  softLines?: string[];
}

const PROGRAMS: readonly ExcProgram[] = [
  {
    name: 'exc_nvic',
    lines: [
      // Cortex-M4 r0p0 (QEMU's AN386); TENMS = 10 ms of the 1 MHz REFCLK - 1; STKALIGN set at reset.
      // ICSR.RETTOBASE is UNKNOWN in Thread mode: QEMU (and mcusim) say 1 when nothing is active.
      'cpuid 410fc240 calib 0000270f ccr 00000200 aircr fa050000 shcsr 00000000 icsr 00000800',
      'reference clock wraps: 3',
      // A (IRQ1, 0xE0) pends D (0x20), C (0x60), B (0xA0). PRIGROUP n: group = bits [7:n+1] (B1.5.4).
      'prigroup 4 order: ADdCcBba', // groups E0/A0/60/20: each pre-empts A on being pended
      'prigroup 6 order: ADdCcaBb', // groups 80/80/00/00: B waits for A, then tail-chains
      'prigroup 7 order: AaDdCcBb', // one group: no pre-emption, then by subpriority D, C, B
      // Pended under PRIMASK: D 0x20 first, E/F 0x80 by IRQ number, B 0xA0 last.
      'primask release order: |DdEeFfBb',
      'icsr vectpending: 20 isrpending: 1',
      'enable pending irq: |Hh',
      'cleared before taken: |',
      // BASEPRI 0x60 lets only D (0x20) in; BASEPRI_MAX cannot lower the masking; 0x80 lets C in.
      'basepri after basepri_max 0x80: 60',
      'basepri after basepri_max 0: 60',
      'basepri after basepri_max 0x40: 40',
      'basepri order: Dd|Cc|Bb',
      'wfi under primask: WDd',
      'interrupt in it block: 0 2 0', // ITETE EQ with Z set: only the ADDEQ adds
      'it block irq: Dd',
      'nmi under faultmask, then pendstset: N|s', // NMI (-2) is above FAULTMASK's -1
      'icsr in nmi: vectactive 2 rettobase 1',
      'faultmask in handler 1, after return 0', // FAULTMASK cleared by the return (B1.5.8)
      'faultmask order: |DdGg',
      'irq 1 icsr: vectactive 17 rettobase 1',
      'irq 2 icsr: vectactive 18 rettobase 1',
      'irq 4 icsr: vectactive 20 rettobase 0',
      'vectpending with B and D pending: 20',
      'shcsr in svc: 00000080', // SVCALLACT
      'shcsr in pendsv: 00000400', // PENDSVACT
      'countflag wraps: 3',
      'countflag after cvr write: 0',
      'systick: SSSSS',
      'exc_nvic: ok',
    ],
  },
  {
    // 40 pseudo-random NVIC configurations: a cross-check of the arbitration exc_nvic checks by hand.
    name: 'exc_nvic_random',
    lines: ['exc_nvic_random: ok'],
  },
  {
    name: 'exc_svc_psp',
    lines: [
      // r0 = 0x1000 + 7 * 9 - 0x55 + 10 = 0xff4, r1 = 0x1000 ^ 0x55
      'svc args: r0=00000ff4 r1=00001055 imm=10',
      // ITETE EQ: IT = 0000:1011 (0x0b); after the SVC it has advanced once: 0x16.
      'svc in it block: imm=4 it=16 results 0 2 0',
      'odd-word sp: sp mod 8 = 4, stacked xpsr bit9 = 1, frame 8-aligned 1, frame+size+pad == sp 1, sp restored 1',
      'even-word sp: stacked xpsr bit9 = 0, sp restored 1',
      'unprivileged: control 1, after msr control 0: 1, seen by svc 1, after svc 0',
      'masks written unprivileged: primask 0 faultmask 0 basepri 0',
      'tasks: AaBbCc',
      // x = k + 1.5, three times x = (2x + 0.25) - 0.125: 12.875 and 20.875
      'task results: 12875 20875',
      'exc_svc_psp: ok',
    ],
  },
  {
    name: 'exc_faults',
    lines: [
      '  exception 3 cfsr=00010000 hfsr=40000000 pc-ok=1 T=1 it=00 shcsr-act=000 from-thread=1 rettobase=1',
      '  exception 6 cfsr=02000000 hfsr=00000000 pc-ok=1 T=1 it=00 shcsr-act=008 from-thread=1 rettobase=1',
      '  exception 5 cfsr=00008200 hfsr=00000000 bfar=30000008 pc-ok=1 T=1 it=00 shcsr-act=002 from-thread=1 rettobase=1',
      // INVSTATE: EPSR.T was 0 when the fault was taken, and is stacked as 0.
      '  exception 6 cfsr=00020000 hfsr=00000000 pc-ok=1 T=0 it=00 shcsr-act=008 from-thread=1 rettobase=1',
      // The faulting LDREQ is the first of ITETE EQ: IT 0x0b stacked; skipping it leaves ELSE, THEN, ELSE.
      '  exception 6 cfsr=01000000 hfsr=00000000 pc-ok=1 T=1 it=0b shcsr-act=008 from-thread=1 rettobase=1',
      '  after it block: 0 2 0',
      '  exception 6 cfsr=00010000 hfsr=00000000 pc-ok=1 T=1 it=00 shcsr-act=008 from-thread=0 rettobase=0',
      '  exception 3 cfsr=00010000 hfsr=40000000 pc-ok=1 T=1 it=00 shcsr-act=000 from-thread=0 rettobase=0',
      '  exception 3 cfsr=00000000 hfsr=40000000 pc-ok=1 T=1 it=00 shcsr-act=000 from-thread=1 rettobase=1',
      // Unprivileged LDR from CCR and STR to STIR: precise BusFaults (B3.2.1), BFAR = the register.
      '  exception 5 cfsr=00008200 hfsr=00000000 bfar=e000ed14 pc-ok=1 T=1 it=00 shcsr-act=002 from-thread=1 rettobase=1',
      '  exception 5 cfsr=00008200 hfsr=00000000 bfar=e000ef00 pc-ok=1 T=1 it=00 shcsr-act=002 from-thread=1 rettobase=1',
      '  stir refused: irq 9 pending 0',
      '  stir with USERSETMPEND: irq 9 pending 1',
      'exc_faults: ok',
    ],
    softLines: ['faults taken: 13'],
    hardLines: [
      // NOCP as well (CPACR cleared), retried after the handler turns the FPU back on.
      '  exception 6 cfsr=00080000 hfsr=00000000 pc-ok=1 T=1 it=00 shcsr-act=008 from-thread=1 rettobase=1',
      '  retried: 3',
      'faults taken: 14',
    ],
  },
  {
    name: 'exc_return',
    lines: [
      // B1.5.8: the SVC is deactivated (SVCALLACT clear), UsageFault active, INVPC, LR = EXC_RETURN.
      'bad low bits: usagefault 1 ipsr 6 lr fffffff5 cfsr 00040000 shcsr-act 008',
      'thread resumed, r4 42',
      'thread with irq active: usagefault 1 ipsr 6 lr fffffff9 cfsr 00040000 shcsr-act 008',
      'irq handler resumed: 1',
      'ccr stkalign now 0',
      'stkalign 0: sp mod 8 = 4, restored 1',
      'strex across an interrupt: 1, without: 0',
      'exc_return: ok',
    ],
  },
  {
    name: 'exc_stacking',
    lines: [
      // STKERR (BFSR bit 4 = CFSR bit 12); BusFault disabled: HardFault, FORCED; the SVC stays pending.
      '  exception 3 cfsr=00001000 hfsr=40000000 exc_return=fffffffd svc pending 1',
      'phase 1 events: HS',
      '  exception 5 cfsr=00001000 hfsr=00000000 exc_return=fffffffd svc pending 1',
      'phase 2 events: BS',
      'phase 3 events: SB',
      'exc_stacking: ok',
    ],
    // UNSTKERR (CFSR bit 11), no BFAR; the SVC is no longer active nor pending; LR = the SVC's
    // EXC_RETURN, with an FP frame (bit 4 clear) when Thread mode had used the FPU.
    softLines: ['  exception 5 cfsr=00000800 hfsr=00000000 exc_return=fffffffd svc pending 0'],
    hardLines: ['  exception 5 cfsr=00000800 hfsr=00000000 exc_return=ffffffed svc pending 0'],
  },
  {
    name: 'exc_fp',
    lines: ['exc_fp: ok'],
    hardLines: [
      'fpccr at reset: aspen 1 lspen 1',
      // Reserved from Thread mode: LSPACT, THREAD, HFRDY (priority > -1) = 0x19; BFRDY (0x40) once
      // BusFault is enabled, its priority 0 being above Thread mode's.
      'fpccr in handler: c0000019',
      'fpccr in handler: c0000059',
      'lazy: lspact 1 fpcar-ok 1 fpca 0 excret4 0 stacked 9 | after fp: lspact 0 stacked 1 fpca 1 | thread intact 1, lspact now 0',
      'lazy, handler without fp: lspact 1 fpcar-ok 1 fpca 0 excret4 0 stacked 9 | thread intact 1, lspact now 0',
      'handler first fpscr (fpdscr 02c00000): 02c00000',
      'immediate: lspact 0 fpcar-ok 9 fpca 0 excret4 0 stacked 1 | after fp: lspact 0 stacked 1 fpca 1 | thread intact 1, lspact now 0',
      // FPCA cleared before the interrupt: basic frame (EXC_RETURN bit 4 set), nothing preserved.
      'no thread context: lspact 0 fpcar-ok 9 fpca 0 excret4 1 stacked 2 | after fp: lspact 0 stacked 2 fpca 1 | thread intact 0, lspact now 0',
      'aspen off: excret4 1, control.fpca in thread 0',
      'fp after: 3, fpca 1',
    ],
  },
];

const TIMEOUT_MS = 30_000;
const cases = PROGRAMS.flatMap((program) => BUILD_MATRIX.map((variant) => ({ program, variant, label: `${program.name} ${variantName(variant)}` })));

const elfs = new Map<string, string>();
beforeAll(async () => {
  for (const c of cases) elfs.set(c.label, await buildTestProgram(c.program.name, c.variant));
}, 600_000);

function expectedLines(p: ExcProgram, v: BuildVariant): string[] {
  return [...p.lines, ...((v.float === 'hard' ? p.hardLines : p.softLines) ?? [])];
}

describe('exception model: mcusim vs QEMU', () => {
  it.concurrent.for(cases)('$label', { timeout: TIMEOUT_MS * 3 }, async ({ program, variant, label }, { expect }) => {
    const elf = elfs.get(label)!;
    const [oracle, sim] = await Promise.all([
      qemuDriver.run(elf, { timeoutMs: TIMEOUT_MS }),
      mcusimDriver.run(elf, { timeoutMs: TIMEOUT_MS * 2 }),
    ]);
    const qemuOut = oracle.stdout.toString('latin1');
    expect(oracle.timedOut, 'QEMU timed out').toBe(false);
    const lines = qemuOut.split('\n');
    for (const line of expectedLines(program, variant)) expect(lines, `QEMU did not print "${line}":\n${qemuOut}`).toContain(line);
    expect(qemuOut).not.toMatch(/^FAIL /m);
    expect(oracle.exitCode).toBe(0);
    const simErr = sim.stderr?.toString('utf8') ?? '';
    expect(sim.timedOut, `mcusim timed out; stderr:\n${simErr}`).toBe(false);
    expect(sim.stdout.toString('latin1'), `mcusim stderr:\n${simErr}`).toBe(qemuOut);
    expect(sim.exitCode, `mcusim stderr:\n${simErr}`).toBe(oracle.exitCode);
  });
});
