/** Small helpers to write C source text: identifiers from layer names, array and string literals. */

/** `backbone.stage1.conv` -> `backbone_stage1_conv` (a valid C identifier, unique for our names). */
export function cIdentifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** Numbers as a C initialiser list, 16 per line. */
export function cArray(values: ArrayLike<number>, indent = '  ', perLine = 16): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) {
      const v = values[j]!;
      // INT32_MIN has no literal form in C: write it as an expression.
      row.push(v === -2147483648 ? '(-2147483647 - 1)' : String(v));
    }
    lines.push(indent + row.join(', ') + ',');
  }
  return lines.join('\n');
}

/** A C string literal of ASCII text (the layer table's names and types). */
export function cString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`C string: not printable ASCII: ${JSON.stringify(text)}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A float literal that reads back as the same float32 value. */
export function cFloat(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new Error(`C float: ${v} is not finite`);
  const s = f.toPrecision(9);
  return `${s.includes('e') || s.includes('.') ? s : `${s}.0`}f`;
}
