/**
 * Seeded pseudo-random numbers for the thermal generator: xoshiro128** (Blackman & Vigna, 2018),
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 *
 * Why our own: `Math.random` cannot be seeded, and the generator's contract is "same (seed, index)
 * -> same frame, bit for bit, on any machine". Everything here is 32-bit integer arithmetic
 * (Math.imul, >>>), which is exact in every JS engine; the float helpers use only +, *, Math.log,
 * Math.sqrt, Math.cos, which V8 computes with its own portable fdlibm port rather than the platform
 * libm, so Node gives the same doubles on every OS and CPU.
 */

/** One step of splitmix32: a good 32-bit mixer, used for seeding and for hashing keys. */
export function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes a list of integers (seed, frame index, stream id, ...) into one 32-bit key. */
export function hashKey(...parts: number[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    // Split each part into two 32-bit halves so indices and seeds up to 2^53 stay distinct.
    const lo = part >>> 0;
    const hi = Math.floor(part / 4294967296) >>> 0;
    h = splitmix32(h ^ lo);
    h = splitmix32(h ^ hi);
  }
  return h;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second normal deviate of the last Box-Muller pair, or NaN when none is cached. */
  private spareNormal = Number.NaN;

  constructor(key: number) {
    let x = key >>> 0;
    x = splitmix32(x);
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** A generator with an explicit xoshiro128** state (for checking against the reference outputs). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const rng = new Rng(0);
    rng.s0 = s0 | 0;
    rng.s1 = s1 | 0;
    rng.s2 = s2 | 0;
    rng.s3 = s3 | 0;
    return rng;
  }

  /** A generator for one (seed, index, stream) triple; streams keep scene and noise independent. */
  static forKey(...parts: number[]): Rng {
    return new Rng(hashKey(...parts));
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal deviate (Box-Muller, both deviates used). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = Number.NaN;
      return v;
    }
    const u1 = 1 - this.next(); // (0, 1]: log is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const a = 2 * Math.PI * u2;
    this.spareNormal = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
