// What each C test program must print, computed here independently of any simulator: integer
// results with BigInt and 32-bit JS arithmetic, bit tricks by their definitions, DSP and FPSCR
// results derived by hand from the ARMv7-M ARM pseudo-code (the reasoning is next to each value),
// libm results within a tolerance of JS Math. The QEMU sanity suite holds QEMU to these values.
import type { BuildVariant } from '../support/toolchain.js';

const h32 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const h64 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

export interface Expectation {
  /** Lines that must appear in stdout exactly. */
  lines: string[];
  /** A number captured by `line` (first group) that must be within `tolerance` of `value`. */
  near?: Array<{ line: RegExp; value: number; tolerance: number }>;
  exitCode: number;
}

function intArith(): Expectation {
  const a32 = 0xdeadbeef;
  const b32 = 0x12345678;
  const a = 0x123456789abcdef0n;
  const b = 0x0fedcba987654321n;
  let x = 1n;
  let acc = 0n;
  for (let i = 0; i < 1000; i++) {
    x = u64(x * 6364136223846793005n + 1442695040888963407n);
    acc ^= x >> BigInt(i % 64);
    acc = u64(acc + x / BigInt(i + 1));
    if (BigInt.asIntN(64, x) < 0n) acc = u64((acc << 1n) | (acc >> 63n));
  }
  return {
    exitCode: 0,
    lines: [
      `add32: ${h32(a32 + b32)}`, `sub32: ${h32(b32 - a32)}`, `mul32: ${h32(Math.imul(a32, b32))}`,
      `mla32: ${h32(Math.imul(a32, b32) + 0x1111)}`, 'neg32: -2147483647',
      `add64: ${h64(a + b)}`, `sub64: ${h64(b - a)}`, `mul64: ${h64(a * b)}`,
      `umull: ${h64(0xffffffffn * 0xfffffffen)}`, `smull: ${-123456789n * 987654321n}`,
      `udiv64: ${h64(a / 0x12345n)}`, `umod64: ${h64(a % 0x12345n)}`, `udiv64big: ${h64(((1n << 64n) - 1n) / b)}`,
      `sdiv64: ${-a / 977n}`, `smod64: ${-a % 977n}`, `sdiv64neg: ${1000000000000n / -7n}`,
      `shl64: ${h64(a << 13n)}`, `lsr64: ${h64(a >> 29n)}`, `asr64: ${h64(BigInt.asIntN(64, 0xf234567800000000n) >> 40n)}`,
      `shl64by40: ${h64(a << 40n)}`, `mix64: ${h64(acc)}`, 'int_arith: ok',
    ],
  };
}

function division(): Expectation {
  const INT_MIN = -2147483648;
  const INT_MAX = 2147483647;
  const signed = [[7, 2], [-7, 2], [7, -2], [-7, -2], [INT_MAX, 1], [INT_MIN, 1], [INT_MIN, 2], [INT_MIN, INT_MAX],
    [INT_MAX, INT_MIN], [0, -5], [1, INT_MIN], [-1000000007, 13], [123456789, -1]] as const;
  const unsigned = [[7, 2], [0xffffffff, 1], [0xffffffff, 0xffffffff], [0xfffffffe, 0xffffffff], [0x80000000, 3],
    [1, 0x80000000], [0xdeadbeef, 0x10000], [1000000007, 10]] as const;
  const lines: string[] = [];
  for (const [n, d] of signed) {
    const q = Math.trunc(n / d);
    lines.push(`sdiv ${n} / ${d}: q=${q} r=${n - q * d}`); // String(-0) is '0', as C prints it
  }
  for (const [n, d] of unsigned) lines.push(`udiv ${n} / ${d}: q=${Math.floor(n / d)} r=${n % d}`);
  // SDIV of INT_MIN by -1 overflows to INT_MIN; any division by zero gives 0 while DIV_0_TRP is clear.
  lines.push('sdiv INT_MIN / -1: 80000000', 'sdiv 5 / 0: 0', 'sdiv INT_MIN / 0: 0', 'udiv 0xffffffff / 0: 0');
  let sum = 0;
  for (let n = 0xffffff00; n !== 0x40; n = (n + 0x3f3f3f3) >>> 0) {
    sum = (sum + Math.floor(n / 10) + (n % 7) + Math.trunc((n | 0) / -3)) >>> 0;
    if (n < 0x3f3f3f3) break;
  }
  lines.push(`constdiv sum: ${h32(sum)}`);
  const big = -9000000000000000000n;
  const all = (1n << 64n) - 1n;
  lines.push(`ldiv: ${big / 1000000007n} ${big % 1000000007n}`, `ldiv by 1: ${big}`,
    `uldiv: ${all / 4294967296n} ${all % 4294967297n}`, 'division: ok');
  return { exitCode: 0, lines };
}

