/**
 * The instruction table and the seeded random operand cases of the FP differential test against
 * QEMU. Every case runs one op snippet with S0 (destination and accumulator / fixed-point operand),
 * S1, S2 and FPSCR preset; the results compared are S0, FPSCR and the APSR flags.
 * Operands are drawn heavily from special values (zeros, denormals, min/max normals, infinities,
 * quiet and signalling NaNs with payloads) and from constructions that hit rounding ties, underflow
 * and overflow boundaries, cancellation and conversion limits.
 */

export type OperandKind = 'float' | 'int' | 'half';

export interface FpOp {
  /** Assembly of the snippet, one instruction per line, reading S0-S2 and writing S0 or the flags. */
  asm: string;
  /** What kind of bit patterns S0, S1, S2 should hold. */
  operands: [OperandKind, OperandKind, OperandKind];
  /** FPSCR.AHP matters for this op. */
  ahp?: boolean;
}

const F: OperandKind = 'float';
const I: OperandKind = 'int';
const H: OperandKind = 'half';

const binary = (m: string): FpOp => ({ asm: `${m}.f32 s0, s1, s2`, operands: [F, F, F] });
const compare = (m: string, rhs: string): FpOp => ({ asm: `${m}.f32 s1, ${rhs}\nvmrs APSR_nzcv, fpscr`, operands: [F, F, F] });

export const FP_OPS: FpOp[] = [
  ...['vadd', 'vsub', 'vmul', 'vnmul', 'vdiv', 'vmla', 'vmls', 'vnmla', 'vnmls', 'vfma', 'vfms', 'vfnma', 'vfnms'].map(binary),
  { asm: 'vsqrt.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vabs.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vneg.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vmov.f32 s0, s1', operands: [F, F, F] },
  compare('vcmp', 's2'),
  compare('vcmpe', 's2'),
  compare('vcmp', '#0.0'),
  compare('vcmpe', '#0.0'),
  { asm: 'vcvt.s32.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vcvt.u32.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vcvtr.s32.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vcvtr.u32.f32 s0, s1', operands: [F, F, F] },
  { asm: 'vcvt.f32.s32 s0, s1', operands: [F, I, F] },
  { asm: 'vcvt.f32.u32 s0, s1', operands: [F, I, F] },
  ...['s32 #1', 's32 #16', 's32 #32', 'u32 #1', 'u32 #20', 'u32 #32', 's16 #0', 's16 #8', 's16 #16', 'u16 #0', 'u16 #5', 'u16 #16']
    .flatMap((t) => {
      const [type, fbits] = t.split(' ');
      const to: FpOp = { asm: `vcvt.${type}.f32 s0, s0, ${fbits}`, operands: [F, F, F] };
      const from: FpOp = { asm: `vcvt.f32.${type} s0, s0, ${fbits}`, operands: [I, F, F] };
      return [to, from];
    }),
  { asm: 'vcvtb.f16.f32 s0, s1', operands: [F, F, F], ahp: true },
  { asm: 'vcvtt.f16.f32 s0, s1', operands: [F, F, F], ahp: true },
  { asm: 'vcvtb.f32.f16 s0, s1', operands: [F, H, F], ahp: true },
  { asm: 'vcvtt.f32.f16 s0, s1', operands: [F, H, F], ahp: true },
  // FPSCR bits that exist on the M4 (the others read as zero): write S1's bits, read them back.
  { asm: 'vmov r0, s1\nvmsr fpscr, r0', operands: [F, I, F] },
];

export interface FpCase {
  op: number;
  fpscr: number;
  s0: number;
  s1: number;
  s2: number;
}

