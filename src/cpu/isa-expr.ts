/**
 * Compiles an isa/ attribute expression (see isa-format.ts) into a function of the encoding's field
 * values. Compiled once when the tables are built; run once per decoded address.
 */
import type { FieldSpec } from './isa-format.js';
import { IsaFormatError } from './isa-format.js';
import { type Bits, isaFunctions } from './isa-functions.js';

export type FieldValues = Record<string, number>;
type Node = (f: FieldValues) => Bits;

export function compileExpr(expr: string, fields: FieldSpec[], where: string): (f: FieldValues) => number {
  const widths = new Map(fields.map((f) => [f.name, f.width]));
  let pos = 0;
  const fail = (msg: string): never => {
    throw new IsaFormatError(`${where}: ${msg} in '${expr}'`);
  };
  const peek = () => expr[pos];

  function parseConcat(): Node {
    const parts: Node[] = [parseTerm()];
    while (peek() === ':') {
      pos++;
      parts.push(parseTerm());
    }
    if (parts.length === 1) return parts[0]!;
    return (f) => {
      let value = 0;
      let width = 0;
      for (const p of parts) {
        const b = p(f);
        value = value * 2 ** b.width + (b.value % 2 ** b.width);
        width += b.width;
      }
      if (width > 32) fail(`concatenation wider than 32 bits`);
      return { value: value >>> 0, width };
    };
  }

  function parseTerm(): Node {
    const rest = expr.slice(pos);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^'([01]+)'/))) {
      pos += m[0].length;
      const bits = m[1]!;
      const b = { value: parseInt(bits, 2), width: bits.length };
      return () => b;
    }
    if ((m = rest.match(/^(\d+)/))) {
      pos += m[0].length;
      const b = { value: Number(m[1]), width: 32 };
      return () => b;
    }
    if ((m = rest.match(/^([A-Za-z_][A-Za-z0-9_]*)/))) {
      const name = m[1]!;
      pos += name.length;
      if (peek() === '(') {
        const fn = isaFunctions[name] ?? fail(`unknown function ${name}`);
        pos++;
        const args: Node[] = [parseConcat()];
        while (peek() === ',') {
          pos++;
          args.push(parseConcat());
        }
        if (peek() !== ')') fail(`missing ')'`);
        pos++;
        return (f) => fn(...args.map((a) => a(f)));
      }
      const width = widths.get(name) ?? fail(`unknown field ${name}`);
      return (f) => ({ value: f[name]!, width });
    }
    return fail(`unexpected '${rest}'`);
  }

  const root = parseConcat();
  if (pos !== expr.length) fail(`trailing '${expr.slice(pos)}'`);
  return (f) => root(f).value;
}
