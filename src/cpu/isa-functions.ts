/**
 * The named helpers that isa/ attribute expressions may call: the Arm ARM (DDI 0403E) pseudo-code
 * functions of its "decode" steps, under the same names. Each takes (value, width) pairs and returns
 * a value with a width, so calls nest and concatenate like the ARM ARM's bit strings.
 */
export interface Bits {
  value: number;
  width: number;
}

export type IsaFunction = (...args: Bits[]) => Bits;

const u32 = (value: number): Bits => ({ value: value >>> 0, width: 32 });

/** ARM ARM A5.3.2 ThumbExpandImm_C: the value. */
export function thumbExpandImm(imm12: number): number {
  if ((imm12 >>> 10) === 0) {
    const imm8 = imm12 & 0xff;
    switch ((imm12 >>> 8) & 3) {
      case 0: return imm8;
      case 1: return ((imm8 << 16) | imm8) >>> 0;
      case 2: return ((imm8 << 24) | (imm8 << 8)) >>> 0;
      default: return ((imm8 << 24) | (imm8 << 16) | (imm8 << 8) | imm8) >>> 0;
    }
  }
  const unrotated = 0x80 | (imm12 & 0x7f);
  const rot = imm12 >>> 7;
  return ((unrotated >>> rot) | (unrotated << (32 - rot))) >>> 0;
}

/** ThumbExpandImm_C carry out: -1 when C is unchanged (the byte-pattern forms), else bit 31 of the result. */
export function thumbExpandImmCarry(imm12: number): number {
  if ((imm12 >>> 10) === 0) return -1;
  return thumbExpandImm(imm12) >>> 31;
}

/** ARM ARM A7.4.2 DecodeImmShift: SRType (0 LSL, 1 LSR, 2 ASR, 3 ROR, 4 RRX). */
export function decodeImmShiftType(type: number, imm5: number): number {
  return type === 3 && imm5 === 0 ? 4 : type;
}

/** DecodeImmShift: the shift amount (LSR/ASR #0 encode 32; RRX shifts by 1). */
export function decodeImmShiftN(type: number, imm5: number): number {
  if (type === 0) return imm5;
  if (type === 3) return imm5 === 0 ? 1 : imm5;
  return imm5 === 0 ? 32 : imm5;
}

export const isaFunctions: Record<string, IsaFunction> = {
  ZeroExtend: (x) => u32(x.value),
  UInt: (x) => ({ value: x.value, width: x.width }),
  SignExtend: (x) => u32(x.width >= 32 ? x.value : (x.value << (32 - x.width)) >> (32 - x.width)),
  ThumbExpandImm: (x) => u32(thumbExpandImm(x.value)),
  ThumbExpandImmCarry: (x) => ({ value: thumbExpandImmCarry(x.value), width: 32 }),
  DecodeImmShiftType: (t, imm) => ({ value: decodeImmShiftType(t.value, imm.value), width: 3 }),
  DecodeImmShiftN: (t, imm) => ({ value: decodeImmShiftN(t.value, imm.value), width: 6 }),
  Not: (x) => ({ value: ~x.value & (x.width >= 32 ? 0xffffffff : (1 << x.width) - 1), width: x.width }),
  Xor: (a, b) => ({ value: (a.value ^ b.value) >>> 0, width: Math.max(a.width, b.width) }),
  /** BitCount(x): number of ones (LDM/STM register counts). */
  BitCount: (x) => {
    let v = x.value >>> 0;
    let c = 0;
    while (v) { v &= v - 1; c++; }
    return { value: c, width: 6 };
  },
  /** Plus1(x): x + 1 (msb - lsb + 1 style widths, saturate_to = sat_imm + 1). */
  Plus1: (x) => ({ value: x.value + 1, width: x.width + 1 }),
  /** Times2 / Times4: the `imm8:'00'` scaling written as a function where it reads better. */
  Times4: (x) => u32(x.value * 4),
  /** VFPExpandImm (ARM ARM A6.4.1) for single precision: imm8 -> float32 bits. */
  VFPExpandImm32: (x) => {
    const imm8 = x.value & 0xff;
    const sign = imm8 >>> 7;
    const b6 = (imm8 >>> 6) & 1;
    const exp = ((b6 ^ 1) << 7) | (b6 ? 0x7c : 0) | ((imm8 >>> 4) & 3);
    return u32((sign << 31) | (exp << 23) | ((imm8 & 0xf) << 19));
  },
};

/** Bit(x, n): bit n of x, 1 bit wide (`registers<n>` in LDM T1's `wback = registers<n> == '0'`). */
isaFunctions.Bit = (x, n) => ({ value: (x.value >>> n.value) & 1, width: 1 });
