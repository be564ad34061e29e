/**
 * The FP library on hand-derived bit patterns (ARMv7-M ARM DDI 0403E §A2.5 pseudo-code worked by
 * hand): rounding ties in every mode, overflow to infinity or the largest normal, tininess before
 * rounding, flush-to-zero of inputs and outputs, NaN selection and quieting, default NaN, exact-zero
 * signs, and fused versus chained multiply-add.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fpAdd, fpCompare, fpDiv, fpMul, fpMulAdd, fpSqrt, fpSub } from '../../../src/cpu/fp/arith.js';
import { fpStatus } from '../../../src/cpu/fp/fpscr.js';

const RN = 0 << 22;
const RP = 1 << 22;
const RM = 2 << 22;
const RZ = 3 << 22;
const FZ = 1 << 24;
const DN = 1 << 25;
const IOC = 1;
const DZC = 2;
const OFC = 4;
const UFC = 8;
const IXC = 16;
const IDC = 0x80;

/** Runs an operation and returns [result bits, flags raised]. */
function run(f: () => number): [number, number] {
  fpStatus.flags = 0;
  const r = f() >>> 0;
  const flags = fpStatus.flags;
  fpStatus.flags = 0;
  return [r, flags];
}

beforeEach(() => { fpStatus.flags = 0; });

describe('rounding of sums (1 + 2^-24 is a tie between 1.0 and 1 + 2^-23)', () => {
  it.each([
    ['RN', RN, 0x3f800000, 0xbf800000],
    ['RP', RP, 0x3f800001, 0xbf800000],
    ['RM', RM, 0x3f800000, 0xbf800001],
    ['RZ', RZ, 0x3f800000, 0xbf800000],
  ])('%s: both ties rounded by the mode, IXC', (_name, mode, pos, neg) => {
    expect(run(() => fpAdd(0x3f800000, 0x33800000, mode))).toEqual([pos, IXC]);
    expect(run(() => fpAdd(0xbf800000, 0xb3800000, mode))).toEqual([neg, IXC]);
  });
  it('ties to even upwards when the lower neighbour is odd', () => {
    expect(run(() => fpAdd(0x3f800001, 0x33800000, RN))).toEqual([0x3f800002, IXC]);
  });
  it('an exact zero sum is +0, or -0 when rounding towards minus infinity; -0 + -0 = -0', () => {
    expect(run(() => fpAdd(0x3f800000, 0xbf800000, RN))).toEqual([0x00000000, 0]);
    expect(run(() => fpAdd(0x3f800000, 0xbf800000, RM))).toEqual([0x80000000, 0]);
    expect(run(() => fpSub(0x3f800000, 0x3f800000, RP))).toEqual([0x00000000, 0]);
    expect(run(() => fpAdd(0x80000000, 0x80000000, RN))).toEqual([0x80000000, 0]);
  });
});

describe('overflow', () => {
  it.each([
    ['RN', RN, 0x7f800000, 0xff800000],
    ['RP', RP, 0x7f800000, 0xff7fffff],
    ['RM', RM, 0x7f7fffff, 0xff800000],
    ['RZ', RZ, 0x7f7fffff, 0xff7fffff],
  ])('%s: MAX + MAX and -MAX - MAX give infinity or MAX by mode, with OFC and IXC', (_name, mode, pos, neg) => {
    expect(run(() => fpAdd(0x7f7fffff, 0x7f7fffff, mode))).toEqual([pos, OFC | IXC]);
    expect(run(() => fpAdd(0xff7fffff, 0xff7fffff, mode))).toEqual([neg, OFC | IXC]);
  });
  it('MAX + half an ulp overflows in RN (tie to even goes up) but is only inexact in RZ', () => {
    expect(run(() => fpAdd(0x7f7fffff, 0x73000000, RN))).toEqual([0x7f800000, OFC | IXC]);
    expect(run(() => fpAdd(0x7f7fffff, 0x73000000, RZ))).toEqual([0x7f7fffff, IXC]);
  });
});

