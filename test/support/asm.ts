// Assembler and disassembler oracles from GNU binutils (STYLE.md §2: encodings are checked against
// arm-none-eabi-as/objdump, never against our own table). assembleThumb turns Thumb-2 source into
// machine code bytes (cached by content hash under firmware/build/asm); objdumpMnemonics
// disassembles many encodings with one objdump process, for the decoder fuzz test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_DIR } from './toolchain.js';

const ASM_CACHE_DIR = join(BUILD_DIR, 'asm');
export const AS_FLAGS = ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard', '-mimplicit-it=always'];

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'mcusim-asm-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toolError(tool: string, err: unknown): Error {
  const e = err as { stderr?: Buffer | string; message: string };
  return new Error(`${tool} failed: ${e.stderr ? e.stderr.toString() : e.message}`);
}

/**
 * Assembles Thumb-2 source (unified syntax, Cortex-M4 with FPv4-SP) and returns the bytes of its
 * .text section as they sit in memory (little-endian halfwords). Throws with the assembler's message.
 */
export function assembleThumb(source: string): Uint8Array {
  const text = `.syntax unified\n.thumb\n.text\n${source}\n`;
  const key = createHash('sha256').update(AS_FLAGS.join(' ')).update(text).digest('hex').slice(0, 24);
  const cached = join(ASM_CACHE_DIR, `${key}.bin`);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const bytes = withTempDir((dir) => {
    const src = join(dir, 'in.s');
    const obj = join(dir, 'in.o');
    const bin = join(dir, 'out.bin');
    writeFileSync(src, text);
    try {
      execFileSync('arm-none-eabi-as', [...AS_FLAGS, '-o', obj, src], { stdio: 'pipe' });
      execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', obj, bin], { stdio: 'pipe' });
    } catch (err) {
      throw toolError('arm-none-eabi-as', err);
    }
    return readFileSync(bin);
  });
  mkdirSync(ASM_CACHE_DIR, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, cached);
  return new Uint8Array(bytes);
}

export interface Encoding {
  /** One complete instruction as it sits in memory: 2 bytes, or 4 for a 32-bit Thumb-2 encoding. */
  bytes: Uint8Array;
}

export interface Disassembly {
  /** The mnemonic as objdump prints it (`adds`, `ldr.w`, `vmul.f32`), or '' when objdump calls it undefined. */
  mnemonic: string;
  /** Operands as objdump prints them, comments removed. */
  operands: string;
  /** objdump appended `; <UNPREDICTABLE>`. */
  unpredictable: boolean;
}

// Each encoding gets its own 12-byte slot padded with NOPs (0xBF00). An IT instruction conditions at
// most the next four instructions; the padding absorbs them, so no slot changes how the next decodes.
const SLOT_BYTES = 12;
const NOP_LO = 0x00;
const NOP_HI = 0xbf;

