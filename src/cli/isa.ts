/**
 * `mcusim isa <mnemonic|line name|hex opcode...>`: where an instruction lives. For every matching
 * isa/ line it prints the line (file:line), the handler that executes it (file:line), its timing
 * class with the base cost and the TRM row or measurement it comes from (src/cpu/timing-classes.ts,
 * the cycle model's code for the class, the isa/TIMING.md section), and for an opcode its disassembly.
 *
 * The handler and cycle-model locations are found by reading the sources (definitions such as
 * `const loadImm: Handler =` or `smlad: (cpu, i) =>`), so they follow the code as it moves; no table
 * of locations to keep in step. test/cli/isa.test.ts checks that every handler an isa/ line names is
 * found.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from './command.js';
import { CHECKOUT_ROOT } from '../common/checkout.js';
import { UserError } from '../common/errors.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { thumbDecoder, type Decoder } from '../cpu/decoder.js';
import { disassemble } from '../cpu/disassemble.js';
import type { IsaEntry } from '../cpu/isa-format.js';
import { TIMING_CLASSES } from '../cpu/timing-classes.js';

const REPO = `${CHECKOUT_ROOT}/`;
const HANDLERS_DIR = 'src/cpu/handlers';
const TIMING_CLASSES_FILE = 'src/cpu/timing-classes.ts';
/** Where classes are costed: the cycle model, and the timing modules it hands classes to (FP in timing/fpu.ts). */
const CYCLE_MODEL_FILE = 'src/cpu/cycle-model.ts';
const TIMING_DIR = 'src/cpu/timing';
const TIMING_DOC = 'isa/TIMING.md';

export interface SourceLocation {
  file: string;
  line: number;
}

export interface IsaMatch {
  /** The line's unique name (MNEMONIC.enc). */
  name: string;
  mnemonic: string;
  isa: SourceLocation & { text: string };
  handler: { name: string; location: SourceLocation | null };
  timing: {
    class: string;
    baseCycles: number | null;
    /** The rule and its sources (TRM tables, silicon measurements), as src/cpu/timing-classes.ts states it. */
    rule: string | null;
    classDefinition: SourceLocation | null;
    /** Where the cycle model adds the class's run-time costs. */
    costCode: SourceLocation[];
    /**
     * Where isa/TIMING.md states it: the class's row in the classes table, then every section the
     * rule cites (§4.2 is item 2 of section 4), each with the anchor of its section heading.
     */
    references: (SourceLocation & { section: string; anchor: string })[];
  };
  /** For an opcode query: the opcode and its disassembly. */
  opcode?: { hex: string; disassembly: string };
  /** Other lines whose bits match the opcode but lose to this one by `prefer:`. */
  alsoMatches?: string[];
}

interface IsaArgs {
  query: string[];
  json: boolean;
}

export const isaCommand: Command<IsaArgs> = {
  command: 'isa <query..>',
  describe: "Where an instruction lives: its isa/ line, handler, timing class and cost, by mnemonic or opcode",
  builder: (y) =>
    y
      .positional('query', {
        type: 'string', array: true, demandOption: true,
        describe: 'a mnemonic (SMLAD), a line name (LDR.imm.T3), or opcode halfwords in hex (0xf8d1 0x0004)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the matches as JSON' })
      .example('$0 isa SMLAD', 'every encoding of SMLAD')
      .example('$0 isa 0xf8d1 0x0004', 'the line that decodes LDR.W r0, [r1, #4]')
      .epilogue(exitCodesEpilogue('isa', '0 found (an unknown mnemonic is a usage error)')) as never,
  handler: async (args) => {
    const matches = findMatches(args.query.map(String));
    if (args.json) process.stdout.write(`${JSON.stringify(matches, null, 2)}\n`);
    else process.stdout.write(matches.map(formatMatch).join('\n'));
    return 0;
  },
};

/** All matches for the command's arguments: every argument hex (an opcode stream), or names. */
export function findMatches(query: string[]): IsaMatch[] {
  const decoder = thumbDecoder();
  const locator = new SourceLocator();
  const hex = query.filter((q) => /^0x[0-9a-f]+$/i.test(q));
  if (hex.length > 0 && hex.length < query.length) throw new UserError('give either opcodes (0x...) or mnemonics, not both');
  if (hex.length > 0) return opcodeMatches(decoder, locator, hex);
  return query.flatMap((q) => {
    const wanted = q.toUpperCase().replace(/\.[WN]$/, ''); // objdump's width qualifier: ldr.w is LDR
    const byName = decoder.entries.filter(({ entry }) => entry.name.toUpperCase() === wanted);
    const found = byName.length > 0 ? byName : decoder.entries.filter(({ entry }) => entry.mnemonic.toUpperCase() === wanted);
    if (found.length === 0) throw new UserError(`no isa/ line has the mnemonic or name '${q}' (mnemonics as objdump prints them: SMLAD, LDR, VADD)`);
    return found.map(({ entry }) => describeEntry(entry, locator));
  });
}