describe('underflow: tininess before rounding, flush to zero', () => {
  it('an exact denormal result raises nothing; FZ flushes it with UFC only', () => {
    expect(run(() => fpMul(0x00800000, 0x3f000000, RN))).toEqual([0x00400000, 0]);
    expect(run(() => fpMul(0x00800000, 0x3f000000, RN | FZ))).toEqual([0x00000000, UFC]);
    expect(run(() => fpMul(0x80800000, 0x3f000000, RN | FZ))).toEqual([0x80000000, UFC]);
  });
  it('2^-126 * (1 - 2^-24) is tiny before rounding: UFC even when it rounds up to the smallest normal', () => {
    expect(run(() => fpMul(0x00800000, 0x3f7fffff, RN))).toEqual([0x00800000, UFC | IXC]);
    expect(run(() => fpMul(0x00800000, 0x3f7fffff, RZ))).toEqual([0x007fffff, UFC | IXC]);
    expect(run(() => fpMul(0x00800000, 0x3f7fffff, RN | FZ))).toEqual([0x00000000, UFC]);
  });
  it('2^-150 is a tie between 0 and the smallest denormal', () => {
    expect(run(() => fpMul(0x00000001, 0x3f000000, RN))).toEqual([0x00000000, UFC | IXC]);
    expect(run(() => fpMul(0x00000001, 0x3f000000, RP))).toEqual([0x00000001, UFC | IXC]);
    expect(run(() => fpMul(0x80000001, 0x3f000000, RM))).toEqual([0x80000001, UFC | IXC]);
  });
  it('FZ treats denormal inputs as zeros of the same sign and raises IDC', () => {
    expect(run(() => fpAdd(0x00000001, 0x3f800000, RN | FZ))).toEqual([0x3f800000, IDC]);
    expect(run(() => fpAdd(0x80000001, 0x80000000, RN | FZ))).toEqual([0x80000000, IDC]);
    expect(run(() => fpAdd(0x00000001, 0x3f800000, RN))).toEqual([0x3f800000, IXC]);
  });
});

describe('NaNs', () => {
  it('the first signalling NaN wins and is quieted with IOC; else the first quiet NaN', () => {
    expect(run(() => fpAdd(0x7f800001, 0x7fc00002, RN))).toEqual([0x7fc00001, IOC]);
    expect(run(() => fpAdd(0x7fc00002, 0xff800003, RN))).toEqual([0xffc00003, IOC]);
    expect(run(() => fpAdd(0x7fc00002, 0x7fc00003, RN))).toEqual([0x7fc00002, 0]);
    expect(run(() => fpMul(0x3f800000, 0xffc12345, RN))).toEqual([0xffc12345, 0]);
  });
  it('DN replaces every NaN result with 0x7FC00000', () => {
    expect(run(() => fpAdd(0x7f800001, 0x3f800000, RN | DN))).toEqual([0x7fc00000, IOC]);
    expect(run(() => fpDiv(0xffc00005, 0x3f800000, RN | DN))).toEqual([0x7fc00000, 0]);
  });
  it('VSUB propagates a NaN second operand without negating it', () => {
    expect(run(() => fpSub(0x3f800000, 0x7fc00005, RN))).toEqual([0x7fc00005, 0]);
  });
  it('invalid operations give the default NaN with IOC; x/0 gives infinity with DZC', () => {
    expect(run(() => fpAdd(0x7f800000, 0xff800000, RN))).toEqual([0x7fc00000, IOC]);
    expect(run(() => fpMul(0x00000000, 0xff800000, RN))).toEqual([0x7fc00000, IOC]);
    expect(run(() => fpDiv(0x00000000, 0x80000000, RN))).toEqual([0x7fc00000, IOC]);
    expect(run(() => fpDiv(0xbf800000, 0x00000000, RN))).toEqual([0xff800000, DZC]);
    expect(run(() => fpDiv(0x7f800000, 0x00000000, RN))).toEqual([0x7f800000, 0]);
    expect(run(() => fpSqrt(0xbf800000, RN))).toEqual([0x7fc00000, IOC]);
    expect(run(() => fpSqrt(0x80000000, RN))).toEqual([0x80000000, 0]);
  });
  it('fused multiply-add: inf * 0 with a quiet NaN addend is the default NaN with IOC', () => {
    expect(run(() => fpMulAdd(0x7fc00007, 0x7f800000, 0x00000000, RN))).toEqual([0x7fc00000, IOC]);
    expect(run(() => fpMulAdd(0x7fc00007, 0x3f800000, 0x7f800001, RN))).toEqual([0x7fc00001, IOC]);
  });
});