/** Disassembles every encoding with a single objdump run (ARMv7E-M, Thumb); one result per encoding. */
export function objdumpDisassemble(words: readonly Encoding[]): Disassembly[] {
  const image = new Uint8Array(words.length * SLOT_BYTES);
  for (let i = 0; i < image.length; i += 2) {
    image[i] = NOP_LO;
    image[i + 1] = NOP_HI;
  }
  words.forEach((w, i) => {
    if (w.bytes.length !== 2 && w.bytes.length !== 4) throw new Error(`encoding ${i} has ${w.bytes.length} bytes; want 2 or 4`);
    image.set(w.bytes, i * SLOT_BYTES);
  });
  const listing = withTempDir((dir) => {
    const bin = join(dir, 'words.bin');
    writeFileSync(bin, image);
    try {
      return execFileSync(
        'arm-none-eabi-objdump',
        ['-D', '-b', 'binary', '-m', 'armv7e-m', '-M', 'force-thumb', '--no-show-raw-insn', bin],
        { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (err) {
      throw toolError('arm-none-eabi-objdump', err);
    }
  });
  const results: Disassembly[] = new Array(words.length);
  const line = /^\s*([0-9a-f]+):\s*(.*)$/;
  for (const raw of listing.split('\n')) {
    const m = line.exec(raw);
    if (!m) continue;
    const address = parseInt(m[1]!, 16);
    if (address % SLOT_BYTES !== 0) continue;
    const index = address / SLOT_BYTES;
    if (index >= words.length) continue;
    results[index] = parseInstruction(m[2]!);
  }
  for (let i = 0; i < words.length; i++) {
    if (!results[i]) throw new Error(`objdump printed no instruction at slot ${i}; was encoding ${i} complete?`);
  }
  return results;
}

function parseInstruction(text: string): Disassembly {
  if (text.includes('<UNDEFINED>') || text.startsWith('.word') || text.startsWith('.short')) {
    return { mnemonic: '', operands: '', unpredictable: false };
  }
  const unpredictable = text.includes('<UNPREDICTABLE>');
  const body = text.replace(/\s*[@;].*$/, '').trim();
  const [mnemonic, ...rest] = body.split(/\s+/);
  return { mnemonic: (mnemonic ?? '').toLowerCase(), operands: rest.join(' '), unpredictable };
}

/** An opcode for objdumpOpcodeText: a 16-bit halfword (size 2), or hw1 << 16 | hw2 (size 4). */
export interface Opcode {
  op: number;
  size: number;
}

/**
 * objdump -d's text for each opcode, in order (`adds r0, r1, #1`: mnemonic and operands, tabs as spaces).
 * The opcodes are written with `.inst.n`/`.inst.w` and assembled with `asFlags`, so the listing comes from
 * an object file whose mapping symbols mark Thumb code; any IT block in the stream applies to what follows.
 */
export function objdumpOpcodeText(opcodes: readonly Opcode[], asFlags: readonly string[] = ['-mcpu=cortex-m4', '-mthumb']): string[] {
  const body = opcodes.map((o) => `${o.size === 2 ? '.inst.n' : '.inst.w'} 0x${(o.op >>> 0).toString(16)}`).join('\n');
  const listing = withTempDir((dir) => {
    const src = join(dir, 'a.s');
    const obj = join(dir, 'a.o');
    writeFileSync(src, `.syntax unified\n.thumb\n${body}\n`);
    execFileSync('arm-none-eabi-as', [...asFlags, '-o', obj, src]);
    return execFileSync('arm-none-eabi-objdump', ['-d', obj], { maxBuffer: 1 << 28 }).toString();
  });
  return listing.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map((l) => l.split('\t').slice(2).join(' ').trim());
}

/** The mnemonic objdump gives each encoding ('' for an encoding it does not know). */
export function objdumpMnemonics(words: readonly Encoding[]): string[] {
  return objdumpDisassemble(words).map((d) => d.mnemonic);
}

/**
 * For each disassembled encoding, whether it is an instruction the Cortex-M4 (ARMv7E-M, FPv4-SP)
 * has, in the form the assembler itself produces: objdump's text must assemble with
 * arm-none-eabi-as -mcpu=cortex-m4 and give back the same bytes. objdump 2.40 decodes every
 * architecture it knows whatever -m says (SG, NEON, double precision, MVE, coprocessors) and prints
 * encodings with wrong should-be bits as if they were right; this filter leaves exactly the
 * encodings on which both binutils oracles agree. Branch targets (`0x1c`) are assembled as `.+4`,
 * and then only the opcode bits are compared (the offset differs by construction).
 * Two assembler runs in all: one to find the lines it rejects, one to assemble the rest.
 */
export function reassemblesOnCortexM4(dis: readonly Disassembly[], words: readonly Encoding[]): boolean[] {
  const HEADER = ['.syntax unified', '.thumb', '.text'];
  const branch = /^(b|bl|blx|cbz|cbnz)(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)?(\.[nw])?$/;
  const target = /(^|, )(0x)?[0-9a-f]+( <[^>]*>)?$/;
  const hasTarget = dis.map((d) => branch.test(d.mnemonic) && target.test(d.operands));
  // objdump writes coprocessor operands as `15, 0, ..., {2}`; gas wants `p15, 0, ..., 2`.
  const coprocessor = /^(mcr|mrc|cdp|mcrr|mrrc|ldc|stc)2?l?$/;
  const gasOperands = (d: Disassembly, i: number): string => {
    if (hasTarget[i]) return d.operands.replace(target, '$1.+4');
    if (!coprocessor.test(d.mnemonic)) return d.operands;
    const ops = d.operands.replace(/^(\d+),/, 'p$1,');
    return /^(mcr|mrc|cdp)/.test(d.mnemonic) ? ops.replace(/\{(\d+)\}$/, '$1') : ops;
  };
  const text = dis.map((d, i) => `${d.mnemonic} ${gasOperands(d, i)}`);
  // IT changes how the assembler reads the following lines; its encoding is checked on its own.
  // BLX (immediate) switches to ARM state, which ARMv7-M lacks (ARM ARM A7.7.19 has BLX (register)
  // only), yet gas assembles it for -mcpu=cortex-m4.
  // Likewise gas takes the ARMv8 FP additions (VMAXNM, VRINT, VCVTA...) and SETEND here.
  const notOnM4 = /^(vmaxnm|vminnm|vrint[anpmxzr]?|vcvt[anpm]|vsel(eq|ge|gt|vs)|setend)(\.|$)/;
  const candidate = dis.map((d, i) => d.mnemonic !== '' && !/^it[te]*$/.test(d.mnemonic) &&
    !(d.mnemonic === 'blx' && hasTarget[i]) && !notOnM4.test(d.mnemonic));
  const run = (lines: string[], dir: string): { stderr: string; ok: boolean } => {
    const src = join(dir, 'lines.s');
    writeFileSync(src, [...HEADER, ...lines].join('\n') + '\n');
    try {
      execFileSync('arm-none-eabi-as', [...AS_FLAGS, '-W', '-o', join(dir, 'lines.o'), src], { stdio: 'pipe', maxBuffer: 1 << 30 });
      return { stderr: '', ok: true };
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
      if (!stderr) throw toolError('arm-none-eabi-as', err);
      return { stderr, ok: false };
    }
  };
  return withTempDir((dir) => {
    const firstLines = text.map((t, i) => (candidate[i] ? t : 'nop'));
    const rejected = new Set<number>();
    for (const m of run(firstLines, dir).stderr.matchAll(/^[^\n]*?:(\d+): Error:/gm)) rejected.add(Number(m[1]) - HEADER.length - 1);
    // Second pass: each accepted line in its own 8-byte slot, to read back its bytes.
    const kept = text.map((_, i) => i).filter((i) => candidate[i] && !rejected.has(i));
    const second = run(kept.flatMap((i) => [text[i]!, '.balign 8']), dir);
    if (!second.ok) throw new Error(`arm-none-eabi-as rejected lines it accepted before:\n${second.stderr.slice(0, 2000)}`);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'lines.o'), join(dir, 'lines.bin')]);
    const bytes = readFileSync(join(dir, 'lines.bin'));
    const result = new Array<boolean>(dis.length).fill(false);
    kept.forEach((i, slot) => {
      const want = words[i]!.bytes;
      const got = bytes.subarray(slot * 8, slot * 8 + want.length);
      if (got.length !== want.length) return;
      // The next halfword of a 16-bit result must not make it a 32-bit instruction.
      if (want.length === 2 && bytes[slot * 8 + 1]! >>> 3 >= 0x1d) return;
      if (!hasTarget[i]) {
        result[i] = Buffer.compare(Buffer.from(got), Buffer.from(want)) === 0;
        return;
      }
      const hw = (b: Uint8Array, k: number): number => b[k]! | (b[k + 1]! << 8);
      const sameOpcode = hw(got, 0) >>> 11 === hw(want, 0) >>> 11 &&
        (want.length === 2 ? (hw(got, 0) & 0xf500) === (hw(want, 0) & 0xf500) : (hw(got, 2) & 0xd000) === (hw(want, 2) & 0xd000));
      result[i] = sameOpcode;
    });
    return result;
  });
}
