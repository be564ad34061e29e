// The inline forms of src/cpu/block-emit.ts against the handlers they replace: for every isa/ line
// whose handler has an inline form, random encodings of that line run once through the handler and
// once through the generated statements, from the same random registers, flags and memory; the
// registers r0-r14, APSR and every byte of RAM must be identical afterwards (or both must fault).
// The handlers themselves are checked against QEMU by the oracle suites.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { thumbDecoder } from '../../src/cpu/decoder.js';
import { EMITTED_FINAL_HANDLERS, EMITTED_HANDLERS, emitFinalInline, emitInline } from '../../src/cpu/block-emit.js';
import { conditionPassed, conditionSource } from '../../src/cpu/instruction-protocol.js';
import { fitsInBlock } from '../../src/cpu/block-compiler.js';
import type { Insn } from '../../src/cpu/insn.js';
import { Bus } from '../../src/mcu/bus.js';
import { createRegion } from '../../src/cpu/memory.js';
import { lineOpcode } from '../support/decoder-samples.js';
import { xorshift32 } from '../support/xorshift.js';

const RAM_BASE = 0x20000000;
const RAM_SIZE = 0x8000;
const AT = 0x08000100;

function machine(): { cpu: Cpu; ram: Uint8Array } {
  const bus = new Bus();
  const ram = createRegion('sram', RAM_BASE, RAM_SIZE, 'sram');
  bus.mapRegion(ram);
  bus.mapRegion(createRegion('flash', 0x08000000, 0x10000, 'flash'));
  return { cpu: new Cpu(bus), ram: ram.bytes };
}

type State = { regs: number[]; flags: number[]; ram: Uint8Array };

/** Registers: random words, except that a load/store's base lands in the middle of RAM and its index is small. */
function randomState(insn: Insn, random: () => number, memory: boolean, ram: Uint8Array): State {
  const regs = Array.from({ length: 15 }, () => random() >>> 0);
  if (memory) {
    if (insn.n >= 0 && insn.n < 15) regs[insn.n] = RAM_BASE + 0x2000 + (random() & 0xfff);
    if (insn.m >= 0 && insn.m < 15 && insn.m !== insn.n) regs[insn.m] = random() & 0x3ff;
  }
  return { regs, flags: [random() & 1, random() & 1, random() & 1, random() & 1, random() & 1, random() & 15], ram };
}

function runOne(insn: Insn, state: State, mode: 'handler' | 'inline', code: string) {
  const { cpu, ram } = machine();
  ram.set(state.ram);
  state.regs.forEach((v, k) => { cpu.r[k] = v; });
  cpu.r[15] = AT + 4;
  cpu.pc = AT;
  [cpu.n, cpu.z, cpu.c, cpu.v, cpu.q, cpu.ge] = state.flags as [number, number, number, number, number, number];
  let outcome = 'ok';
  try {
    if (mode === 'handler') outcome = insn.exec(cpu, insn) ? 'ok' : 'undefined';
    else new Function('cpu', 'r', code)(cpu, cpu.r);
  } catch (e) {
    outcome = `threw ${(e as Error).constructor.name}`;
  }
  return { outcome, regs: Array.from(cpu.r.subarray(0, 15)), apsr: cpu.apsr, ram };
}