describe('multiply-add rounds once', () => {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: rounded on its own it ties to 1 + 2^-11.
  it('-1 + (1 + 2^-12)^2 = 2^-11 + 2^-24 exactly when fused', () => {
    expect(run(() => fpMulAdd(0xbf800000, 0x3f800800, 0x3f800800, RN))).toEqual([0x3a000400, 0]);
  });
  it('and 2^-11 when the product is rounded first (what VMLA does)', () => {
    const [product, flags] = run(() => fpMul(0x3f800800, 0x3f800800, RN));
    expect([product, flags]).toEqual([0x3f801000, IXC]);
    expect(run(() => fpAdd(0xbf800000, product, RN))).toEqual([0x3a000000, 0]);
  });
});

describe('square root and division, correctly rounded', () => {
  it('sqrt(2) in every mode', () => {
    // sqrt(2) = 1.0110101000001001111001100110011111110011101111... -> 0x3fb504f3 (RN and RZ/RM), 0x3fb504f4 (RP)
    expect(run(() => fpSqrt(0x40000000, RN))).toEqual([0x3fb504f3, IXC]);
    expect(run(() => fpSqrt(0x40000000, RZ))).toEqual([0x3fb504f3, IXC]);
    expect(run(() => fpSqrt(0x40000000, RP))).toEqual([0x3fb504f4, IXC]);
    expect(run(() => fpSqrt(0x40800000, RP))).toEqual([0x40000000, 0]);
  });
  it('1/3 = 0x3eaaaaaa.aaa.. rounds up in RN, down in RZ; -1/3 rounds away in RM', () => {
    expect(run(() => fpDiv(0x3f800000, 0x40400000, RN))).toEqual([0x3eaaaaab, IXC]);
    expect(run(() => fpDiv(0x3f800000, 0x40400000, RZ))).toEqual([0x3eaaaaaa, IXC]);
    expect(run(() => fpDiv(0xbf800000, 0x40400000, RM))).toEqual([0xbeaaaaab, IXC]);
    expect(run(() => fpDiv(0x40c00000, 0x40400000, RP))).toEqual([0x40000000, 0]);
  });
});

describe('compare', () => {
  it('gives NZCV and raises IOC for signalling NaNs, and for quiet NaNs only with VCMPE', () => {
    expect(run(() => fpCompare(0x3f800000, 0x40000000, false, RN))).toEqual([0b1000, 0]);
    expect(run(() => fpCompare(0x80000000, 0x00000000, false, RN))).toEqual([0b0110, 0]);
    expect(run(() => fpCompare(0x7f800000, 0x7f7fffff, false, RN))).toEqual([0b0010, 0]);
    expect(run(() => fpCompare(0x7fc00000, 0x3f800000, false, RN))).toEqual([0b0011, 0]);
    expect(run(() => fpCompare(0x7fc00000, 0x3f800000, true, RN))).toEqual([0b0011, IOC]);
    expect(run(() => fpCompare(0x3f800000, 0x7f800001, false, RN))).toEqual([0b0011, IOC]);
    expect(run(() => fpCompare(0x00000001, 0x00000000, false, RN | FZ))).toEqual([0b0110, IDC]);
  });
});