/** mulberry32: small, seeded, good enough to spread test operands. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0);
  };
}

const SPECIAL_FLOATS = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fffffff,
  0x7f800001, 0xff800001, 0x7fa00000, 0x7fbfffff, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
  0x00400000, 0x00800000, 0x80800000, 0x00800001, 0x7f7fffff, 0xff7fffff, 0x7f7ffffe, 0x3f800000,
  0xbf800000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40000000, 0x4b800000, 0x4b000001, 0x4effffff,
  0x4f000000, 0xcf000000, 0xcf000001, 0x4f7fffff, 0x4f800000, 0x477fe000, 0x477ff000, 0x47800000,
  0x387fc000, 0x33800000, 0x33000000, 0x3effffff, 0x3f7fffff, 0x3fbfffff, 0x40400000, 0xc0400000,
];

const SPECIAL_INTS = [0, 1, -1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xffff, 0x8000, 0x7fff, 0x10000, 0x1000001, 0x1000003, 0xffffffff, 0xfffffffe, 0xffff8000];

const SPECIAL_HALVES = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0x7c00, 0xfc00, 0x7c01, 0x7e00, 0xfe00, 0x7dff, 0x7fff, 0xffff];

export function makeCases(count: number, seed: number): FpCase[] {
  const rng = makeRng(seed);
  const pick = <T>(list: readonly T[]): T => list[rng() % list.length]!;
  const chance = (p: number) => rng() / 2 ** 32 < p;
  const withExp = (exp: number, sign = rng() >>> 31) => ((sign << 31) | ((exp & 0xff) << 23) | (rng() & 0x7fffff)) >>> 0;
  const expOf = (bits: number) => (bits >>> 23) & 0xff;

  function float(): number {
    const r = rng() % 8;
    if (r < 2) return pick(SPECIAL_FLOATS) >>> 0;
    if (r === 2) return rng();
    if (r === 3) return withExp(rng() % 24); // tiny: denormals and the lowest normals
    if (r === 4) return withExp(127 + (rng() % 34)); // around the integer conversion limits
    if (r === 5) return withExp(127 + (rng() % 12) - 3) & ~(chance(0.5) ? 0xffff : 0); // short mantissas: exact cases, ties
    if (r === 6) return withExp(230 + (rng() % 25)); // large: overflow of products and sums
    return withExp(110 + (rng() % 36));
  }

  /** A second operand related to the first: same binade, near-cancellation, half-ulp ties, products near the limits. */
  function partner(a: number): number {
    const ea = expOf(a);
    switch (rng() % 6) {
      case 0: return withExp(ea + (rng() % 5) - 2);
      case 1: return ((a ^ (chance(0.5) ? 0x80000000 : 0)) + (rng() % 7) - 3) >>> 0; // cancellation
      case 2: return withExp(Math.max(0, ea - 24 - (rng() % 3))) & 0xff800000 | (chance(0.5) ? 0 : rng() & 0x7); // ties of a sum
      case 3: return withExp(254 - ea + (rng() % 5) - 2); // products/quotients near 2^128 or 2^-126
      case 4: return withExp(Math.max(0, 127 - 126 - (ea - 127) + (rng() % 9) - 4));
      default: return float();
    }
  }

  function int(): number {
    const r = rng() % 4;
    if (r === 0) return pick(SPECIAL_INTS) >>> 0;
    if (r === 1) return rng() >>> (rng() % 32);
    if (r === 2) return (-(rng() >>> (rng() % 32))) >>> 0;
    return rng();
  }

  function half(): number {
    const lo = chance(0.6) ? pick(SPECIAL_HALVES) : rng() & 0xffff;
    const hi = chance(0.6) ? pick(SPECIAL_HALVES) : rng() & 0xffff;
    return ((hi << 16) | lo) >>> 0;
  }

  /** Bits of float32 values and back, for constructions that need arithmetic on the operands. */
  const f32 = new Float32Array(1);
  const w32 = new Uint32Array(f32.buffer);
  const toF = (bits: number) => { w32[0] = bits; return f32[0]!; };
  const toBits = (x: number) => { f32[0] = x; return w32[0]!; };
  const finite = (bits: number) => ((bits >>> 23) & 0xff) !== 0xff;
  /** A float32 value plus half its ulp: a rounding midpoint with 25 significant bits. */
  const midpoint = (bits: number) => { const b = bits & 0x7fffffff; return toF(b) + (toF(b + 1) - toF(b)) / 2; };

  /**
   * Operands whose exact result lies within a few float64 ulps of a float32 rounding midpoint or grid
   * point: the cases where a fused multiply-add, a quotient or a root is easiest to round wrongly.
   */
  function nearTie(asm: string, s0: number, s1: number, s2: number): [number, number, number] {
    if (/^v(n?ml[as]|fn?m[as])\./.test(asm) && finite(s1) && finite(s2)) {
      const product = Math.fround(toF(s1) * toF(s2));
      return [(toBits(-product) + (rng() % 5) - 2) >>> 0, s1, s2];
    }
    if (asm.startsWith('vdiv') && finite(s2) && (s2 & 0x7f800000) !== 0) {
      const q = midpoint(float() & 0x3fffffff) * (chance(0.5) ? 1 : -1);
      return [s0, toBits(q * toF(s2)), s2];
    }
    if (/^v(n?mul|n?ml[as]|fn?m[as]|div)\./.test(asm) && finite(s1) && (s1 & 0x7f800000) !== 0) {
      // Products and quotients within a few ulps of the underflow and overflow thresholds.
      const target = pick(BOUNDARIES) * (chance(0.5) ? 1 : -1);
      const other = asm.startsWith('vdiv') ? toF(s1) / target : target / toF(s1);
      return [s0, s1, (toBits(Math.fround(other)) + (rng() % 5) - 2) >>> 0];
    }
    if (asm.startsWith('vsqrt')) {
      const root = midpoint(withExp(64 + (rng() % 128), 0));
      return [s0, (toBits(root * root) + (rng() % 3) - 1) >>> 0, s2];
    }
    return [s0, s1, s2];
  }

  const BOUNDARIES = [2 ** -126, 2 ** -126 * (1 - 2 ** -25), 2 ** -127, 2 ** -149, 2 ** -150, 2 ** 128, 2 ** 128 * (1 - 2 ** -25), 2 ** 127];

  const cases: FpCase[] = [];
  for (let k = 0; k < count; k++) {
    const op = k % FP_OPS.length;
    const spec = FP_OPS[op]!;
    const gen = (kind: OperandKind) => (kind === 'int' ? int() : kind === 'half' ? half() : float());
    const s1 = gen(spec.operands[1]);
    const s2 = spec.operands[2] === 'float' && chance(0.6) ? partner(s1) : gen(spec.operands[2]);
    const s0 = spec.operands[0] === 'float' && chance(0.5) ? partner(chance(0.5) ? s1 : s2) : gen(spec.operands[0]);
    const [t0, t1, t2] = chance(0.4) ? nearTie(spec.asm, s0, s1, s2) : [s0, s1, s2];
    let fpscr = ((rng() & 3) << 22) | (chance(0.4) ? 1 << 24 : 0) | (chance(0.3) ? 1 << 25 : 0);
    if (spec.ahp && chance(0.5)) fpscr |= 1 << 26;
    if (chance(0.15)) fpscr |= rng() & 0xf000009f; // NZCV and sticky flags already set
    cases.push({ op, fpscr: fpscr >>> 0, s0: t0 >>> 0, s1: t1 >>> 0, s2: t2 >>> 0 });
  }
  return cases;
}