function bitops(): Expectation {
  const rbit = (x: number): number => {
    let r = 0;
    for (let i = 0; i < 32; i++) r = (r << 1) | ((x >>> i) & 1);
    return r >>> 0;
  };
  const rev = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
  const rev16 = (x: number): number => (((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff)) >>> 0;
  const revsh = (x: number): number => ((((x & 0xff) << 24) >> 16) | ((x >>> 8) & 0xff)) >>> 0;
  const pop = (x: number): number => [...x.toString(2)].filter((c) => c === '1').length;
  const ctz = (x: number): number => (x === 0 ? 32 : 31 - Math.clz32(x & -x));
  const lines = [0, 1, 0x80000000, 0xffffffff, 0x00f0f000, 0x12345678, 0xdeadbeef, 0x00008001].map(
    (x) =>
      `x=${h32(x)} clz=${Math.clz32(x)} rbit=${h32(rbit(x))} rev=${h32(rev(x))} rev16=${h32(rev16(x))} ` +
      `revsh=${h32(revsh(x))} pop=${pop(x)} ctz=${ctz(x)} parity=${pop(x) & 1} ffs=${x === 0 ? 0 : ctz(x) + 1}`,
  );
  lines.push('clzll=16 ctzll=0 popll=5');
  // 0xA5A5F00F: low 5 bits 01111 = 15; bits 5..15 = 0x780, as 11-bit signed -128; top 16 = a5a5.
  lines.push('fields: low=15 mid=-128 high=a5a5');
  lines.push(`fields after insert: ${h32((0xa5a50000 | ((-3 & 0x7ff) << 5) | 0x1f) >>> 0)}`);
  const v = 0x80000001;
  for (let s = 0; s < 32; s += 7) lines.push(`ror ${s}: ${h32((v >>> s) | (v << ((32 - s) & 31)))}`);
  let fold = 0;
  for (let i = 0; i < 32; i++) fold = (fold ^ ((0x9e3779b9 >>> i) & ((1 << (31 - i)) >>> 0))) >>> 0;
  lines.push(`xor fold: ${h32(fold)}`, 'bitops: ok');
  return { exitCode: 0, lines };
}

function dsp(): Expectation {
  let dot = 0;
  for (let i = 0; i < 64; i++) dot += ((i * 1031 - 30000) << 16 >> 16) * ((20000 - i * 777) << 16 >> 16);
  return {
    exitCode: 0,
    lines: [
      'smlad: 00000021 q=0', // 2*4 + 3*5 + 10 = 33
      'smlad overflow: 80000000 q=1', // 2 * (-32768 * -32768) = 2^31 does not fit: wraps, Q set
      'smmul: 1fffffff q=0', // (2^30 * (2^31 - 1)) >> 32 = 2^29 - 1
      'smmulr: 20000000 q=0', // rounding adds 2^31 before the shift: 2^29
      'qadd: 7fffffff q=1', 'qsub: 80000000 q=1', 'qdbl: 7fffffff q=1', 'qadd no sat: 000003e5 q=0',
      'ssat 8: 0000007f q=1', 'ssat 8 in range: ffffff9c q=0', 'usat 8: 00000000 q=1',
      'ssat 12 lsl 4: 000007ff q=1', // 0x123 << 4 = 4656 > 2047
      'usat 7 asr 3: 0000007f q=0', // 0x3f8 >> 3 = 127, exactly the 7-bit maximum
      // Bytes 7f+01=+128 (GE), 80+ff=-129 -> 7f, ff+01=0 (GE), 01+80=-127 -> 81: GE=1010; SEL picks a,b,a,b.
      'sadd8: 807f0081 ge=a sel=aa22cc44',
      // SSAX: top = -32768 - 1 wraps to 7fff (negative: GE clear), bottom = 32767 + 1 = 8000 (GE set).
      'ssax: 7fff8000 ge=3',
      'usad8: 511', 'usada8: 1511', // |01-ff| + |ff-00| + |10-11| + |80-81| = 254 + 255 + 1 + 1
      'umaal: ffffffffffffffff', // (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1
      `dot: ${dot | 0}`, 'dsp: ok',
    ],
  };
}

function floatMath(): Expectation {
  const f = Math.fround;
  const near: Expectation['near'] = [];
  for (const x of [0, 0.5, 1, 2, f(3.14159265), -1.25, 10]) {
    const label = `x=${x.toFixed(6)} `;
    near.push({ line: new RegExp(`^${label.replace('.', '\\.')}sinf=(\\S+)`), value: Math.sin(x), tolerance: 2e-6 });
    near.push({ line: new RegExp(`^${label.replace('.', '\\.')}.*cosf=(\\S+)`), value: Math.cos(x), tolerance: 2e-6 });
    near.push({ line: new RegExp(`^${label.replace('.', '\\.')}.*expf=(\\S+)`), value: Math.exp(x), tolerance: Math.exp(x) * 1e-6 });
  }
  near.push({ line: /^powf: (\S+)/, value: 1.5 ** 7.25, tolerance: 1e-5 });
  near.push({ line: /^exp1: (\S+)/, value: Math.E, tolerance: 2e-15 });
  return {
    exitCode: 0,
    near,
    lines: [
      `sqrtf2: ${f(Math.sqrt(2)).toFixed(6)}`, `logf10: ${Math.log(10).toFixed(6)}`, 'fmodf: 1.750000',
      'floorf/ceilf/roundf: -3.0 -2.0 -3.0', 'third: 0.33333333333333331', `sqrt2: ${Math.SQRT2.toFixed(15)}`,
      `pi: ${Math.PI.toFixed(10)} 6.022141e+23 0.0001234`, `double mul/add: ${(123456.789 * -0.001 + 1e-3).toFixed(6)}`,
      'f2i: -3 2147483520 4294967040', 'i2f: 16777216.0 -2147483648.0',
      'd2ll: -9007199254740992 ll2d: 9007199254740992.0', `f2d2f: ${f(0.1 * 3).toPrecision(9)}`,
      'inf: inf -inf nan: nan', 'strtod: -1.250000 1.000e+301', 'taylor ok: 1', 'float_math: ok',
    ],
  };
}

function fpscr(variant: BuildVariant): Expectation {
  if (variant.float === 'soft') return { exitCode: 0, lines: ['fpscr: soft-float build has no FPU to program', 'fpscr: ok'] };
  // 1/3 = 0x3eaaaaaa.aaa...: up only under RN (nearest: next bit is 1) and RP. -1/3 mirrors: RN and RM.
  // 2^24 + 1 is a tie at 2^24 precision: RN keeps the even 2^24; only RP goes up. VCVTR rounds 2.5
  // per mode (RN to even 2, RP 3, RM 2, RZ 2); VCVT always truncates. Every line raises IXC (0x10).
  return {
    exitCode: 0,
    lines: [
      'RN: 1/3=3eaaaaab -1/3=beaaaaab 2^24+1=4b800000 cvtr(2.5)=2 cvtr(-2.5)=-2 cvtr(-1.5)=-2 cvt(-2.7)=-2 fpscr=00000010',
      'RP: 1/3=3eaaaaab -1/3=beaaaaaa 2^24+1=4b800001 cvtr(2.5)=3 cvtr(-2.5)=-2 cvtr(-1.5)=-1 cvt(-2.7)=-2 fpscr=00400010',
      'RM: 1/3=3eaaaaaa -1/3=beaaaaab 2^24+1=4b800000 cvtr(2.5)=2 cvtr(-2.5)=-3 cvtr(-1.5)=-2 cvt(-2.7)=-2 fpscr=00800010',
      'RZ: 1/3=3eaaaaaa -1/3=beaaaaaa 2^24+1=4b800000 cvtr(2.5)=2 cvtr(-2.5)=-2 cvtr(-1.5)=-1 cvt(-2.7)=-2 fpscr=00c00010',
      'fz off: 00200000 fpscr=00000000', // exact denormal result: no flag
      'fz on: 00000000 fpscr=01000080', // denormal input flushed: IDC
      'fz underflow: 00000000 fpscr=01000088', // tiny result flushed: UFC, no IXC
      'dn off: 7fc12345 fpscr=00000001', // signalling NaN quieted, payload kept, IOC
      'dn on: 7fc00000 fpscr=02000001', // default NaN
      'flags 0/0: 7fc00000 fpscr=00000001', 'flags 1/0: 7f800000 fpscr=00000002',
      'flags max*2: 7f800000 fpscr=00000014', 'flags min/3: 002aaaab fpscr=00000018',
      'flags 1/3: 3eaaaaab fpscr=00000010', 'flags -inf/inf: 7fc00000 fpscr=00000001',
      'vcmp nan: fpscr=30000000 vcmpe nan: fpscr=30000001', // unordered is C=1 V=1; VCMPE adds IOC
      'fpscr: ok',
    ],
  };
}

function mallocProgram(): Expectation {
  let state = 12345;
  const rng = (): number => {
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    return state;
  };
  const size = new Array<number>(128).fill(0);
  const used = new Array<boolean>(128).fill(false);
  let allocs = 0;
  let frees = 0;
  let reallocs = 0;
  let hash = 2166136261;
  const fnv = (i: number): void => {
    for (let k = 0; k < size[i]!; k++) hash = Math.imul(hash ^ ((i ^ size[i]!) & 0xff), 16777619) >>> 0;
  };
  for (let round = 0; round < 2500; round++) {
    const i = rng() % 128;
    if (!used[i]) {
      const big = rng() % 8 === 0;
      size[i] = 1 + (rng() % (big ? 4096 : 96));
      used[i] = true;
      allocs++;
    } else {
      fnv(i);
      if (rng() % 3 === 0) {
        size[i] = 1 + (rng() % 2000);
        reallocs++;
      } else {
        used[i] = false;
        frees++;
      }
    }
  }
  for (let i = 0; i < 128; i++) {
    if (used[i]) {
      fnv(i);
      frees++;
    }
  }
  return {
    exitCode: 0,
    lines: [`allocs: ${allocs} frees: ${frees} reallocs: ${reallocs}`, 'corrupt bytes: 0 calloc nonzero: 0',
      `content hash: ${h32(hash)}`, `256 KiB block: ok len=${256 * 1024 - 1}`, 'malloc: ok'],
  };
}

// CFSR bits (ARMv7-M ARM B3.2.15): IACCVIOL 0, PRECISERR 9, BFARVALID 15, UNDEFINSTR 16, INVSTATE 17,
// UNALIGNED 24, DIVBYZERO 25. HFSR.FORCED is bit 30. Exception numbers: HardFault 3, MemManage 4,
// BusFault 5, UsageFault 6.
const FAULT_LINES = [
  'fault 1: exception 3 cfsr=00010000 hfsr=40000000 thread=1',
  'fault 2: exception 6 cfsr=00010000 hfsr=00000000 thread=1',
  'sdiv without trap gave 0',
  'fault 3: exception 6 cfsr=02000000 hfsr=00000000 thread=1',
  'unaligned ldr without trap: 88112233', // bytes 44 33 22 11 | 88 ..: from offset 1, little-endian
  'fault 4: exception 6 cfsr=01000000 hfsr=00000000 thread=1',
  'fault 5: exception 6 cfsr=01000000 hfsr=00000000 thread=1',
  'fault 6: exception 5 cfsr=00008200 hfsr=00000000 bfar=30000000 thread=1',
  'fault 7: exception 6 cfsr=00020000 hfsr=00000000 thread=1',
  'resumed after invalid state',
  'fault 8: exception 4 cfsr=00000001 hfsr=00000000 thread=1',
  'fault 9: exception 3 cfsr=00008200 hfsr=40000000 bfar=30000004 thread=1',
  'faults taken: 9',
];

const TEXT = 'The quick brown fox jumps over the lazy dog.\n';

export function expectationFor(name: string, variant: BuildVariant, args: readonly string[], elfName: string): Expectation {
  switch (name) {
    case 'int_arith': return intArith();
    case 'division': return division();
    case 'bitops': return bitops();
    case 'dsp': return dsp();
    case 'float_math': return floatMath();
    case 'fpscr': return fpscr(variant);
    case 'systick_irq':
      return {
        exitCode: 0,
        lines: ['systick ticks: 20', 'systick handler float: ran', 'thread fp state intact: 1',
          'svc result: 57', 'svc on psp: 97', // 5 * 10 + 7 and 9 * 10 + 7
          // SVC on MSP, PendSV after it; IRQ 6 held by PRIMASK, IRQ 7 by BASEPRI; IRQ 5 preempted by
          // IRQ 8 (higher priority), IRQ 9 (same priority) tail-chained; SVC again from PSP.
          'events: S1P|M|BAHaTs1P', 'systick_irq: ok'],
      };
    case 'setjmp_longjmp':
      return {
        exitCode: 0,
        lines: ['setjmp returned 0 (round 0)', 'setjmp returned 1000 (round 1)', 'setjmp returned 2000 (round 2)',
          'setjmp returned 3000 (round 3)', 'depth reached: 30', 'nested: 1022', // 7 * 3 + 1, longjmp(.., 0) gives 1
          `kept: ${(1.5 * 1.25 * 2).toFixed(4)} ${h32(0x5a5a1234 ^ 0xff)}`, 'setjmp_longjmp: ok'],
      };
    case 'malloc': return mallocProgram();
    case 'faults': return { exitCode: 9, lines: FAULT_LINES };
    case 'semihosting_io':
      return {
        exitCode: 0,
        lines: ['open for write: ok', 'write returns 0', 'istty(file): 0', `flen after write: ${TEXT.length}`, 'close: 0',
          'seek: 0', `read 9 returns 0: [${TEXT.slice(16, 25)}]`,
          `read past end returns ${50 - (TEXT.length - 25)} of 50`, `tail: [${TEXT.slice(25, -1)}]`, 'rename: 0', 'open old name: fails',
          'errno after failed open: 2', 'remove: 0', 'open removed: fails', 'written to the :tt handle',
          'time plausible: 1 clock monotonic: 1', 'time() agrees: 1', `cmdline: status 0, after argv[0]: [${args.join(' ')}]`,
          `ftell after writes: ${Array.from({ length: 10 }, (_, i) => `line ${i}: ${i * i}\n`).join('').length}`,
          'lines read back: 10 last square: 81', 'fseek SEEK_END -6 then fgets: [9: 81]', 'rename(): -1', 'remove(): 0', 'fopen removed: NULL errno=ENOENT',
          'stdin: hello from stdin', 'semihosting_io: ok'],
      };
    case 'selfmod':
      return {
        exitCode: 0,
        // (1 + 5) << 2 = 24, (1 + 9) << 2 = 40, 1 + 9 - 3 = 7, 7 + (1 + ... + 19) = 197, 7 + 1 + 2 = 10; 200 or 100 calls
        lines: ['first: 4800', 'immediate patched: 8000', 'opcode patched: 1400', 'rewritten: 19700', 'early return: 1000', 'selfmod: ok'],
      };
    case 'cmdline':
      return {
        exitCode: args.length + 1,
        lines: [`argc: ${args.length + 1}`, `argv[0]: ${elfName}`, ...args.map((a, i) => `argv[${i + 1}]: ${a}`)],
      };
    default:
      throw new Error(`no expectation written for program ${name}`);
  }
}
