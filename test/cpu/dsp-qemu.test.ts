/**
 * The DSP extension against QEMU 7.2 (`mps2-an386`, Cortex-M4 with the DSP extension), the functional
 * oracle. One assembly program per family (parallel add/subtract; saturate, pack, extend and select;
 * multiplies) with seeded random instructions and operands biased to lane boundaries (0x7f/0x80/0xff,
 * 0x7fff/0x8000/0xffff, INT32_MIN/MAX). Each case loads APSR (N Z C V Q and GE) and r0-r12, executes one
 * instruction, and stores r0-r12 and APSR (read with MRS, so Q and GE are included) in a RAM table that
 * is written to stdout with semihosting at the end. mcusim runs the same instruction from the same state;
 * every register and every APSR bit must agree.
 */
import { describe, expect, it } from 'vitest';
import { runTableProgram, tableCaseAsm, TABLE_WORDS_PER_CASE as WORDS_PER_CASE } from '../support/qemu-snippets.js';
import { CODE_BASE, loadThumb } from '../support/step.js';
import { xorshift32 } from '../support/xorshift.js';

const random32 = xorshift32(0x2545f491);
const rnd = (n: number) => random32() % n;
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const reg = () => `r${rnd(13)}`;
const ror = () => { const r = 8 * rnd(4); return r ? `, ror #${r}` : ''; };

const HALF_EDGES = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7f80, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xff80, 0xfffe, 0xffff];
const BYTE_EDGES = [0, 1, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff];
const WORD_EDGES = [0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x40000000, 0xc0000000, 0x3fffffff];
const half = () => (rnd(2) ? pick(HALF_EDGES) : rnd(0x10000));
const byte = () => (rnd(2) ? pick(BYTE_EDGES) : rnd(0x100));
const value = () => {
  switch (rnd(5)) {
    case 0: return pick(WORD_EDGES);
    case 1: return ((half() << 16) | half()) >>> 0;
    case 2: return ((byte() << 24) | (byte() << 16) | (byte() << 8) | byte()) >>> 0;
    case 3: return rnd(0x10000) * 0x10000 + rnd(0x10000);
    default: return rnd(0x200) - 0x100 >>> 0;
  }
};

const PARALLEL_PREFIXES = ['s', 'q', 'sh', 'u', 'uq', 'uh'];
const PARALLEL_OPS = ['add16', 'asx', 'sax', 'sub16', 'add8', 'sub8'];
const XY = ['bb', 'bt', 'tb', 'tt'];

/** Instruction generators per family (registers r0-r12 only; SP/PC operands are UNPREDICTABLE). */
const FAMILIES: Record<string, (() => string)[]> = {
  parallel: [() => `${pick(PARALLEL_PREFIXES)}${pick(PARALLEL_OPS)} ${reg()}, ${reg()}, ${reg()}`],
  'saturate-pack-extend': [
    () => `${pick(['qadd', 'qsub', 'qdadd', 'qdsub', 'sel', 'usad8'])} ${reg()}, ${reg()}, ${reg()}`,
    () => `usada8 ${reg()}, ${reg()}, ${reg()}, ${reg()}`,
    () => `ssat16 ${reg()}, #${1 + rnd(16)}, ${reg()}`,
    () => `usat16 ${reg()}, #${rnd(16)}, ${reg()}`,
    () => `pkhbt ${reg()}, ${reg()}, ${reg()}, lsl #${rnd(32)}`,
    () => `pkhtb ${reg()}, ${reg()}, ${reg()}, asr #${1 + rnd(32)}`,
    () => `${pick(['sxtab', 'uxtab', 'sxtah', 'uxtah', 'sxtab16', 'uxtab16'])} ${reg()}, ${reg()}, ${reg()}${ror()}`,
    () => `${pick(['sxtb16', 'uxtb16'])} ${reg()}, ${reg()}${ror()}`,
  ],
  multiply: [
    () => `smul${pick(XY)} ${reg()}, ${reg()}, ${reg()}`,
    () => `smla${pick(XY)} ${reg()}, ${reg()}, ${reg()}, ${reg()}`,
    () => `${pick(['smulwb', 'smulwt'])} ${reg()}, ${reg()}, ${reg()}`,
    () => `${pick(['smlawb', 'smlawt'])} ${reg()}, ${reg()}, ${reg()}, ${reg()}`,
    () => `${pick(['smuad', 'smuadx', 'smusd', 'smusdx', 'smmul', 'smmulr'])} ${reg()}, ${reg()}, ${reg()}`,
    () => `${pick(['smlad', 'smladx', 'smlsd', 'smlsdx', 'smmla', 'smmlar', 'smmls', 'smmlsr'])} ${reg()}, ${reg()}, ${reg()}, ${reg()}`,
    () => {
      const lo = rnd(13);
      const hi = (lo + 1 + rnd(12)) % 13;
      return `${pick(['smlalbb', 'smlalbt', 'smlaltb', 'smlaltt', 'smlald', 'smlaldx', 'smlsld', 'smlsldx', 'umaal'])} r${lo}, r${hi}, ${reg()}, ${reg()}`;
    },
  ],
};

