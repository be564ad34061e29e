// Seeded generator of straight-line Thumb-2 programs for the randomized differential test: random
// valid ALU, shift, multiply, divide, DSP, saturating and FPv4-SP instructions in blocks, each block
// starting with a random FPSCR (rounding mode, FZ, DN, AHP); a dump of r0-r12, APSR, s0-s31 and
// FPSCR after the initial state and after every block (firmware/tests/randprog/harness.c).
// Only r0-r12 are ever written, never SP or PC. The same seed always gives the same program.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, FIRMWARE_TESTS_DIR, buildElf } from './toolchain.js';
// The thermal generator's seeded xoshiro128** (identical on every platform) serves here too.
import { Rng } from '../../src/nn/data/rng.js';

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** Register values that stress carries, signs and saturation, mixed with uniform random words. */
function interestingWord(rng: Rng): number {
  if (rng.chance(0.6)) return rng.nextU32();
  return rng.pick([0, 1, 2, 0xffffffff, 0x7fffffff, 0x80000000, 0x80000001, 0x7fff7fff, 0x80008000, 0xffff0000,
    0x0000ffff, 0x7f7f7f7f, 0x80808080, 0x00ff00ff, 31, 32, 33, 0xffffffe0]);
}

/** Single-precision bit patterns: zeros, denormals, normals, infinities, quiet and signalling NaNs. */
export function interestingFloatBits(rng: Rng): number {
  const sign = rng.chance(0.5) ? 0x80000000 : 0;
  switch (rng.int(0, 9)) {
    case 0: return (sign | rng.pick([0, 0x7f800000, 0x3f800000, 0x7f7fffff, 0x00800000, 0x4b800000])) >>> 0;
    case 1: return (sign | rng.int(1, 0x007fffff)) >>> 0; // denormal
    case 2: return (sign | 0x7fc00000 | rng.int(0, 0x3fffff)) >>> 0; // quiet NaN with payload
    case 3: return (sign | 0x7f800000 | rng.int(1, 0x3fffff)) >>> 0; // signalling NaN
    case 4: return (sign | ((rng.int(100, 154) << 23) >>> 0) | rng.int(0, 0x7fffff)) >>> 0; // near 1.0
    default: return (sign | (rng.int(1, 254) << 23) | rng.int(0, 0x7fffff)) >>> 0; // any normal
  }
}

/** An ARM modified immediate (ThumbExpandImm, ARMv7-M ARM A5.3.2) that every assembler accepts. */
function modifiedImmediate(rng: Rng): number {
  const b = rng.int(0, 255);
  switch (rng.int(0, 4)) {
    case 0: return b;
    case 1: return (b | (b << 16)) >>> 0;
    case 2: return ((b << 8) | (b << 24)) >>> 0;
    case 3: return (b | (b << 8) | (b << 16) | (b << 24)) >>> 0;
    default: {
      const rot = rng.int(8, 31);
      const v = 0x80 | (b & 0x7f);
      return ((v >>> rot) | (v << (32 - rot))) >>> 0;
    }
  }
}

/** VMOV.F32 immediates: ±(16..31)/16 × 2^(-3..4) (VFPExpandImm). */
function vfpImmediate(rng: Rng): string {
  const value = ((16 + rng.int(0, 15)) / 16) * 2 ** rng.int(-3, 4);
  return `${rng.chance(0.5) ? '-' : ''}${value}`;
}

const reg = (rng: Rng): string => `r${rng.int(0, 12)}`;
const lowReg = (rng: Rng): string => `r${rng.int(0, 7)}`;
const sreg = (rng: Rng): string => `s${rng.int(0, 31)}`;
/** Two different registers, for RdLo/RdHi pairs (equal is UNPREDICTABLE). */
function regPair(rng: Rng): [string, string] {
  const a = rng.int(0, 12);
  let b = rng.int(0, 11);
  if (b >= a) b++;
  return [`r${a}`, `r${b}`];
}

