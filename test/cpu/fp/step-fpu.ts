/**
 * The instruction harness of test/support/step.ts for FP snippets, with the FPU granted (CPACR
 * CP10/CP11 full access) unless `fpu: false`. The core decodes with the tables of isa/fpv4.isa only,
 * so FP tests do not depend on the other instruction families (the full decoder is exercised by
 * fpu-decode.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cpu } from '../../../src/cpu/cpu.js';
import { Decoder, ISA_DIR } from '../../../src/cpu/decoder.js';
import { parseIsaText } from '../../../src/cpu/isa-format.js';
import { Bus } from '../../../src/mcu/bus.js';
import { createRegion } from '../../../src/cpu/memory.js';
import { CODE_BASE, RAM_BASE, assemble, type StepOptions } from '../../support/step.js';

export { CODE_BASE, RAM_BASE };

export interface FpStepOptions extends StepOptions {
  /** Grant CP10/CP11 (default true); false leaves the FPU disabled as after reset. */
  fpu?: boolean;
}

let fpDecoder: Decoder | undefined;

export function fpOnlyDecoder(): Decoder {
  return (fpDecoder ??= new Decoder(parseIsaText(readFileSync(join(ISA_DIR, 'fpv4.isa'), 'utf8'), 'isa/fpv4.isa')));
}

export interface LoadedFpu {
  cpu: Cpu;
  /** Address just past the snippet. */
  end: number;
}

/**
 * A CPU with the snippet (assembly source, or machine code) at CODE_BASE, SP at the top of SRAM,
 * options applied, not yet run.
 */
export function loadFpu(source: string | Uint8Array, opts: FpStepOptions = {}): LoadedFpu {
  const bus = new Bus();
  bus.mapRegion(createRegion('flash', CODE_BASE, 0x10000, 'flash'));
  bus.mapRegion(createRegion('sram', RAM_BASE, 0x10000, 'sram'));
  const code = typeof source === 'string' ? assemble(source) : source;
  bus.writeBytes(CODE_BASE, code);
  const cpu = new Cpu(bus, fpOnlyDecoder());
  cpu.pc = CODE_BASE;
  cpu.r[13] = RAM_BASE + 0x10000;
  cpu.msp = cpu.r[13]!;
  cpu.fpuEnabled = opts.fpu !== false;
  for (const [name, value] of Object.entries(opts.regs ?? {})) cpu.r[Number(name.slice(1))] = value! >>> 0;
  for (const [flag, value] of Object.entries(opts.flags ?? {})) (cpu as unknown as Record<string, number>)[flag] = value!;
  for (const [k, value] of Object.entries(opts.s ?? {})) cpu.s[Number(k)] = value;
  for (const [k, value] of Object.entries(opts.sBits ?? {})) cpu.sBits[Number(k)] = value >>> 0;
  if (opts.fpscr !== undefined) cpu.fpscr = opts.fpscr >>> 0;
  for (const [addr, bytes] of Object.entries(opts.memory ?? {})) bus.writeBytes(Number(addr), bytes);
  return { cpu, end: CODE_BASE + code.length };
}

/** Runs the snippet to its end (or `count` instructions); stops early on a fault (cpu.stopReason). */
export function stepFpu(source: string, opts: FpStepOptions = {}): Cpu {
  const { cpu, end } = loadFpu(source, opts);
  if (opts.count !== undefined) {
    cpu.run(opts.count);
    return cpu;
  }
  for (let k = 0; k < 100_000 && !cpu.halted && cpu.pc >= CODE_BASE && cpu.pc < end; k++) cpu.run(1);
  return cpu;
}

export function hex(x: number): string {
  return '0x' + (x >>> 0).toString(16).padStart(8, '0');
}