describe('inline instruction forms in blocks', () => {
  it('do exactly what their handlers do on random encodings and states', () => {
    const decoder = thumbDecoder();
    const random = xorshift32(0x5eed);
    const lines = decoder.entries.filter((c) => EMITTED_HANDLERS.has(c.exec));
    expect(lines.length).toBeGreaterThan(40);
    const handlersSeen = new Set<unknown>();
    let compared = 0;
    const ram = new Uint8Array(RAM_SIZE);
    for (let k = 0; k < RAM_SIZE; k += 4) new DataView(ram.buffer).setUint32(k, random() >>> 0, true);
    for (const line of lines) {
      for (let sample = 0; sample < 60; sample++) {
        const op = lineOpcode(line, random);
        const insn = line.entry.size === 4 ? decoder.decode(op >>> 16, op & 0xffff) : decoder.decode(op & 0xffff, 0);
        if (insn.exec !== line.exec || !fitsInBlock(insn)) continue;
        const code = emitInline(insn, AT);
        if (code === null) continue;
        handlersSeen.add(insn.exec);
        const memory = insn.timing === 6 || insn.timing === 7;
        for (let s = 0; s < 3; s++) {
          const state = randomState(insn, random, memory, ram);
          const expected = runOne(insn, state, 'handler', code);
          const actual = runOne(insn, state, 'inline', code);
          const what = `${insn.mnemonic} ${insn.encoding} 0x${op.toString(16)}:\n${code}`;
          expect({ ...actual, ram: 0 }, what).toEqual({ ...expected, ram: 0 });
          expect(Buffer.compare(actual.ram, expected.ram), `${what}\nmemory differs`).toBe(0);
          compared++;
        }
      }
    }
    // every handler with an inline form was exercised
    expect(handlersSeen.size).toBe(EMITTED_HANDLERS.size);
    expect(compared).toBeGreaterThan(3000);
  }, 120_000);

  it('evaluate conditions as the ARM ARM condition table says, in generated code and in the run loop alike', () => {
    // ARM ARM A7.3 Table A7-1, written out here independently of src/cpu/instruction-protocol.ts
    const table: ((n: number, z: number, c: number, v: number) => boolean)[] = [
      (_n, z) => z === 1, (_n, z) => z === 0, (_n, _z, c) => c === 1, (_n, _z, c) => c === 0,
      (n) => n === 1, (n) => n === 0, (_n, _z, _c, v) => v === 1, (_n, _z, _c, v) => v === 0,
      (_n, z, c) => c === 1 && z === 0, (_n, z, c) => c === 0 || z === 1, (n, _z, _c, v) => n === v, (n, _z, _c, v) => n !== v,
      (n, z, _c, v) => z === 0 && n === v, (n, z, _c, v) => z === 1 || n !== v, () => true, () => true,
    ];
    const { cpu } = machine();
    for (let cond = 0; cond < 16; cond++) {
      const passed = new Function('cpu', `return ${conditionSource(cond)};`) as (c: Cpu) => boolean;
      for (let flags = 0; flags < 16; flags++) {
        const [n, z, c, v] = [(flags >> 3) & 1, (flags >> 2) & 1, (flags >> 1) & 1, flags & 1];
        [cpu.n, cpu.z, cpu.c, cpu.v] = [n, z, c, v];
        const expected = table[cond]!(n, z, c, v);
        expect(passed(cpu), `cond ${cond} flags ${flags}`).toBe(expected);
        expect(conditionPassed(cond, n, z, c, v), `cond ${cond} flags ${flags}`).toBe(expected);
        expect(cpu.conditionPassed(cond)).toBe(expected);
      }
    }
  });

  it('take the block-ending branches (B, B<c>, CBZ, CBNZ) exactly as their handlers do', () => {
    const decoder = thumbDecoder();
    const random = xorshift32(0xb4a);
    const lines = decoder.entries.filter((c) => EMITTED_FINAL_HANDLERS.has(c.exec));
    let compared = 0;
    for (const line of lines) {
      for (let sample = 0; sample < 200; sample++) {
        const op = lineOpcode(line, random);
        const insn = line.entry.size === 4 ? decoder.decode(op >>> 16, op & 0xffff) : decoder.decode(op & 0xffff, 0);
        if (insn.exec !== line.exec) continue;
        const code = emitFinalInline(insn, AT);
        if (code === null) continue;
        const regs = Array.from({ length: 15 }, () => ((random() & 1) === 0 ? 0 : random() >>> 0));
        const outcome = (mode: 'handler' | 'inline') => {
          const { cpu } = machine();
          regs.forEach((v, k) => { cpu.r[k] = v; });
          cpu.r[15] = AT + 4;
          cpu.pc = AT;
          cpu.nextPC = AT + insn.size;
          cpu.branched = false;
          const ok = mode === 'handler' ? insn.exec(cpu, insn) : (new Function('cpu', 'r', code)(cpu, cpu.r), true);
          return { ok, nextPC: cpu.nextPC, branched: cpu.branched, regs: Array.from(cpu.r.subarray(0, 15)) };
        };
        expect(outcome('inline'), `${insn.mnemonic} ${insn.encoding} 0x${op.toString(16)}: ${code}`).toEqual(outcome('handler'));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(800);
  });
});
