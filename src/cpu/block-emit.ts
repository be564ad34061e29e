/**
 * Inline JavaScript for the most frequent instruction forms inside translated blocks
 * (src/cpu/block-compiler.ts): the handler's pseudo-code with the decoded fields as constants, so
 * a block runs `r[3] = (r[1] + 4) >>> 0` instead of a call that reads six Insn fields and takes
 * branches the decoder already settled. Which forms: what gcc -O2/-Os code executes most
 * (add/subtract/compare, logical operations and moves, single loads and stores); every other
 * instruction calls its handler.
 *
 * An emitter returns null for any field combination it does not handle (UNDEFINED rows, PC
 * operands, register-controlled shifts), and the block calls the handler instead. The source is
 * the handler's semantics written a second time, so test/cpu/block-emit.test.ts runs both on
 * random encodings and states and requires identical registers, flags and memory. In a block the
 * core is never inside an IT block, so `setflags = !InITBlock()` is known: true.
 */
import type { Handler, Insn } from './insn.js';
import { SETFLAGS_NEVER } from './insn.js';
import { SRTYPE_ASR, SRTYPE_LSL, SRTYPE_LSR, SRTYPE_ROR, SRTYPE_RRX } from './alu.js';
import { arithmeticHandlers as A } from './handlers/data-processing/arithmetic.js';
import { logicalHandlers as L } from './handlers/data-processing/logical.js';
import { branchHandlers as B } from './handlers/branch-system/branch.js';
import { singleLoadStoreHandlers as S, ACCESS_BYTE, ACCESS_HALF, ACCESS_SBYTE, ACCESS_WORD } from './handlers/load-store/single.js';

/** Statements for one instruction at address `at`, or null to call the handler. */
type Emitter = (i: Insn, at: number) => string | null;

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** R[d] = value as Cpu.setReg does it (d = 15 never reaches a block body). */
function setReg(d: number, value: string): string | null {
  if (d < 0 || d > 14) return null;
  return d === 13 ? `r[13] = (${value}) & ~3;` : `r[${d}] = ${value};`;
}

/** R[n] as an operand: 15 is the PC (r[15] holds at + 4 in a block, as in the interpreter). */
const reg = (n: number, at: number): string => (n === 15 ? hex(at + 4) : `r[${n}]`);

/**
 * Shift_C(v, type, amount, C) for a constant type and amount, v a uint32 variable: the result
 * expression and the carry-out expression ('cpu.c' when the shift leaves C alone).
 */
function shiftC(v: string, type: number, amount: number): { value: string; carry: string } | null {
  if (amount === 0 && type !== SRTYPE_RRX) return { value: v, carry: 'cpu.c' };
  switch (type) {
    case SRTYPE_LSL:
      if (amount >= 32) return null;
      return { value: `((${v} << ${amount}) >>> 0)`, carry: `((${v} >>> ${32 - amount}) & 1)` };
    case SRTYPE_LSR:
      if (amount > 32) return null;
      return amount === 32 ? { value: '0', carry: `(${v} >>> 31)` } : { value: `(${v} >>> ${amount})`, carry: `((${v} >>> ${amount - 1}) & 1)` };
    case SRTYPE_ASR:
      if (amount >= 32) return { value: `(((${v} | 0) >> 31) >>> 0)`, carry: `(${v} >>> 31)` };
      return { value: `(((${v} | 0) >> ${amount}) >>> 0)`, carry: `((${v} >>> ${amount - 1}) & 1)` };
    case SRTYPE_ROR: {
      const r = amount & 31;
      if (r === 0) return { value: v, carry: `(${v} >>> 31)` };
      return { value: `(((${v} >>> ${r}) | (${v} << ${32 - r})) >>> 0)`, carry: `(((${v} >>> ${r}) | (${v} << ${32 - r})) >>> 31)` };
    }
    default:
      return { value: `(((cpu.c << 31) | (${v} >>> 1)) >>> 0)`, carry: `(${v} & 1)` };
  }
}

/**
 * A statement block: `compute` (declaring `res`), then R[d] = res unless d < 0 (compare/test
 * forms), then `flags` when setflags; null when d cannot be written in a block.
 */
