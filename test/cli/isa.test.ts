// `mcusim isa`: every location it prints must be the real one. The isa/ line it names holds the
// encoding, the handler location holds the handler's definition (for every handler isa/ names, so a
// moved or renamed handler cannot be lost silently), the class location defines the class, and an
// opcode is decoded by the line arm-none-eabi-objdump would name (LDR.W r0, [r1, #4] is LDR T3), and
// the isa/TIMING.md lines it cites are the class's table row and the numbered rules its cost cites.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMatches, githubAnchor } from '../../src/cli/isa.js';
import { loadIsaEntries } from '../../src/cpu/decoder.js';
import { UserError } from '../../src/common/errors.js';
import { spawnCaptured } from '../support/spawn.js';
import { MCUSIM_BIN } from '../support/driver.js';
import { REPO_ROOT } from '../support/toolchain.js';

const lineOf = (file: string, line: number) => readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')[line - 1] ?? '';

describe('mcusim isa', () => {
  it('SMLAD: the isa/ line, the handler, the timing class and its cost', () => {
    const [m, ...rest] = findMatches(['SMLAD']);
    expect(rest).toEqual([]);
    expect(m!.name).toBe('SMLAD.T1');
    expect(lineOf(m!.isa.file, m!.isa.line)).toMatch(/^SMLAD\s+T1\s+1111 1011 0010/);
    expect(lineOf(m!.handler.location!.file, m!.handler.location!.line)).toMatch(/\bsmlad\b/);
    expect(m!.timing).toMatchObject({ class: 'dsp', baseCycles: 1 });
    expect(lineOf(m!.timing.classDefinition!.file, m!.timing.classDefinition!.line)).toContain("name: 'dsp'");
  });

  it('an opcode in halfwords: 0xf8d1 0x0004 is LDR (immediate) T3 with Rn = 1, Rt = 0, imm12 = 4', () => {
    const [m, ...rest] = findMatches(['0xf8d1', '0x0004']);
    expect(rest).toEqual([]);
    expect(m!.name).toBe('LDR.T3');
    expect(m!.opcode).toEqual({ hex: 'f8d1 0004', disassembly: 'ldr n=1 t=0 imm=0x4' });
    expect(m!.handler.name).toBe('loadImm');
    expect(findMatches(['0xf8d10004'])).toEqual([m]);
    expect(findMatches(['ldr.w']).map((x) => x.name)).toEqual(findMatches(['LDR']).map((x) => x.name));
    // 1111 1111 ... is Advanced SIMD space: no ARMv7-M instruction (UNDEFINED, UsageFault)
    expect(findMatches(['0xffff', '0xffff']).map((x) => [x.name, x.opcode?.hex])).toEqual([['UNDEFINED', 'ffff ffff']]);
  });

  it('finds the definition of every handler and timing class an isa/ line names', () => {
    const entries = loadIsaEntries();
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      const [m] = findMatches([e.name]);
      expect(m!.isa).toMatchObject({ file: e.source, line: e.line });
      expect(m!.handler.location, `handler ${e.handler} of ${e.name}`).not.toBeNull();
      const text = lineOf(m!.handler.location!.file, m!.handler.location!.line);
      // the name itself, or a template that builds it (`${prefix}add8` for sadd8)
      const named = new RegExp(`\\b${e.handler}\\b`).test(text) || [...text.matchAll(/`\$\{\w+\}(\w+)`/g)].some((t) => e.handler.endsWith(t[1]!));
      expect(named, `${e.name}: ${e.handler} at ${m!.handler.location!.file}:${m!.handler.location!.line}: ${text}`).toBe(true);
      expect(m!.timing.classDefinition, `class ${e.timing}`).not.toBeNull();
      // isa/TIMING.md: the class's row of the classes table, and every section its rule cites
      const [row, ...cited] = m!.timing.references;
      expect(row?.section, `${e.timing}: row in isa/TIMING.md`).toBe('class table');
      expect(lineOf(row!.file, row!.line)).toContain(`\`${e.timing}\``);
      for (const r of cited) {
        const item = r.section.split('.')[1];
        expect(lineOf(r.file, r.line), `${e.timing} ${r.section}`).toMatch(item ? new RegExp(`^${item}\\. `) : new RegExp(`^#+ ${r.section.slice(1)}\\. `));
      }
      const sections = new Set([...m!.timing.rule!.matchAll(/§\d+\.\d+/g)].map((x) => x[0]));
      for (const sub of sections) expect(cited.map((r) => r.section), `${e.timing} cites ${sub}`).toContain(sub);
    }
    expect(seen.size).toBeGreaterThan(300);
  });

  it('cost code is found wherever the class is costed: VDIV in src/cpu/timing/fpu.ts', async () => {
    const [m, ...rest] = findMatches(['VDIV']);
    expect(rest).toEqual([]);
    expect(m!.timing.class).toBe('fpDiv');
    const files = new Set(m!.timing.costCode.map((l) => l.file));
    expect([...files]).toEqual(['src/cpu/timing/fpu.ts']);
    for (const l of m!.timing.costCode) expect(lineOf(l.file, l.line)).toMatch(/\bFP_DIV\b/);
    // Every class but fpMrs (base cost only: the FPU module's switch has no case for it) has cost code,
    // each line naming the class's constant; the FP classes' in the FPU module.
    const seen = new Set<string>();
    for (const e of loadIsaEntries()) {
      if (seen.has(e.timing)) continue;
      seen.add(e.timing);
      const code = findMatches([e.name])[0]!.timing.costCode;
      const constant = e.timing.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      if (e.timing === 'fpMrs') { expect(code).toEqual([]); continue; }
      expect(code.length, `cost code of ${e.timing}`).toBeGreaterThan(0);
      for (const l of code) expect(lineOf(l.file, l.line), `${e.timing} at ${l.file}:${l.line}`).toMatch(new RegExp(`\\b${constant}\\b`));
      if (e.timing.startsWith('fp')) expect(code.map((l) => l.file), e.timing).toContain('src/cpu/timing/fpu.ts');
    }
    const run = await spawnCaptured('mcusim', process.execPath, [MCUSIM_BIN, 'isa', 'VDIV'], { timeoutMs: 60_000 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toMatch(/cycle model: src\/cpu\/timing\/fpu\.ts:\d+/);
  });

  it('a mnemonic no line has, or half of a 32-bit opcode, is a usage error', () => {
    expect(() => findMatches(['FROB'])).toThrow(UserError);
    expect(() => findMatches(['0xf8d1'])).toThrow(/second halfword/);
    expect(() => findMatches(['0xf8d1', 'LDR'])).toThrow(UserError);
  });

  it('GitHub anchors of headings', () => {
    expect(githubAnchor('`ld`: single loads (TRM §3.3.2)')).toBe('ld-single-loads-trm-332');
  });

  it('as a command: text, --json, and exit 2 with one line for an unknown mnemonic', async () => {
    const run = (...args: string[]) => spawnCaptured('mcusim', process.execPath, [MCUSIM_BIN, 'isa', ...args], { timeoutMs: 60_000 });
    const text = await run('SMLAD');
    expect(text.exitCode).toBe(0);
    expect(text.stdout.toString()).toMatch(/isa\/dsp\.isa:\d+/);
    const json = await run('0xf8d1', '0x0004', '--json');
    expect(JSON.parse(json.stdout.toString())[0].name).toBe('LDR.T3');
    const bad = await run('FROB');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr!.toString().trim().split('\n')).toHaveLength(1);
  });
});
