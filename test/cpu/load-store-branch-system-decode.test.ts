/**
 * The load/store, branch and system tables against arm-none-eabi-objdump 2.40 (the encoding oracle): every
 * 16-bit halfword our lines match, and random 32-bit opcodes drawn from each 32-bit line, must decode to the
 * mnemonic objdump prints (less `.w`/`.n`), apart from the listed places where objdump shows a later
 * architecture's reading (ARMv8 hint names, PLDW) or an UNPREDICTABLE form; every sampled opcode must execute
 * or fault architecturally, never throw a JavaScript error.
 */
import { describe, expect, it } from 'vitest';
import { thumbDecoder } from '../../src/cpu/decoder.js';
import { FaultSignal, StopSignal } from '../../src/cpu/faults.js';
import { BusError } from '../../src/cpu/memory.js';
import { objdumpOpcodeText } from '../support/asm.js';
import { familyHalfwords, familyLines, lineOpcode, sample32BitLines } from '../support/decoder-samples.js';
import { loadThumb } from '../support/step.js';
import { xorshift32 } from '../support/xorshift.js';

const OUR_FILES = ['load-store.isa', 'branch-system.isa'];
const ours = () => familyLines(OUR_FILES);

function objdumpMnemonic(text: string): string {
  if (text.includes('UNDEFINED') || text.startsWith('undefined')) return 'undefined';
  const m = text.split(/\s+/)[0]!.replace(/\.[wn]$/, '');
  // B<c> (T1/T3) prints its condition; our mnemonic column has none.
  return /^b(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)$/.test(m) ? 'b' : m;
}

/**
 * Where objdump and ARMv7-M disagree, with the reason. `ours` is our mnemonic, `theirs` objdump's.
 * UNDEFINED in objdump for an opcode our handler rejects at run time is agreement (the handler returns false).
 */
function knownDifference(ours: string, theirs: string, op: number): boolean {
  // Opcodes our handler rejects at run time (UNDEFINED): B T3 with cond 111x (objdump: hvc/smc/undefined of
  // ARMv7-A), LDRD/STRD with P = W = 0 (objdump: ARMv8 stlexd/ldaexd or undefined), 32-bit LDM/STM rules.
  const condField = (op >>> 22) & 0xf;
  const dualNoIndex = ['strd', 'ldrd'].includes(ours) && ((op >>> 24) & 1) === 0 && ((op >>> 21) & 1) === 0;
  const runtimeUndefined = (ours === 'b' && op > 0xffff && condField >= 14) || dualNoIndex ||
    (theirs === 'undefined' && ['stmia', 'ldmia', 'stmdb', 'ldmdb', 'push', 'pop'].includes(ours));
  // ARMv8(.1-M) names objdump uses for ARMv7-M reserved hints (NOP) and barrier options (DSB).
  const v8Names = (ours === 'nop' && ['sevl', 'esb', 'csdb', 'pssbb', 'ssbb', 'clrbhb', 'bti', 'aut', 'pac', 'pacbti'].includes(theirs)) ||
    (ours === 'dsb' && ['ssbb', 'pssbb', 'dfb'].includes(theirs)) ||
    // LDM with Rn = PC: UNPREDICTABLE in ARMv7-M, CLRM in ARMv8.1-M
    (ours === 'ldmia' && theirs === 'clrm');
  // Rt = 1111 byte/halfword loads: memory hints in ARMv7-M (we execute them as NOP); objdump names some of them
  // by ARMv7-A's PLD/PLI/PLDW and others as the (UNPREDICTABLE) load to PC.
  const rt = (op >>> 12) & 0xf;
  const memoryHint = rt === 15 && /^ldr(s?[bh])t?$/.test(ours) && ['pld', 'pli', 'pldw'].includes(theirs);
  // Rn = 1111 of the imm8/unprivileged/register rows is LDR<x> (literal) in the ARM ARM ("if Rn == '1111' then
  // SEE LDR (literal)"); objdump prints the unprivileged form with a PC base.
  const rn = (op >>> 16) & 0xf;
  const literal = rn === 15 && /^ldr(s?[bh])?$/.test(ours) && theirs === `${ours}t`;
  return runtimeUndefined || v8Names || memoryHint || literal;
}

const random32 = xorshift32(0x2545f491);

describe('decoding agrees with objdump', () => {
  it('every 16-bit halfword matched by our lines', () => {
    const d = thumbDecoder();
    const ops = familyHalfwords(OUR_FILES);
    expect(ops.length).toBeGreaterThan(20000);
    // objdump applies an IT block to the instructions after it: follow each IT by four NOPs, compared as IT only.
    const isIt = (hw: number) => (hw & 0xff00) === 0xbf00 && (hw & 0xf) !== 0;
    const stream = ops.flatMap((o) => (isIt(o.op) ? [o, ...Array(4).fill({ op: 0xbf00, size: 2, filler: true })] : [o]));
    const text = objdumpOpcodeText(stream);
    const bad: string[] = [];
    stream.forEach((o: { op: number; filler?: boolean }, k) => {
      if (o.filler) return;
      const ours = d.decode(o.op, 0).mnemonic.toLowerCase();
      const theirs = objdumpMnemonic(text[k]!).replace(/^it[te]*$/, 'it');
      if (ours !== theirs && !knownDifference(ours, theirs, o.op)) bad.push(`${o.op.toString(16)}: ${ours} vs ${text[k]}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('64 random opcodes from each 32-bit line', () => {
    const d = thumbDecoder();
    const ops = sample32BitLines(ours(), 64, random32);
    const text = objdumpOpcodeText(ops);
    const bad: string[] = [];
    ops.forEach((o, k) => {
      const ours = d.decode(o.op >>> 16, o.op & 0xffff).mnemonic.toLowerCase();
      const theirs = objdumpMnemonic(text[k]!);
      if (ours !== theirs && !knownDifference(ours, theirs, o.op)) bad.push(`${o.op.toString(16)}: ${ours} vs ${text[k]}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });
});

describe('robustness', () => {
  it('every sampled opcode of our lines executes or faults architecturally, never throws a JS error', () => {
    const cpu = loadThumb('nop');
    const problems: string[] = [];
    for (const c of ours()) {
      for (let k = 0; k < 64; k++) {
        const op = lineOpcode(c, random32);
        const insn = c.entry.size === 2 ? cpu.decoder.decode(op & 0xffff, 0) : cpu.decoder.decode(op >>> 16, op & 0xffff);
        // Registers point into SRAM half the time so that loads and stores really access memory.
        for (let r = 0; r < 15; r++) cpu.r[r] = k & 1 ? 0x20000000 + (random32() & 0x7ffc) : random32();
        cpu.r[13] &= ~3;
        cpu.r[15] = 0x08000004;
        cpu.ipsr = 0;
        cpu.control = 0;
        try {
          if (typeof insn.exec(cpu, insn) !== 'boolean') problems.push(`${c.entry.mnemonic} ${op.toString(16)}: no boolean`);
        } catch (e) {
          if (!(e instanceof FaultSignal || e instanceof BusError || e instanceof StopSignal)) {
            problems.push(`${c.entry.mnemonic} ${op.toString(16)}: ${String(e)}`);
          }
        }
        if ([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q].some((f) => f !== 0 && f !== 1)) problems.push(`${c.entry.mnemonic} ${op.toString(16)}: flag not 0/1`);
      }
    }
    expect(problems).toEqual([]);
  });
});
