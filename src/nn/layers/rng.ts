/**
 * Seeded pseudo-random numbers for training (sfc32, seeded through splitmix32), with a state that
 * checkpoints save and restore so a resumed run draws the same numbers. Why not the thermal
 * generator's xoshiro128** (src/nn/data/rng.ts): the shipped weights are reproduced bit for bit by
 * `mcusim train` from this stream, and the generator's frames from that one; either swap would change
 * a shipped artefact.
 */
import { splitmix32 } from '../data/rng.js';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed = 1) {
    // splitmix32 (the generator's, src/nn/data/rng.ts) expands the seed into the four words of sfc32
    const word = (k: number): number => splitmix32((seed + k * 0x9e3779b9) >>> 0);
    this.a = word(0);
    this.b = word(1);
    this.c = word(2);
    this.d = word(3);
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u = 1 - this.next(), v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[] | Int32Array): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
  }

  getState(): number[] {
    return [this.a, this.b, this.c, this.d, this.spareNormal ?? Number.NaN];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new Error('rng state must have 5 numbers');
    [this.a, this.b, this.c, this.d] = state.map((v) => v >>> 0) as [number, number, number, number];
    this.spareNormal = Number.isNaN(state[4]) ? null : state[4]!;
  }
}
