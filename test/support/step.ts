/**
 * Instruction-level test harness (STYLE.md §5): assembles a snippet with arm-none-eabi-as (the
 * encoding oracle), loads it into a bare Cortex-M4 with 64 KB of flash at 0x08000000 and 64 KB of
 * SRAM at 0x20000000, sets registers, runs it and returns the CPU for assertions on registers,
 * flags, memory and cycles.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../src/mcu/bus.js';
import { createRegion } from '../../src/cpu/memory.js';
import { Cpu } from '../../src/cpu/cpu.js';

export const CODE_BASE = 0x08000000;
export const RAM_BASE = 0x20000000;

const workDir = mkdtempSync(join(tmpdir(), 'mcusim-step-'));
const cache = new Map<string, Uint8Array>();

/** Assembles Thumb-2 source for Cortex-M4 with FPv4-SP; returns the .text bytes. */
export function assemble(source: string): Uint8Array {
  const hit = cache.get(source);
  if (hit) return hit;
  const key = createHash('sha1').update(source).digest('hex').slice(0, 12);
  const src = join(workDir, `${key}.s`);
  const obj = join(workDir, `${key}.o`);
  const bin = join(workDir, `${key}.bin`);
  writeFileSync(src, `.syntax unified\n.thumb\n.text\n${source}\n`);
  execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-o', obj, src]);
  execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', obj, bin]);
  const bytes = new Uint8Array(readFileSync(bin));
  cache.set(source, bytes);
  return bytes;
}

export interface StepInit {
  /** r0..r14 by name: { r0: 1, r13: 0x20001000 }. */
  [reg: `r${number}`]: number;
}

export interface StepOptions {
  regs?: Partial<Record<`r${number}`, number>>;
  /** APSR flags before running. */
  flags?: Partial<Record<'n' | 'z' | 'c' | 'v' | 'q', number>> & { ge?: number };
  /** S registers as floats or raw bits. */
  s?: Record<number, number>;
  sBits?: Record<number, number>;
  fpscr?: number;
  /** Instructions to execute; default: all instructions of the snippet (until PC leaves it). */
  count?: number;
  /** Bytes written into SRAM before running: address -> bytes. */
  memory?: Record<number, Uint8Array>;
}

/** A CPU with the snippet loaded at CODE_BASE, SP at the top of SRAM, not yet run. */
export function loadThumb(source: string, opts: StepOptions = {}): Cpu {
  const bus = new Bus();
  const flash = createRegion('flash', CODE_BASE, 0x10000, 'flash');
  const sram = createRegion('sram', RAM_BASE, 0x10000, 'sram');
  bus.mapRegion(flash);
  bus.mapRegion(sram);
  const code = assemble(source);
  bus.writeBytes(CODE_BASE, code);
  const cpu = new Cpu(bus);
  cpu.pc = CODE_BASE;
  cpu.r[13] = RAM_BASE + 0x10000;
  cpu.msp = cpu.r[13]!;
  for (const [name, value] of Object.entries(opts.regs ?? {})) cpu.r[Number(name.slice(1))] = value! >>> 0;
  for (const [flag, value] of Object.entries(opts.flags ?? {})) (cpu as unknown as Record<string, number>)[flag] = value!;
  for (const [k, value] of Object.entries(opts.s ?? {})) cpu.s[Number(k)] = value;
  for (const [k, value] of Object.entries(opts.sBits ?? {})) cpu.sBits[Number(k)] = value >>> 0;
  if (opts.fpscr !== undefined) cpu.fpscr = opts.fpscr >>> 0;
  for (const [addr, bytes] of Object.entries(opts.memory ?? {})) bus.writeBytes(Number(addr), bytes);
  (cpu as Cpu & { codeSize: number }).codeSize = code.length;
  return cpu;
}

/**
 * Runs the snippet: `count` instructions, or until the PC leaves the snippet (a fall-through past the
 * end or a branch out). Stops early on any fault (cpu.halted, cpu.stopReason says which).
 */
export function stepThumb(source: string, opts: StepOptions = {}): Cpu {
  const cpu = loadThumb(source, opts);
  const end = CODE_BASE + (cpu as Cpu & { codeSize: number }).codeSize;
  if (opts.count !== undefined) {
    cpu.run(opts.count);
    return cpu;
  }
  for (let k = 0; k < 100_000 && !cpu.halted && cpu.pc >= CODE_BASE && cpu.pc < end; k++) cpu.run(1);
  return cpu;
}