function resultBlock(compute: string[], d: number, flags: string[]): string | null {
  const lines = [...compute];
  if (d >= 0) {
    const w = setReg(d, 'res');
    if (w === null) return null;
    lines.push(w);
  }
  lines.push(...flags);
  return `{ ${lines.join(' ')} }`;
}

/**
 * AddWithCarry(x, y, carry_in) into R[d] (d < 0: compare, flags only), flags when `flags`.
 * `y` is an expression of a uint32, `carryIn` '0', '1' or 'cpu.c'; x is R[n] or ~R[n] (RSB).
 */
function addWithCarry(x: string, y: string, carryIn: string, d: number, flags: boolean): string | null {
  return resultBlock([`const x = ${x}, y = ${y}, ci = ${carryIn};`, 'const u = x + y + ci, res = u >>> 0;'], d, flags
    ? ['cpu.n = res >>> 31; cpu.z = res === 0 ? 1 : 0; cpu.c = u > 0xffffffff ? 1 : 0;', 'cpu.v = (res | 0) === (x | 0) + (y | 0) + ci ? 0 : 1;']
    : []);
}

const flagsOf = (i: Insn): boolean => i.setflags !== SETFLAGS_NEVER;

/** ADD/ADC/SUB/SBC/RSB/CMP/CMN with an immediate. */
function arithImm(kind: 'add' | 'adc' | 'sub' | 'sbc' | 'rsb' | 'cmp' | 'cmn'): Emitter {
  return (i, at) => {
    const rn = reg(i.n, at);
    const imm = i.imm >>> 0, notImm = ~i.imm >>> 0;
    switch (kind) {
      case 'add': return addWithCarry(rn, hex(imm), '0', i.d, flagsOf(i));
      case 'adc': return addWithCarry(rn, hex(imm), 'cpu.c', i.d, flagsOf(i));
      case 'sub': return addWithCarry(rn, hex(notImm), '1', i.d, flagsOf(i));
      case 'sbc': return addWithCarry(rn, hex(notImm), 'cpu.c', i.d, flagsOf(i));
      case 'rsb': return addWithCarry(`(~${rn} >>> 0)`, hex(imm), '1', i.d, flagsOf(i));
      case 'cmp': return addWithCarry(rn, hex(notImm), '1', -1, true);
      default: return addWithCarry(rn, hex(imm), '0', -1, true);
    }
  };
}

/** The register forms: operand 2 is Shift(R[m], shift_t, shift_n, C). */
function arithReg(kind: 'add' | 'adc' | 'sub' | 'sbc' | 'rsb' | 'cmp' | 'cmn'): Emitter {
  return (i, at) => {
    const s = shiftC('m', i.shiftType, i.shiftN);
    if (s === null) return null;
    const rn = reg(i.n, at);
    const op2 = s.value;
    const body = (() => {
      switch (kind) {
        case 'add': return addWithCarry(rn, op2, '0', i.d, flagsOf(i));
        case 'adc': return addWithCarry(rn, op2, 'cpu.c', i.d, flagsOf(i));
        case 'sub': return addWithCarry(rn, `(~${op2} >>> 0)`, '1', i.d, flagsOf(i));
        case 'sbc': return addWithCarry(rn, `(~${op2} >>> 0)`, 'cpu.c', i.d, flagsOf(i));
        case 'rsb': return addWithCarry(`(~${rn} >>> 0)`, op2, '1', i.d, flagsOf(i));
        case 'cmp': return addWithCarry(rn, `(~${op2} >>> 0)`, '1', -1, true);
        default: return addWithCarry(rn, op2, '0', -1, true);
      }
    })();
    return body === null ? null : `{ const m = ${reg(i.m, at)}; ${body} }`;
  };
}

/** R[d] = result (d < 0: TST/TEQ), N Z from the result and C from `carry` when flags are set. */
function logicalResult(result: string, carry: string, d: number, flags: boolean): string | null {
  const flagLines = flags ? ['cpu.n = res >>> 31; cpu.z = res === 0 ? 1 : 0;', ...(carry !== 'cpu.c' ? [`cpu.c = ${carry};`] : [])] : [];
  return resultBlock([`const res = ${result};`], d, flagLines);
}

