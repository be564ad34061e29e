/**
 * Parser for the instruction-set description in isa/*.isa (STYLE.md §1).
 *
 * One line per encoding, as the Arm ARM (DDI 0403E) draws it:
 *
 *   # mnemonic enc  bits (MSB first, `|` between halfwords)                 handler  timing  attributes
 *   ADDS       T1   0001 110 imm3:3 Rn:3 Rd:3                             addImm   alu     imm=ZeroExtend(imm3) setflags=!InITBlock
 *   ADD        T3   11110 i:1 0 1000 S:1 Rn:4 | 0 imm3:3 Rd:4 imm8:8        addImm   alu     imm=ThumbExpandImm(i:imm3:imm8) setflags=S prefer:CMN
 *
 * Names: the `enc` column is the ARM ARM's encoding (T1, T2 ...), preceded by the instruction form
 * (`imm.T1`, `reg.T1`, `lit.T1`, `sp.T1` ...) where one mnemonic has several lines with the same
 * encoding number (the ARM ARM's "ADD (immediate)" and "ADD (register)" sections both have a T1), so
 * that `MNEMONIC.enc` (ADD.imm.T1, SDIV.T1) names exactly one line; the loader refuses a repeated name.
 *
 * Bits: runs of 0/1 are fixed bits; `Name:width` is a field; `(0)` / `(1)` are "should be" bits
 * (UNPREDICTABLE when wrong; we do not match on them, as QEMU does not). Every bit must be fixed, a
 * field or a should-be bit, and the total must be 16 or 32 (with `|` after bit 16 of a 32-bit one).
 *
 * Attributes fill the slots of `Insn` (src/cpu/insn.ts) with the ARM ARM's "decode" step:
 *   key=EXPR  with key one of d n m a t t2 dLo dHi imm imm2 setflags carry shiftType shiftN list index
 *             add wback cond op, or one of the named choices of src/cpu/insn.ts (access wide nonzero
 *             disable msrMask coprocT2 swap round nTop mTop double toCore signalNan signed roundZero
 *             toFixed size32 toHalf topHalf): one meaning each. EXPR concatenates terms with `:` (as the ARM ARM does): a field name,
 *             a quoted bit string '00', a decimal constant, or a call of a named function from
 *             src/cpu/isa-functions.ts (ZeroExtend, SignExtend, ThumbExpandImm, DecodeImmShiftType,
 *             Not, Xor ...). `setflags=!InITBlock` is the run-time rule of the 16-bit encodings.
 *   Defaults when no attribute says otherwise: Rd->d, Rdn->d and n, Rn->n, Rm->m, Ra->a, Rt->t,
 *             Rt2->t2, RdLo->dLo, RdHi->dHi, register_list->list, cond->cond.
 *   prefer:NAME  where this encoding and NAME (a mnemonic, or MNEMONIC.ENC) both match an opcode,
 *             NAME wins. Any overlap not declared this way is a load error.
 * `#` starts a comment: quirks are documented there, on the line they concern.
 */

export interface FieldSpec {
  name: string;
  /** Bit position of the field's least significant bit within the 16- or 32-bit opcode. */
  lsb: number;
  width: number;
}

export interface IsaEntry {
  /** The line's unique name: MNEMONIC.enc (`ADD.imm.T1`, `SDIV.T1`). */
  name: string;
  mnemonic: string;
  /** The ARM ARM encoding (T1, T2 ...), without the form. */
  encoding: string;
  /** The form that tells lines with the same mnemonic and encoding apart (`imm`, `reg` ...), or ''. */
  form: string;
  size: 2 | 4;
  /** Fixed-bit mask and value over the whole opcode (hw1 << 16 | hw2 for 32-bit). */
  mask: number;
  value: number;
  fields: FieldSpec[];
  handler: string;
  timing: string;
  attributes: Map<string, string>;
  prefer: string[];
  source: string;
  line: number;
}

export class IsaFormatError extends Error {}

const SLOT_KEYS = new Set([
  'd', 'n', 'm', 'a', 't', 't2', 'dLo', 'dHi', 'imm', 'imm2', 'setflags', 'carry',
  'shiftType', 'shiftN', 'list', 'index', 'add', 'wback', 'cond', 'op',
  'access', 'wide', 'nonzero', 'disable', 'msrMask', 'coprocT2', 'swap', 'round', 'nTop', 'mTop', 'double', 'toCore',
  'signalNan', 'signed', 'roundZero', 'toFixed', 'size32', 'toHalf', 'topHalf',
]);

