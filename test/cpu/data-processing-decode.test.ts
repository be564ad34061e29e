/**
 * The data-processing and multiply/divide tables against arm-none-eabi-objdump (the encoding oracle):
 * every 16-bit halfword our lines match, and random 32-bit opcodes drawn from each 32-bit line, must
 * decode to the mnemonic objdump prints (less `s`, `.w`/`.n`); every sampled opcode must execute without
 * a JavaScript exception; and DSP opcodes must not be claimed by these lines (no false overlap).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decoder, ISA_DIR, thumbDecoder } from '../../src/cpu/decoder.js';
import { FaultSignal } from '../../src/cpu/faults.js';
import { parseIsaText } from '../../src/cpu/isa-format.js';
import { objdumpOpcodeText } from '../support/asm.js';
import { familyHalfwords, familyLines, lineOpcode, sample32BitLines } from '../support/decoder-samples.js';
import { assemble, loadThumb } from '../support/step.js';
import { xorshift32 } from '../support/xorshift.js';

const OUR_FILES = ['data-processing.isa', 'multiply-divide.isa'];
const ours = () => familyLines(OUR_FILES);

function objdumpMnemonic(text: string): string {
  if (text.includes('UNDEFINED')) return 'undefined';
  return text.split(/\s+/)[0]!.replace(/\.[wn]$/, '');
}

function sameMnemonic(oursLower: string, theirs: string): boolean {
  return theirs === oursLower || theirs === `${oursLower}s`;
}

const random32 = xorshift32(0x9e3779b9);

describe('decoding agrees with objdump', () => {
  it('every 16-bit halfword matched by our lines', () => {
    const d = thumbDecoder();
    const ops = familyHalfwords(OUR_FILES);
    expect(ops.length).toBeGreaterThan(20000);
    const text = objdumpOpcodeText(ops);
    const bad = ops.filter((o, k) => !sameMnemonic(d.decode(o.op, 0).mnemonic.toLowerCase(), objdumpMnemonic(text[k]!)))
      .map((o) => `${o.op.toString(16)}: ${d.decode(o.op, 0).mnemonic} vs ${text[ops.indexOf(o)]}`);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('64 random opcodes from each 32-bit line', () => {
    const d = thumbDecoder();
    const ops = sample32BitLines(ours(), 64, random32);
    const text = objdumpOpcodeText(ops);
    const bad: string[] = [];
    ops.forEach((o, k) => {
      const insn = d.decode(o.op >>> 16, o.op & 0xffff);
      if (!sameMnemonic(insn.mnemonic.toLowerCase(), objdumpMnemonic(text[k]!))) bad.push(`${o.op.toString(16)}: ${insn.mnemonic} vs ${text[k]}`);
    });
    expect(bad.slice(0, 10)).toEqual([]);
  });
});

describe('robustness', () => {
  it('every sampled opcode of our lines executes or faults architecturally, never throws a JS error', () => {
    const cpu = loadThumb('movs r0, #0');
    const problems: string[] = [];
    for (const c of ours()) {
      for (let k = 0; k < 64; k++) {
        const op = lineOpcode(c, random32);
        const insn = c.entry.size === 2 ? cpu.decoder.decode(op & 0xffff, 0) : cpu.decoder.decode(op >>> 16, op & 0xffff);
        for (let r = 0; r < 15; r++) cpu.r[r] = random32();
        cpu.r[13] &= ~3;
        cpu.r[15] = 0x08000004;
        cpu.c = k & 1;
        cpu.divZeroTrap = (k & 2) !== 0;
        try {
          if (typeof insn.exec(cpu, insn) !== 'boolean') problems.push(`${c.entry.mnemonic} ${op.toString(16)}: no boolean`);
        } catch (e) {
          if (!(e instanceof FaultSignal)) problems.push(`${c.entry.mnemonic} ${op.toString(16)}: ${String(e)}`);
        }
        if ([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q].some((f) => f !== 0 && f !== 1)) problems.push(`${c.entry.mnemonic} ${op.toString(16)}: flag not 0/1`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('DSP opcodes are not claimed by the data-processing or multiply lines', () => {
    const entries = OUR_FILES.flatMap((f) => parseIsaText(readFileSync(join(ISA_DIR, f), 'utf8'), `isa/${f}`));
    const d = new Decoder(entries);
    const dsp = [
      'ssat16 r0, #8, r1', 'usat16 r0, #8, r1', 'pkhbt r0, r1, r2, lsl #4', 'pkhtb r0, r1, r2, asr #4',
      'sxtah r0, r1, r2', 'uxtab r0, r1, r2', 'sxtb16 r0, r1', 'uxtab16 r0, r1, r2', 'qadd r0, r1, r2', 'qdsub r0, r1, r2',
      'sel r0, r1, r2', 'sadd8 r0, r1, r2', 'uhsub16 r0, r1, r2', 'smulbb r0, r1, r2', 'smlad r0, r1, r2, r3',
      'smmul r0, r1, r2', 'smlawb r0, r1, r2, r3', 'usad8 r0, r1, r2', 'smlalbb r0, r1, r2, r3', 'smlald r0, r1, r2, r3',
      'umaal r0, r1, r2, r3', 'smlsld r0, r1, r2, r3',
    ];
    for (const asm of dsp) {
      const b = assemble(asm);
      expect(b.length, asm).toBe(4);
      const insn = d.decode(b[0]! | (b[1]! << 8), b[2]! | (b[3]! << 8));
      expect(insn.mnemonic, asm).toBe('UNDEFINED');
    }
  });
});