type LogicalOp = 'and' | 'bic' | 'orr' | 'orn' | 'eor' | 'mov' | 'mvn' | 'tst' | 'teq';
const LOGICAL: Record<LogicalOp, (rn: string, op2: string) => string> = {
  and: (rn, op2) => `((${rn} & ${op2}) >>> 0)`,
  bic: (rn, op2) => `((${rn} & ~${op2}) >>> 0)`,
  orr: (rn, op2) => `((${rn} | ${op2}) >>> 0)`,
  orn: (rn, op2) => `((${rn} | ~${op2}) >>> 0)`,
  eor: (rn, op2) => `((${rn} ^ ${op2}) >>> 0)`,
  mov: (_, op2) => `(${op2} >>> 0)`,
  mvn: (_, op2) => `(~${op2} >>> 0)`,
  tst: (rn, op2) => `((${rn} & ${op2}) >>> 0)`,
  teq: (rn, op2) => `((${rn} ^ ${op2}) >>> 0)`,
};
const isTest = (op: LogicalOp): boolean => op === 'tst' || op === 'teq';

/** Logical immediates: C from ThumbExpandImm_C (i.carry, -1 = unchanged). */
function logicalImm(op: LogicalOp): Emitter {
  return (i, at) => {
    const carry = i.carry >= 0 ? String(i.carry) : 'cpu.c';
    return logicalResult(LOGICAL[op](reg(i.n, at), hex(i.imm)), carry, isTest(op) ? -1 : i.d, isTest(op) || flagsOf(i));
  };
}

/** Logical register forms and MOV/shift by immediate: C from Shift_C. */
function logicalReg(op: LogicalOp): Emitter {
  return (i, at) => {
    const s = shiftC('m', i.shiftType, i.shiftN);
    if (s === null) return null;
    const body = logicalResult(LOGICAL[op](op === 'mov' || op === 'mvn' ? '' : reg(i.n, at), s.value), s.carry,
      isTest(op) ? -1 : i.d, isTest(op) || flagsOf(i));
    return body === null ? null : `{ const m = ${reg(i.m, at)}; ${body} }`;
  };
}

/** The value loaded by an access of kind `access` at address expression `a` (Cpu.readU: MemU). */
function readAccess(access: number, a: string): string {
  switch (access) {
    case ACCESS_WORD: return `cpu.readU(${a}, 4)`;
    case ACCESS_BYTE: return `cpu.readU(${a}, 1)`;
    case ACCESS_HALF: return `cpu.readU(${a}, 2)`;
    // signed forms as int32, as the handler (handlers/load-store/single.ts readAccess): only stored into r
    case ACCESS_SBYTE: return `((cpu.readU(${a}, 1) << 24) >> 24)`;
    default: return `((cpu.readU(${a}, 2) << 16) >> 16)`;
  }
}

function writeAccess(access: number, a: string, v: string): string | null {
  if (access === ACCESS_WORD) return `cpu.writeU(${a}, 4, ${v});`;
  if (access === ACCESS_BYTE) return `cpu.writeU(${a}, 1, ${v} & 0xff);`;
  if (access === ACCESS_HALF) return `cpu.writeU(${a}, 2, ${v} & 0xffff);`;
  return null;
}

/** LDR<x> immediate/literal, pre/post-indexed: writeback before R[t] (the handler's order). */
const loadImm: Emitter = (i, at) => {
  if ((i.index === 0 && i.wback === 0) || i.t < 0 || i.t > 14 || (i.wback && i.n === 15)) return null;
  const base = i.n === 15 ? hex((at + 4) & ~3) : `r[${i.n}]`;
  const lines = [`const b = ${base}, o = (b ${i.add ? '+' : '-'} ${i.imm >>> 0}) >>> 0;`, `const v = ${readAccess(i.access, i.index ? 'o' : 'b')};`];
  if (i.wback) lines.push(setReg(i.n, 'o')!);
  lines.push(setReg(i.t, 'v')!);
  return `{ ${lines.join(' ')} }`;
};

const loadReg: Emitter = (i, at) => {
  if (i.t < 0 || i.t > 14) return null;
  return `{ const v = ${readAccess(i.access, `((${reg(i.n, at)} + (${reg(i.m, at)} << ${i.shiftN})) >>> 0)`)}; ${setReg(i.t, 'v')} }`;
};

