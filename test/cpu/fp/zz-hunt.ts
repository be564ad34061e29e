import { CODE_BASE, loadThumb } from '../../support/step.js';
import { FP_OPS, makeCases } from './fp-cases.js';
import { runCasesInQemu } from './qemu-fp-runner.js';
const N = Number(process.argv[2] ?? 100000);
for (const seed of [1, 2, 3]) {
  const cases = makeCases(N, seed);
  const exp = await runCasesInQemu(FP_OPS, cases);
  const cpus = FP_OPS.map((op) => { const c = loadThumb(op.asm); c.fpuEnabled = true; return c; });
  let bad = 0; const flagsNew = [0,0,0,0,0,0,0,0]; let denorm = 0, nanPayload = 0;
  cases.forEach((c, k) => {
    const cpu = cpus[c.op]!;
    cpu.pc = CODE_BASE; cpu.halted = false; cpu.n = cpu.z = cpu.c = cpu.v = 0;
    cpu.fpscr = c.fpscr; cpu.sBits[0] = c.s0; cpu.sBits[1] = c.s1; cpu.sBits[2] = c.s2;
    cpu.run(FP_OPS[c.op]!.asm.split('\n').length);
    const w = exp[k]!;
    const nz = (cpu.n << 3) | (cpu.z << 2) | (cpu.c << 1) | cpu.v;
    for (let b = 0; b < 8; b++) if ((w.fpscr & ~c.fpscr) & (1 << b)) flagsNew[b]++;
    if ((w.s0 & 0x7f800000) === 0 && (w.s0 & 0x7fffff)) denorm++;
    if ((w.s0 & 0x7f800000) === 0x7f800000 && (w.s0 & 0x3fffff)) nanPayload++;
    if (cpu.halted || cpu.sBits[0] !== w.s0 || cpu.fpscr !== w.fpscr || nz !== w.nzcv) {
      if (bad++ < 10) console.log(FP_OPS[c.op]!.asm.replace('\n', ';'), c.fpscr.toString(16), c.s0.toString(16), c.s1.toString(16), c.s2.toString(16), 'q', w.s0.toString(16), w.fpscr.toString(16), w.nzcv, 'us', cpu.sBits[0]!.toString(16), cpu.fpscr.toString(16), nz, cpu.stopReason);
    }
  });
  console.log('seed', seed, 'bad', bad, 'new flags IOC DZC OFC UFC IXC - - IDC', flagsNew, 'denorm', denorm, 'nanPayload', nanPayload);
}
