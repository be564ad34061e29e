/**
 * The steps every instruction goes through besides its own semantics, each written once: the run
 * loop (src/cpu/cpu.ts) performs them at run time, the block compiler (src/cpu/block-compiler.ts)
 * settles at translation time what is known then and emits the rest from these same definitions.
 *
 *   1. ConditionPassed (ARM ARM A7.3.1): the condition of a B<c> or of the IT block the instruction
 *      is in (conditionSource; conditionPassed is the same rule as a table).
 *   2. ITAdvance (ARM ARM A7.3.3) after an instruction inside an IT block (itAdvance).
 *   3. The handler (handlers/); what a cost depends on and only the handler sees (SDIV/UDIV operands)
 *      the handler records itself (handlers/multiply-divide/divide.ts), so no step needs to know about it.
 *   4. Retire: cycles from the cycle model, the instruction count, the observer (src/cpu/observer.ts),
 *      then whatever device event is due.
 */

/**
 * ConditionPassed(cond) as a JavaScript expression of the flags cpu.n/z/c/v (each 0 or 1): the one
 * definition of the condition codes (ARM ARM A7.3 Table A7-1). Conditions 14 (AL) and 15 always pass.
 */
export function conditionSource(cond: number): string {
  const base = ['cpu.z === 1', 'cpu.c === 1', 'cpu.n === 1', 'cpu.v === 1', '(cpu.c === 1 && cpu.z === 0)', 'cpu.n === cpu.v',
    '(cpu.z === 0 && cpu.n === cpu.v)'];
  if (cond >= 14) return 'true';
  const e = base[cond >>> 1]!;
  return (cond & 1) === 1 ? `!(${e})` : e;
}

/**
 * conditionSource evaluated for every condition and flag combination, indexed by cond << 4 | N:Z:C:V,
 * so the run loop tests a condition with one load and no data-dependent branch.
 */
const CONDITION_TABLE = ((): Uint8Array => {
  const table = new Uint8Array(256);
  for (let cond = 0; cond < 16; cond++) {
    // the definition above is the source; new Function turns it into a predicate once, at load time
    const holds = new Function('cpu', `return ${conditionSource(cond)};`) as (flags: { n: number; z: number; c: number; v: number }) => boolean;
    for (let f = 0; f < 16; f++) table[(cond << 4) | f] = holds({ n: (f >>> 3) & 1, z: (f >>> 2) & 1, c: (f >>> 1) & 1, v: f & 1 }) ? 1 : 0;
  }
  return table;
})();

/** ConditionPassed(cond) for flags n, z, c, v in {0, 1}. */
export function conditionPassed(cond: number, n: number, z: number, c: number, v: number): boolean {
  return CONDITION_TABLE[(cond << 4) | (n << 3) | (z << 2) | (c << 1) | v] === 1;
}

/** ITAdvance (ARM ARM A7.3.3): ITSTATE after an instruction that ran under `itstate` (0 once the block ends). */
export function itAdvance(itstate: number): number {
  return (itstate & 7) === 0 ? 0 : (itstate & 0xe0) | ((itstate << 1) & 0x1f);
}