/** Halfwords (0x1234) or whole 32-bit opcodes (0xf8d10004), decoded one instruction after another. */
function opcodeMatches(decoder: Decoder, locator: SourceLocator, hex: string[]): IsaMatch[] {
  const halfwords: number[] = [];
  for (const h of hex) {
    const digits = h.length - 2;
    if (digits > 8) throw new UserError(`${h}: an opcode is one halfword (0x1234) or one 32-bit instruction (0xf8d10004)`);
    const v = parseInt(h, 16) >>> 0;
    if (digits > 4) halfwords.push(v >>> 16, v & 0xffff);
    else halfwords.push(v);
  }
  const bytes = Uint8Array.from(halfwords.flatMap((hw) => [hw & 0xff, hw >>> 8]));
  const decoded = disassemble(decoder, bytes, 0);
  const consumed = decoded.reduce((n, l) => n + l.size, 0);
  if (consumed < bytes.length) throw new UserError(`0x${hex4(halfwords[consumed / 2]!)} starts a 32-bit instruction: give its second halfword too`);
  const out: IsaMatch[] = [];
  for (const line of decoded) {
    const hw1 = line.size === 4 ? line.opcode >>> 16 : line.opcode;
    const hw2 = line.size === 4 ? line.opcode & 0xffff : 0;
    const opcodeHex = line.size === 4 ? `${hex4(hw1)} ${hex4(hw2)}` : hex4(hw1);
    const entry = decoder.entryFor(hw1, hw2);
    const disassembly = `${line.mnemonic} ${line.operands}`.trim();
    if (!entry) {
      out.push(undefinedMatch(opcodeHex));
      continue;
    }
    const others = decoder.entries
      .filter(({ entry: e }) => e !== entry && e.size === line.size && ((line.opcode & e.mask) >>> 0) === e.value)
      .map(({ entry: e }) => e.name);
    out.push({ ...describeEntry(entry, locator), opcode: { hex: opcodeHex, disassembly }, ...(others.length ? { alsoMatches: others } : {}) });
  }
  return out;
}

function undefinedMatch(opcodeHex: string): IsaMatch {
  return {
    name: 'UNDEFINED', mnemonic: 'UNDEFINED', isa: { file: 'isa/', line: 0, text: 'no isa/ line decodes this opcode' },
    handler: { name: '(none: UsageFault UNDEFINSTR)', location: null },
    timing: { class: '-', baseCycles: null, rule: null, classDefinition: null, costCode: [], references: [] },
    opcode: { hex: opcodeHex, disassembly: 'undefined' },
  };
}

function describeEntry(entry: IsaEntry, locator: SourceLocator): IsaMatch {
  const cls = TIMING_CLASSES.find((c) => c.name === entry.timing);
  return {
    name: entry.name,
    mnemonic: entry.mnemonic,
    isa: { file: entry.source, line: entry.line, text: locator.lineText(entry.source, entry.line) },
    handler: { name: entry.handler, location: locator.handler(entry.handler) },
    timing: {
      class: entry.timing,
      baseCycles: cls?.base ?? null,
      rule: cls?.rule ?? null,
      classDefinition: locator.find(TIMING_CLASSES_FILE, new RegExp(`name:\\s*'${entry.timing}'`))[0] ?? null,
      costCode: locator.costCode(constantName(entry.timing)),
      references: locator.timingReferences(entry.timing, cls?.rule ?? ''),
    },
  };
}