function shiftSuffix(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0: return '';
    case 1: return `, lsl #${rng.int(1, 31)}`;
    case 2: return `, lsr #${rng.int(1, 32)}`;
    case 3: return `, asr #${rng.int(1, 32)}`;
    case 4: return `, ror #${rng.int(1, 31)}`;
    default: return ', rrx';
  }
}

const CONDITIONS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'] as const;
const INVERSE: Record<string, string> = { eq: 'ne', ne: 'eq', cs: 'cc', cc: 'cs', mi: 'pl', pl: 'mi', vs: 'vc',
  vc: 'vs', hi: 'ls', ls: 'hi', ge: 'lt', lt: 'ge', gt: 'le', le: 'gt' };

type Gen = (rng: Rng) => string[];

const aluOps = ['add', 'adc', 'sub', 'sbc', 'rsb', 'and', 'orr', 'eor', 'bic', 'orn'];
const simdOps = ['add16', 'asx', 'sax', 'sub16', 'add8', 'sub8'];

const integer: Gen[] = [
  (r) => [`${r.pick(aluOps)}${r.pick(['', 's'])} ${reg(r)}, ${reg(r)}, ${reg(r)}${shiftSuffix(r)}`],
  (r) => [`${r.pick(aluOps)}${r.pick(['', 's'])} ${reg(r)}, ${reg(r)}, #${hex(modifiedImmediate(r))}`],
  (r) => [`${r.pick(['addw', 'subw'])} ${reg(r)}, ${reg(r)}, #${r.int(0, 4095)}`],
  (r) => [`${r.pick(['mov', 'movs', 'mvn', 'mvns'])} ${reg(r)}, ${reg(r)}${shiftSuffix(r)}`],
  (r) => [`${r.pick(['mov', 'movs', 'mvn', 'mvns'])} ${reg(r)}, #${hex(modifiedImmediate(r))}`],
  (r) => [`${r.pick(['movw', 'movt'])} ${reg(r)}, #${r.int(0, 0xffff)}`],
  (r) => [`${r.pick(['cmp', 'cmn', 'tst', 'teq'])} ${reg(r)}, ${reg(r)}${shiftSuffix(r)}`],
  (r) => [`${r.pick(['cmp', 'cmn', 'tst', 'teq'])} ${reg(r)}, #${hex(modifiedImmediate(r))}`],
  // Shifts by register use the bottom byte of Rm: amounts of 32 and more, and carry out of them.
  (r) => [`${r.pick(['lsl', 'lsls', 'lsr', 'lsrs', 'asr', 'asrs', 'ror', 'rors'])} ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => {
    const op = r.pick(['lsl', 'lsr', 'asr', 'ror']);
    const amount = op === 'lsl' ? r.int(0, 31) : op === 'ror' ? r.int(1, 31) : r.int(1, 32);
    return [`${op}${r.pick(['', 's'])} ${reg(r)}, ${reg(r)}, #${amount}`];
  },
  (r) => [`rrx${r.pick(['', 's'])} ${reg(r)}, ${reg(r)}`],
  (r) => [`${r.pick(['clz', 'rbit', 'rev', 'rev16', 'revsh'])} ${reg(r)}, ${reg(r)}`],
  (r) => {
    const lsb = r.int(0, 31);
    const width = r.int(1, 32 - lsb);
    return [`${r.pick(['ubfx', 'sbfx'])} ${reg(r)}, ${reg(r)}, #${lsb}, #${width}`];
  },
  (r) => {
    const lsb = r.int(0, 31);
    const width = r.int(1, 32 - lsb);
    return [r.chance(0.5) ? `bfi ${reg(r)}, ${reg(r)}, #${lsb}, #${width}` : `bfc ${reg(r)}, #${lsb}, #${width}`];
  },
  (r) => [`${r.pick(['sxtb', 'sxth', 'uxtb', 'uxth', 'sxtb16', 'uxtb16'])} ${reg(r)}, ${reg(r)}${r.pick(['', ', ror #8', ', ror #16', ', ror #24'])}`],
  (r) => [`${r.pick(['sxtab', 'sxtah', 'uxtab', 'uxtah', 'sxtab16', 'uxtab16'])} ${reg(r)}, ${reg(r)}, ${reg(r)}${r.pick(['', ', ror #8', ', ror #16', ', ror #24'])}`],
  (r) => [`mul ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => {
    const d = lowReg(r);
    return [`muls ${d}, ${lowReg(r)}, ${d}`];
  },
  (r) => [`${r.pick(['mla', 'mls'])} ${reg(r)}, ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => {
    const [lo, hi] = regPair(r);
    return [`${r.pick(['umull', 'smull', 'umlal', 'smlal', 'umaal'])} ${lo}, ${hi}, ${reg(r)}, ${reg(r)}`];
  },
  // DIV_0_TRP is clear, so a zero divisor gives 0 (ARMv7-M ARM A7.7.127); force one now and then.
  (r) => {
    const d = reg(r);
    const zero = r.chance(0.1) ? [`mov ${d}, #0`] : [];
    return [...zero, `${r.pick(['sdiv', 'udiv'])} ${reg(r)}, ${reg(r)}, ${d}`];
  },
  // Flags into APSR (NZCVQ and GE) from a register, so later instructions see arbitrary flags.
  (r) => [`msr ${r.pick(['APSR_nzcvq', 'APSR_g', 'APSR_nzcvqg'])}, ${reg(r)}`],
  (r) => [`mrs ${reg(r)}, APSR`],
  // A short IT block: condition evaluation from the current flags.
  (r) => {
    const cond = r.pick(CONDITIONS);
    const pattern = r.pick(['', 't', 'e', 'tt', 'te', 'et', 'ee']);
    const conds = [cond, ...[...pattern].map((c) => (c === 't' ? cond : INVERSE[cond]!))];
    const body = conds.map((c) => `${r.pick(['add', 'sub', 'eor', 'orr', 'and'])}${c} ${reg(r)}, ${reg(r)}, ${reg(r)}`);
    return [`it${pattern} ${cond}`, ...body];
  },
];

const dsp: Gen[] = [
  (r) => [`${r.pick(['s', 'q', 'sh', 'u', 'uq', 'uh'])}${r.pick(simdOps)} ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [`sel ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [`${r.pick(['qadd', 'qsub', 'qdadd', 'qdsub'])} ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => {
    const shift = r.pick(['', `, lsl #${r.int(1, 31)}`, `, asr #${r.int(1, 31)}`]);
    return [r.chance(0.5) ? `ssat ${reg(r)}, #${r.int(1, 32)}, ${reg(r)}${shift}` : `usat ${reg(r)}, #${r.int(0, 31)}, ${reg(r)}${shift}`];
  },
  (r) => [r.chance(0.5) ? `ssat16 ${reg(r)}, #${r.int(1, 16)}, ${reg(r)}` : `usat16 ${reg(r)}, #${r.int(0, 15)}, ${reg(r)}`],
  (r) => [`${r.pick(['smlad', 'smladx', 'smlsd', 'smlsdx'])} ${reg(r)}, ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [`${r.pick(['smuad', 'smuadx', 'smusd', 'smusdx'])} ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => {
    const [lo, hi] = regPair(r);
    return [`${r.pick(['smlald', 'smlaldx', 'smlsld', 'smlsldx', 'smlalbb', 'smlalbt', 'smlaltb', 'smlaltt'])} ${lo}, ${hi}, ${reg(r)}, ${reg(r)}`];
  },
  (r) => [`smla${r.pick(['bb', 'bt', 'tb', 'tt', 'wb', 'wt'])} ${reg(r)}, ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [`smul${r.pick(['bb', 'bt', 'tb', 'tt', 'wb', 'wt'])} ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [`${r.pick(['smmul', 'smmulr'])} ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [`${r.pick(['smmla', 'smmlar', 'smmls', 'smmlsr'])} ${reg(r)}, ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [r.chance(0.5) ? `usad8 ${reg(r)}, ${reg(r)}, ${reg(r)}` : `usada8 ${reg(r)}, ${reg(r)}, ${reg(r)}, ${reg(r)}`],
  (r) => [r.chance(0.5) ? `pkhbt ${reg(r)}, ${reg(r)}, ${reg(r)}${r.pick(['', `, lsl #${r.int(1, 31)}`])}`
    : `pkhtb ${reg(r)}, ${reg(r)}, ${reg(r)}, asr #${r.int(1, 32)}`],
];

const fp: Gen[] = [
  (r) => [`${r.pick(['vadd', 'vsub', 'vmul', 'vdiv', 'vnmul'])}.f32 ${sreg(r)}, ${sreg(r)}, ${sreg(r)}`],
  (r) => [`${r.pick(['vmla', 'vmls', 'vnmla', 'vnmls', 'vfma', 'vfms', 'vfnma', 'vfnms'])}.f32 ${sreg(r)}, ${sreg(r)}, ${sreg(r)}`],
  (r) => [`${r.pick(['vsqrt', 'vabs', 'vneg', 'vmov'])}.f32 ${sreg(r)}, ${sreg(r)}`],
  (r) => [`vmov.f32 ${sreg(r)}, #${vfpImmediate(r)}`],
  (r) => [r.chance(0.5) ? `vmov ${sreg(r)}, ${reg(r)}` : `vmov ${reg(r)}, ${sreg(r)}`],
  (r) => [`${r.pick(['vcvt.f32.s32', 'vcvt.f32.u32', 'vcvt.s32.f32', 'vcvt.u32.f32', 'vcvtr.s32.f32', 'vcvtr.u32.f32'])} ${sreg(r)}, ${sreg(r)}`],
  (r) => {
    const s = sreg(r);
    const type = r.pick(['s32', 'u32', 's16', 'u16']);
    const fbits = type.endsWith('16') ? r.int(1, 16) : r.int(1, 32);
    return [r.chance(0.5) ? `vcvt.${type}.f32 ${s}, ${s}, #${fbits}` : `vcvt.f32.${type} ${s}, ${s}, #${fbits}`];
  },
  (r) => [`${r.pick(['vcvtb', 'vcvtt'])}.${r.pick(['f32.f16', 'f16.f32'])} ${sreg(r)}, ${sreg(r)}`],
  (r) => {
    const cmp = `${r.pick(['vcmp', 'vcmpe'])}.f32 ${sreg(r)}, ${r.chance(0.2) ? '#0' : sreg(r)}`;
    return r.chance(0.7) ? [cmp, 'vmrs APSR_nzcv, fpscr'] : [cmp];
  },
  (r) => [`vmrs ${reg(r)}, fpscr`],
];

/** FPSCR for a block: random RMode, FZ, DN, AHP, NZCV and cumulative flags; RES0 bits clear. */
function randomFpscr(rng: Rng): number {
  const FPSCR_WRITABLE = 0xf7c0009f;
  return (rng.nextU32() & FPSCR_WRITABLE & (rng.chance(0.7) ? ~((1 << 24) | (1 << 25)) : ~0)) >>> 0;
}

export interface RandomProgramOptions {
  /** Random instructions in the whole program (IT blocks count each instruction). Default 2000. */
  instructions?: number;
  /** Instructions between register dumps. Default 100. */
  blockSize?: number;
}

export interface InitialState {
  r: number[];
  s: number[];
  apsr: number;
  fpscr: number;
}

export interface RandomProgram {
  seed: number;
  /** The assembly source of random_program, ready for the harness. */
  source: string;
  initial: InitialState;
  blocks: string[][];
  /** Dumps the program prints: the initial state, then one per block. */
  dumpCount: number;
}

function loadWord(r: string, value: number): string[] {
  return [`movw ${r}, #${value & 0xffff}`, `movt ${r}, #${value >>> 16}`];
}

/** Renders the assembly for a given initial state and blocks (used directly by hand-written tests). */
export function renderProgram(initial: InitialState, blocks: readonly (readonly string[])[], fpscrPerBlock: readonly number[]): string {
  const lines: string[] = [
    '.syntax unified', '.thumb', '.text', '.global random_program', '.type random_program, %function',
    '.thumb_func', 'random_program:',
    // r3 only pads the push to an even number of words: AAPCS wants 8-byte stack alignment at calls.
    'push {r3-r11, lr}', 'vpush {s16-s31}',
    ...loadWord('r0', initial.apsr), 'msr APSR_nzcvqg, r0',
    ...loadWord('r0', initial.fpscr), 'vmsr fpscr, r0',
    'movw r0, #:lower16:initial_s', 'movt r0, #:upper16:initial_s', 'vldm r0, {s0-s31}',
    ...initial.r.flatMap((v, i) => loadWord(`r${i}`, v)),
    'bl dump_registers',
  ];
  blocks.forEach((block, i) => {
    const fpscr = fpscrPerBlock[i];
    if (fpscr !== undefined) lines.push('@ block FPSCR', ...loadWord('r12', fpscr), 'vmsr fpscr, r12');
    lines.push(...block, 'bl dump_registers');
  });
  lines.push('vpop {s16-s31}', 'pop {r3-r11, pc}', '.size random_program, .-random_program');
  lines.push('.section .rodata', '.balign 4', 'initial_s:', ...initial.s.map((v) => `.word ${hex(v)}`));
  return lines.join('\n') + '\n';
}

export function generateRandomProgram(seed: number, opts: RandomProgramOptions = {}): RandomProgram {
  const total = opts.instructions ?? 2000;
  const blockSize = opts.blockSize ?? 100;
  const rng = new Rng(seed);
  const initial: InitialState = {
    r: Array.from({ length: 13 }, () => interestingWord(rng)),
    s: Array.from({ length: 32 }, () => interestingFloatBits(rng)),
    apsr: (rng.nextU32() & 0xf80f0000) >>> 0,
    fpscr: randomFpscr(rng),
  };
  // Weights: integer and DSP make up most of a block, FP a third.
  const families: Array<[Gen[], number]> = [[integer, 0.4], [dsp, 0.27], [fp, 0.33]];
  const blocks: string[][] = [];
  const fpscrs: number[] = [];
  let emitted = 0;
  while (emitted < total) {
    const block: string[] = [];
    fpscrs.push(randomFpscr(rng));
    while (block.length < blockSize && emitted + block.length < total) {
      let x = rng.nextU32() / 0x1_0000_0000;
      let family = families[0]![0];
      for (const [gens, weight] of families) {
        family = gens;
        if ((x -= weight) < 0) break;
      }
      block.push(...rng.pick(family)(rng));
    }
    emitted += block.length;
    blocks.push(block);
  }
  return { seed, source: renderProgram(initial, blocks, fpscrs), initial, blocks, dumpCount: blocks.length + 1 };
}

export const RANDPROG_HARNESS = join(FIRMWARE_TESTS_DIR, 'randprog', 'harness.c');

/** Writes the program's source under firmware/build/randprog and builds it (hard-float, -O2). */
export async function buildProgramSource(name: string, source: string): Promise<string> {
  const dir = join(BUILD_DIR, 'randprog');
  mkdirSync(dir, { recursive: true });
  const asmPath = join(dir, `${name}.s`);
  writeFileSync(asmPath, source);
  return buildElf({
    name,
    sources: [asmPath, RANDPROG_HARNESS],
    variant: { opt: 'O2', float: 'hard' },
    extraFlags: ['-Wa,--fatal-warnings'],
  });
}

export async function buildRandomProgram(seed: number, opts: RandomProgramOptions = {}): Promise<{ elf: string; program: RandomProgram }> {
  const program = generateRandomProgram(seed, opts);
  const elf = await buildProgramSource(`randprog-${seed}-${opts.instructions ?? 2000}`, program.source);
  return { elf, program };
}
