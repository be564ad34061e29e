/**
 * SDIV/UDIV early termination. The TRM (DDI 0439D Table 3-1 note) only says "2 to 12 cycles,
 * depending on the values of the input operands" without a formula; the rule here is the one public
 * DWT measurements on Cortex-M4 silicon give (isa/TIMING.md §6, with its sources): the sign is
 * ignored; 2 cycles when either operand is 0; 3 when the dividend has fewer significant bits than
 * the divisor; otherwise 5 + floor((bits(dividend) - bits(divisor)) / 4), which tops out at 12.
 */

/** Significant bits of |x| for a 32-bit value read as signed (sdiv) or unsigned (udiv). */
function magnitudeBits(x: number, signed: boolean): number {
  const v = signed && (x | 0) < 0 ? -(x | 0) >>> 0 : x >>> 0;
  return 32 - Math.clz32(v);
}

export function divideCycles(dividend: number, divisor: number, signed: boolean): number {
  if (dividend === 0 || divisor === 0) return 2;
  const a = magnitudeBits(dividend, signed);
  const b = magnitudeBits(divisor, signed);
  if (a < b) return 3;
  return Math.min(12, 5 + ((a - b) >>> 2));
}