interface DiffCase { insn: string; regs: number[]; apsr: number }

/**
 * Directed boundary cases run from APSR = 0 (so any Q or GE written shows) and again from Q = 1, GE = 0xf:
 * [instruction with operands r1, r2, r3, r4, r5; r1, r2, r3, r4, r5].
 */
const DIRECTED: Record<string, [string, number[]][]> = {
  parallel: [
    ['qadd16 r0, r1, r2', [0x7fff8000, 0x00018000]], ['qsub8 r0, r1, r2', [0x807f7f80, 0x01ff8001]],
    ['uqadd8 r0, r1, r2', [0xff7f0180, 0x0181ff80]], ['uqsub16 r0, r1, r2', [0x00008000, 0x00017fff]],
    ['uadd16 r0, r1, r2', [0xffff8000, 0x00018000]], ['usub8 r0, r1, r2', [0x00ff7f80, 0x01ff8080]],
    ['sadd8 r0, r1, r2', [0x7f80ff00, 0x0180ff00]], ['ssub16 r0, r1, r2', [0x80000000, 0x00018000]],
    ['sasx r0, r1, r2', [0x7fff8000, 0x00010001]], ['ssax r0, r1, r2', [0x80007fff, 0x00010001]],
    ['uasx r0, r1, r2', [0xffff0000, 0x00010001]], ['usax r0, r1, r2', [0x0000ffff, 0x00010001]],
    ['shadd16 r0, r1, r2', [0x80007fff, 0x8000ffff]], ['uhsub8 r0, r1, r2', [0x0001ff00, 0xff0000ff]],
  ],
  'saturate-pack-extend': [
    ['qadd r0, r1, r2', [0x7fffffff, 1]], ['qsub r0, r1, r2', [0x80000000, 1]],
    ['qdadd r0, r1, r2', [0x80000000, 0x40000000]], ['qdsub r0, r1, r2', [0, 0x80000000]],
    ['qdadd r0, r1, r2', [0x10, 0x3fffffff]], ['ssat16 r0, #1, r1', [0xffff0001]], ['ssat16 r0, #16, r1', [0x80007fff]],
    ['usat16 r0, #0, r1', [0x0001ffff]], ['usat16 r0, #15, r1', [0x80007fff]], ['sel r0, r1, r2', [0x11223344, 0xaabbccdd]],
    ['pkhtb r0, r1, r2, asr #32', [0x12345678, 0x80001234]], ['pkhbt r0, r1, r2, lsl #31', [0x12345678, 0xffffffff]],
    ['usada8 r0, r1, r2, r3', [0xff00ff00, 0x00ff00ff, 0xfffffc04]], ['sxtab16 r0, r1, r2, ror #24', [0x7fff8000, 0x80ff7f01]],
  ],
  multiply: [
    ['smuad r0, r1, r2', [0x80008000, 0x80008000]], ['smlad r0, r1, r2, r3', [0x7fff7fff, 0x7fff7fff, 0x7fffffff]],
    ['smlsdx r0, r1, r2, r3', [0x80000001, 0x80007fff, 0x80000000]], ['smlabb r0, r1, r2, r3', [0x8000, 0x8000, 0x40000000]],
    ['smlatt r0, r1, r2, r3', [0x80000000, 0x80000000, 0xbfffffff]], ['smlawb r0, r1, r2, r3', [0x80000000, 0x8000, 0x40000000]],
    ['smlawt r0, r1, r2, r3', [0x7fffffff, 0x7fff0000, 0x7fffffff]], ['smulwt r0, r1, r2', [0x80000000, 0x80000000]],
    ['smmulr r0, r1, r2', [0x80000000, 0x80000000]], ['smmulr r0, r1, r2', [0x00010000, 0x00008000]],
    ['smmlsr r0, r1, r2, r3', [0x00010000, 0x00008000, 0]], ['smmls r0, r1, r2, r3', [1, 1, 0]],
    ['smmlar r0, r1, r2, r3', [0x7fffffff, 0x7fffffff, 0x7fffffff]], ['umaal r0, r1, r2, r3', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]],
    ['smlald r0, r1, r2, r3', [0xffffffff, 0x7fffffff, 0x80008000, 0x80008000]], ['smlsldx r0, r1, r2, r3', [0, 0x80000000, 0x80007fff, 0x7fff8000]],
    ['smlaltt r0, r1, r2, r3', [0xffffffff, 0x7fffffff, 0x80000000, 0x80000000]],
  ],
};

