/**
 * What the instruction that ends a straight-line run means for the function profiler's call stack,
 * decided once per address from the decoded instruction (the isa/ fields: d, t, n, list, wback, imm).
 */
import type { Insn } from '../cpu/insn.js';

export const KIND_UNKNOWN = 0;
/** Neither transfers control nor writes SP (or a direct branch that stays inside its function). */
export const KIND_PLAIN = 1;
/** BL, BLX: a call. */
export const KIND_CALL = 2;
/** Any other write to the PC: resolved by where it lands. */
export const KIND_FLOW = 3;
/** Before the first instruction: the profiler's start, then resolved like a transfer. */
export const KIND_START = 4;
/** Writes SP without transferring control (PUSH, SUB SP, STR/VPUSH with SP write-back, MSR): watch the stack. */
export const KIND_SP = 5;
/** Or'ed into CALL/FLOW for a 32-bit instruction (the return address is 4 bytes on). */
export const WIDE = 8;

const BRANCH_MNEMONICS = new Set(['B', 'BX', 'CBZ', 'CBNZ', 'TBB', 'TBH']);
const DIRECT_BRANCH_MNEMONICS = new Set(['B', 'CBZ', 'CBNZ']);
const CALL_MNEMONICS = new Set(['BL', 'BLX']);

/**
 * The kind of `insn` at `pc`. `staysInFunction(target, next)`: whether a direct branch's target and
 * fall-through address are both inside the function holding `pc` (then it changes nothing: a loop).
 */
export function instructionKind(insn: Insn, pc: number, staysInFunction: (target: number, next: number) => boolean): number {
  const m = insn.mnemonic;
  let kind = KIND_PLAIN;
  if (CALL_MNEMONICS.has(m)) kind = KIND_CALL;
  else if (DIRECT_BRANCH_MNEMONICS.has(m) && staysInFunction((pc + 4 + insn.imm) >>> 0, m === 'B' && insn.cond === 14 ? pc : pc + insn.size)) kind = KIND_PLAIN;
  else if (BRANCH_MNEMONICS.has(m) || insn.d === 15 || insn.t === 15 || (insn.list & 0x8000) !== 0 || m === 'SVC') kind = KIND_FLOW;
  else if (insn.d === 13 || (insn.n === 13 && insn.wback !== 0) || m === 'MSR') kind = KIND_SP;
  return (kind === KIND_CALL || kind === KIND_FLOW) && insn.size === 4 ? kind | WIDE : kind;
}