const FIELD_TOKEN = /^([A-Za-z_][A-Za-z0-9_]*):(\d+)$/;
const FIXED_TOKEN = /^[01]+$/;
const SHOULD_BE_TOKEN = /^\(([01])\)$/;

export function parseIsaText(text: string, source: string): IsaEntry[] {
  const entries: IsaEntry[] = [];
  const lines = text.split('\n');
  for (let lineNo = 1; lineNo <= lines.length; lineNo++) {
    const raw = lines[lineNo - 1]!;
    const hash = raw.indexOf('#');
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '') continue;
    entries.push(parseLine(body, source, lineNo));
  }
  return entries;
}

function parseLine(body: string, source: string, line: number): IsaEntry {
  const where = `${source}:${line}`;
  const tokens = body.split(/\s+/);
  if (tokens.length < 5) throw new IsaFormatError(`${where}: expected "mnemonic enc bits handler timing"`);
  const mnemonic = tokens[0]!;
  const encodingColumn = tokens[1]!;
  const dot = encodingColumn.lastIndexOf('.');
  const encoding = encodingColumn.slice(dot + 1);
  const form = dot < 0 ? '' : encodingColumn.slice(0, dot);
  if (!/^[A-Z]\d+$/.test(encoding) || (dot >= 0 && !/^[A-Za-z][A-Za-z0-9]*$/.test(form))) {
    throw new IsaFormatError(`${where}: encoding '${encodingColumn}' is not an encoding (T1) or form.encoding (imm.T1)`);
  }
  let mask = 0;
  let value = 0;
  let bits = 0;
  let sawBar = false;
  const fieldsMsbFirst: { name: string; startBit: number; width: number }[] = [];
  let k = 2;
  for (; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (tok === '|') {
      if (bits !== 16) throw new IsaFormatError(`${where}: '|' after ${bits} bits, expected after 16`);
      sawBar = true;
      continue;
    }
    let m: RegExpMatchArray | null;
    if (FIXED_TOKEN.test(tok)) {
      for (const ch of tok) {
        mask = mask * 2 + 1;
        value = value * 2 + (ch === '1' ? 1 : 0);
        bits++;
      }
    } else if ((m = tok.match(SHOULD_BE_TOKEN))) {
      mask = mask * 2;
      value = value * 2;
      bits++;
    } else if ((m = tok.match(FIELD_TOKEN))) {
      const width = Number(m[2]);
      if (width < 1 || width > 24) throw new IsaFormatError(`${where}: field ${tok} has a bad width`);
      fieldsMsbFirst.push({ name: m[1]!, startBit: bits, width });
      mask = mask * 2 ** width;
      value = value * 2 ** width;
      bits += width;
    } else {
      break;
    }
  }
  if (bits !== 16 && bits !== 32) throw new IsaFormatError(`${where}: ${bits} bits, expected 16 or 32`);
  if (bits === 32 && !sawBar) throw new IsaFormatError(`${where}: 32-bit encoding without '|' between halfwords`);
  const handler = tokens[k++];
  const timing = tokens[k++];
  if (!handler || !timing || /[:=]/.test(handler) || /[:=]/.test(timing)) {
    throw new IsaFormatError(`${where}: expected handler and timing class after the bits`);
  }
  const attributes = new Map<string, string>();
  const prefer: string[] = [];
  for (; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (tok.startsWith('prefer:')) {
      prefer.push(...tok.slice(7).split(',').filter(Boolean));
      continue;
    }
    const eq = tok.indexOf('=');
    if (eq <= 0) throw new IsaFormatError(`${where}: unexpected token '${tok}'`);
    const key = tok.slice(0, eq);
    if (!SLOT_KEYS.has(key)) throw new IsaFormatError(`${where}: unknown attribute '${key}'`);
    if (attributes.has(key)) throw new IsaFormatError(`${where}: attribute '${key}' given twice`);
    attributes.set(key, tok.slice(eq + 1));
  }
  const seen = new Set<string>();
  const fields: FieldSpec[] = fieldsMsbFirst.map((f) => {
    if (seen.has(f.name)) throw new IsaFormatError(`${where}: field '${f.name}' appears twice`);
    seen.add(f.name);
    return { name: f.name, width: f.width, lsb: bits - f.startBit - f.width };
  });
  return {
    name: `${mnemonic}.${encodingColumn}`, mnemonic, encoding, form, size: bits === 16 ? 2 : 4,
    mask: mask >>> 0, value: value >>> 0, fields, handler, timing, attributes, prefer,
    source, line,
  };
}