function directedCases(family: string): DiffCase[] {
  return (DIRECTED[family] ?? []).flatMap(([insn, operands]) => [0, 0x080f0000].map((apsr) => ({
    insn, apsr, regs: Array.from({ length: 13 }, (_, r) => (r >= 1 && r <= operands.length ? operands[r - 1]! : 0x5a5a0000 + r)),
  })));
}

function makeCases(generators: (() => string)[], count: number): DiffCase[] {
  const cases: DiffCase[] = [];
  for (let k = 0; k < count; k++) {
    const apsr = ((rnd(32) << 27) | (rnd(16) << 16)) >>> 0; // N Z C V Q, GE[3:0]
    cases.push({ insn: generators[k % generators.length]!(), regs: Array.from({ length: 13 }, value), apsr });
  }
  return cases;
}

function runInQemu(name: string, cases: DiffCase[]): Promise<Uint32Array> {
  return runTableProgram(`mcusim-dsp-${name}-`, cases.map((c, k) => tableCaseAsm(k, c.apsr, 'APSR_nzcvqg', c.regs, c.insn)));
}

const hex = (v: number) => v.toString(16);

/** Runs every case alone in mcusim and lists the ones that differ from QEMU's table. */
function compareWithMcusim(cases: DiffCase[], qemu: Uint32Array): string[] {
  const cpu = loadThumb(cases.map((c) => c.insn).join('\n'));
  const mismatches: string[] = [];
  let pc = CODE_BASE;
  cases.forEach((c, k) => {
    cpu.pc = pc;
    cpu.halted = false;
    cpu.stopReason = '';
    for (let r = 0; r < 13; r++) cpu.r[r] = c.regs[r]!;
    cpu.apsr = c.apsr;
    const size = cpu.fetch(pc).size;
    cpu.run(1);
    pc += size;
    const base = k * WORDS_PER_CASE;
    const want = [...qemu.subarray(base + 1, base + 14)];
    const got = [...cpu.r.subarray(0, 13)];
    const wantApsr = (qemu[base]! & 0xf80f0000) >>> 0;
    const gotApsr = cpu.apsr;
    if (cpu.stopReason !== '' || want.some((v, r) => v !== got[r]) || wantApsr !== gotApsr) {
      const regs = want.map((v, r) => (v !== got[r] ? ` r${r}: qemu ${hex(v)} mcusim ${hex(got[r]!)}` : '')).join('');
      mismatches.push(`${c.insn} from [${c.regs.map(hex).join(' ')}] apsr ${hex(c.apsr)}:${regs}` +
        ` apsr qemu ${hex(wantApsr)} mcusim ${hex(gotApsr)} ${cpu.stopReason}`);
    }
  });
  return mismatches;
}

describe('DSP instructions agree with QEMU', () => {
  const runs = Object.entries(FAMILIES).map(([name, generators]) => {
    const cases = [...directedCases(name), ...makeCases(generators, 1200)];
    const qemu = runInQemu(name, cases);
    qemu.catch(() => {}); // the test awaits it and reports the failure; no unhandled rejection meanwhile
    return { name, cases, qemu };
  });
  for (const run of runs) {
    it(`${run.name}: directed boundary cases and 1200 random ones, r0-r12 and APSR (N Z C V Q GE)`, async () => {
      const qemu = await run.qemu;
      const mismatches = compareWithMcusim(run.cases, qemu);
      expect(mismatches.slice(0, 10)).toEqual([]);
    }, 60_000);
  }
});