/** STR<x> immediate: R[t] is read before the writeback (n == t stores the original value). */
const storeImm: Emitter = (i) => {
  if (i.n === 15 || (i.index === 0 && i.wback === 0) || i.t < 0 || i.t > 14) return null;
  const w = writeAccess(i.access, i.index ? 'o' : 'b', `r[${i.t}]`);
  if (w === null) return null;
  const lines = [`const b = r[${i.n}], o = (b ${i.add ? '+' : '-'} ${i.imm >>> 0}) >>> 0;`, w];
  if (i.wback) lines.push(setReg(i.n, 'o')!);
  return `{ ${lines.join(' ')} }`;
};

const storeReg: Emitter = (i) => {
  if (i.n === 15 || i.m === 15 || i.t < 0 || i.t > 14) return null;
  const w = writeAccess(i.access, `((r[${i.n}] + (r[${i.m}] << ${i.shiftN})) >>> 0)`, `r[${i.t}]`);
  return w === null ? null : `{ ${w} }`;
};

const EMITTERS = new Map<Handler, Emitter>([
  [A.addImm!, arithImm('add')], [A.adcImm!, arithImm('adc')], [A.subImm!, arithImm('sub')], [A.sbcImm!, arithImm('sbc')],
  [A.rsbImm!, arithImm('rsb')], [A.cmpImm!, arithImm('cmp')], [A.cmnImm!, arithImm('cmn')],
  [A.addReg!, arithReg('add')], [A.adcReg!, arithReg('adc')], [A.subReg!, arithReg('sub')], [A.sbcReg!, arithReg('sbc')],
  [A.rsbReg!, arithReg('rsb')], [A.cmpReg!, arithReg('cmp')], [A.cmnReg!, arithReg('cmn')],
  ...(['and', 'bic', 'orr', 'orn', 'eor', 'mov', 'mvn', 'tst', 'teq'] as const).map((op) => [L[`${op}Imm`]!, logicalImm(op)] as [Handler, Emitter]),
  ...(['and', 'bic', 'orr', 'orn', 'eor', 'mvn', 'tst', 'teq'] as const).map((op) => [L[`${op}Reg`]!, logicalReg(op)] as [Handler, Emitter]),
  [L.movShiftImm!, logicalReg('mov')],
  [S.loadImm!, loadImm], [S.loadReg!, loadReg], [S.storeImm!, storeImm], [S.storeReg!, storeReg],
]);

/**
 * The branch ending a block, as statements run when its condition passed: B, B<c> (outside IT
 * blocks, as in every block) and CBZ/CBNZ, whose targets are constants. BranchWritePC sets the
 * next PC and marks the branch taken; the caller has set nextPC to the fall-through and branched
 * to false before.
 */
const FINAL_EMITTERS = new Map<Handler, Emitter>([
  [B.branchCond!, (i, at) => (i.cond >= 14 ? null : `cpu.nextPC = ${hex((at + 4 + i.imm) & ~1)}; cpu.branched = true;`)],
  [B.branch!, (i, at) => `cpu.nextPC = ${hex((at + 4 + i.imm) & ~1)}; cpu.branched = true;`],
  [B.compareBranch!, (i, at) => (i.n < 0 || i.n > 14 ? null
    : `if (r[${i.n}] ${i.nonzero === 1 ? '!==' : '==='} 0) { cpu.nextPC = ${hex((at + 4 + i.imm) & ~1)}; cpu.branched = true; }`)],
]);

/** Inline statements for the block-ending branch `insn` at `at` when its condition passed, or null. */
export function emitFinalInline(insn: Insn, at: number): string | null {
  const emitter = FINAL_EMITTERS.get(insn.exec);
  return emitter === undefined ? null : emitter(insn, at);
}

/** The handlers that have an inline form (for the differential test). */
export const EMITTED_HANDLERS: ReadonlySet<Handler> = new Set(EMITTERS.keys());
export const EMITTED_FINAL_HANDLERS: ReadonlySet<Handler> = new Set(FINAL_EMITTERS.keys());

/** Inline statements for `insn` at `at` (replacing `if (!handler(cpu, insn)) ...`), or null. */
export function emitInline(insn: Insn, at: number): string | null {
  const emitter = EMITTERS.get(insn.exec);
  return emitter === undefined ? null : emitter(insn, at);
}