/** The cycle model's constant for a class: fpLd -> FP_LD. */
function constantName(timingClass: string): string {
  return timingClass.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

function where(l: SourceLocation | null): string {
  return l ? `${l.file}:${l.line}` : '(not found)';
}

export function formatMatch(m: IsaMatch): string {
  if (m.name === 'UNDEFINED') return `UNDEFINED  (${m.opcode!.hex}): no isa/ line decodes it; executing it raises UsageFault (UNDEFINSTR)\n`;
  const t = m.timing;
  const lines = [
    `${m.name}${m.opcode ? `  (${m.opcode.hex}: ${m.opcode.disassembly})` : ''}`,
    `  isa line   ${where(m.isa)}  ${m.isa.text}`,
    `  handler    ${m.handler.name}  ${where(m.handler.location)}`,
    `  timing     ${t.class}${t.baseCycles !== null ? `: ${t.baseCycles} cycle${t.baseCycles === 1 ? '' : 's'} at zero wait states` : ''}`,
  ];
  if (t.rule) lines.push(`             ${t.rule}`);
  if (t.classDefinition) lines.push(`             class: ${where(t.classDefinition)}`);
  if (t.costCode.length) lines.push(`             cycle model: ${t.costCode.map(where).join(', ')}`);
  for (const r of t.references) lines.push(`             ${r.section}: ${r.file}:${r.line} (${r.file}#${r.anchor})`);
  if (m.alsoMatches) lines.push(`  also matches (loses by prefer:) ${m.alsoMatches.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Reads repository sources once and finds definitions in them. */
class SourceLocator {
  private readonly texts = new Map<string, string[]>();
  private handlers: Map<string, SourceLocation> | undefined;

  lines(file: string): string[] {
    let l = this.texts.get(file);
    if (l === undefined) {
      const path = join(REPO, file);
      l = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
      this.texts.set(file, l);
    }
    return l;
  }

  lineText(file: string, line: number): string {
    return (this.lines(file)[line - 1] ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Every line of `file` matching `pattern`. */
  find(file: string, pattern: RegExp): SourceLocation[] {
    const out: SourceLocation[] = [];
    this.lines(file).forEach((text, k) => { if (pattern.test(text)) out.push({ file, line: k + 1 }); });
    return out;
  }

  /**
   * Where a class's constant picks code in the cycle model or a timing module: `case FP_DIV:` and
   * `cls === FP_DIV`, in the cycle model first, then the modules of src/cpu/timing/ by name.
   */
  costCode(constant: string): SourceLocation[] {
    const files = [CYCLE_MODEL_FILE, ...typeScriptFiles(join(REPO, TIMING_DIR)).map((f) => relative(REPO, f).split('\\').join('/')).sort()];
    const pattern = new RegExp(`\\bcase\\s+${constant}\\s*:|\\bcls\\s*===\\s*${constant}\\b`);
    return files.flatMap((file) => this.find(file, pattern));
  }

  /**
   * Where a handler is defined: `const name` / `function name` first, else a `name: (` property,
   * else the line that builds the name from a template (`${prefix}add8` for sadd8, uqadd8 ...).
   */
  handler(name: string): SourceLocation | null {
    if (this.handlers === undefined) {
      const definitions = new Map<string, SourceLocation>();
      const properties = new Map<string, SourceLocation>();
      const templates: { tail: string; at: SourceLocation }[] = [];
      for (const file of typeScriptFiles(join(REPO, HANDLERS_DIR))) {
        const rel = relative(REPO, file).split('\\').join('/');
        this.lines(rel).forEach((text, k) => {
          const d = /^\s*(?:export\s+)?(?:const|function)\s+([A-Za-z_$][\w$]*)/.exec(text);
          if (d && !definitions.has(d[1]!)) definitions.set(d[1]!, { file: rel, line: k + 1 });
          const p = /^\s+([A-Za-z_$][\w$]*)\s*(?::\s*(?:\(|function\b|async\b)|\()/.exec(text);
          if (p && !properties.has(p[1]!)) properties.set(p[1]!, { file: rel, line: k + 1 });
          for (const t of text.matchAll(/`\$\{\w+\}(\w{3,})`/g)) templates.push({ tail: t[1]!, at: { file: rel, line: k + 1 } });
        });
      }
      this.handlers = new Map([...properties, ...definitions]);
      this.templates = templates.sort((a, b) => b.tail.length - a.tail.length);
    }
    return this.handlers.get(name) ?? this.templates.find((t) => name.endsWith(t.tail))?.at ?? null;
  }

  private templates: { tail: string; at: SourceLocation }[] = [];

  /** The class's row in isa/TIMING.md and the sections its rule cites (`TIMING.md §4.2`). */
  timingReferences(timingClass: string, rule: string): (SourceLocation & { section: string; anchor: string })[] {
    const lines = this.lines(TIMING_DOC);
    const headingAbove = (k: number): string => {
      for (let h = k; h >= 0; h--) if (/^#+\s/.test(lines[h]!)) return githubAnchor(lines[h]!.replace(/^#+\s*/, ''));
      return '';
    };
    const out: (SourceLocation & { section: string; anchor: string })[] = [];
    const row = lines.findIndex((l) => l.startsWith('|') && l.includes(`\`${timingClass}\``));
    if (row >= 0) out.push({ file: TIMING_DOC, line: row + 1, section: 'class table', anchor: headingAbove(row) });
    for (const [cited, section, item] of rule.matchAll(/§(\d+)(?:\.(\d+))?/g)) {
      const start = lines.findIndex((l) => new RegExp(`^#+\\s+${section}\\.\\s`).test(l));
      if (start < 0 || out.some((r) => r.section === cited)) continue;
      const anchor = githubAnchor(lines[start]!.replace(/^#+\s*/, ''));
      if (item === undefined && out.some((r) => r.anchor === anchor)) continue; // the class row's own section
      let line = start;
      if (item !== undefined) {
        for (let k = start + 1; k < lines.length && !/^#+\s/.test(lines[k]!); k++) {
          if (new RegExp(`^${item}\\.\\s`).test(lines[k]!)) { line = k; break; }
        }
      }
      out.push({ file: TIMING_DOC, line: line + 1, section: cited, anchor });
    }
    return out;
  }
}

/** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
export function githubAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function typeScriptFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? typeScriptFiles(path) : e.name.endsWith('.ts') ? [path] : [];
  });
}

