/**
 * Shared ALU pseudo-code of the Arm ARM (DDI 0403E A2.2, A7.4): AddWithCarry, Shift_C,
 * saturation. Multi-result functions return the value and leave the extra outputs in the exported
 * `aluOut` scratch record (no allocation per instruction).
 */
export const aluOut = { carry: 0, overflow: 0, saturated: 0 };

/** AddWithCarry(x, y, carry_in): returns the 32-bit result; aluOut.carry/overflow hold C and V. */
export function addWithCarry(x: number, y: number, carryIn: number): number {
  const unsignedSum = (x >>> 0) + (y >>> 0) + carryIn;
  const result = unsignedSum >>> 0;
  aluOut.carry = unsignedSum > 0xffffffff ? 1 : 0;
  const signedSum = (x | 0) + (y | 0) + carryIn;
  aluOut.overflow = (result | 0) === signedSum ? 0 : 1;
  return result;
}

export const SRTYPE_LSL = 0;
export const SRTYPE_LSR = 1;
export const SRTYPE_ASR = 2;
export const SRTYPE_ROR = 3;
export const SRTYPE_RRX = 4;

/** Shift_C(value, type, amount, carry_in): the result; aluOut.carry holds the carry out. */
export function shiftC(value: number, type: number, amount: number, carryIn: number): number {
  value >>>= 0;
  if (amount === 0 && type !== SRTYPE_RRX) {
    aluOut.carry = carryIn;
    return value;
  }
  switch (type) {
    case SRTYPE_LSL:
      if (amount > 32) { aluOut.carry = 0; return 0; }
      aluOut.carry = amount === 32 ? value & 1 : (value >>> (32 - amount)) & 1;
      return amount === 32 ? 0 : (value << amount) >>> 0;
    case SRTYPE_LSR:
      if (amount > 32) { aluOut.carry = 0; return 0; }
      aluOut.carry = (value >>> (amount - 1)) & 1;
      return amount === 32 ? 0 : value >>> amount;
    case SRTYPE_ASR:
      if (amount >= 32) { aluOut.carry = value >>> 31; return (value | 0) >> 31 >>> 0; }
      aluOut.carry = (value >>> (amount - 1)) & 1;
      return ((value | 0) >> amount) >>> 0;
    case SRTYPE_ROR: {
      const r = amount & 31;
      const result = r === 0 ? value : ((value >>> r) | (value << (32 - r))) >>> 0;
      aluOut.carry = result >>> 31;
      return result;
    }
    default: // RRX
      aluOut.carry = value & 1;
      return ((carryIn << 31) | (value >>> 1)) >>> 0;
  }
}

/** Shift(value, type, amount, carry_in) without the carry. */
export function shift(value: number, type: number, amount: number, carryIn: number): number {
  return shiftC(value, type, amount, carryIn);
}

/** SignedSatQ(i, n): saturate to an n-bit signed range; aluOut.saturated = 1 when clipped. */
export function signedSat(i: number, n: number): number {
  const max = 2 ** (n - 1) - 1;
  const min = -(2 ** (n - 1));
  if (i > max) { aluOut.saturated = 1; return max; }
  if (i < min) { aluOut.saturated = 1; return min; }
  aluOut.saturated = 0;
  return i;
}

/** UnsignedSatQ(i, n): saturate to [0, 2^n - 1]; aluOut.saturated = 1 when clipped. */
export function unsignedSat(i: number, n: number): number {
  const max = 2 ** n - 1;
  if (i > max) { aluOut.saturated = 1; return max; }
  if (i < 0) { aluOut.saturated = 1; return 0; }
  aluOut.saturated = 0;
  return i;
}
