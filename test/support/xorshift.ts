// The xorshift32 generator (Marsaglia 2003: shifts 13, 17, 5) that the table and fuzz tests seed by hand:
// tiny, deterministic, and the same sequence on every platform, so a failing case can be replayed.

/** A generator of unsigned 32-bit values starting from `seed` (must not be 0). */
export function xorshift32(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return state >>> 0;
  };
}
