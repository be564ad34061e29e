/**
 * Conversions on hand-derived values (ARMv7-M ARM DDI 0403E FPToFixed, FixedToFP, FPSingleToHalf,
 * FPHalfToSingle): rounding per mode, saturation of out-of-range values, infinities and NaNs with
 * IOC, fixed-point scaling and 16-bit sign extension, half-precision overflow, denormals, AHP, DN.
 */
import { describe, expect, it } from 'vitest';
import { fixedToFp, fpToFixed, halfToSingle, singleToHalf } from '../../../src/cpu/fp/convert.js';
import { fpStatus } from '../../../src/cpu/fp/fpscr.js';

const RN = 0 << 22;
const RP = 1 << 22;
const RM = 2 << 22;
const RZ = 3 << 22;
const FZ = 1 << 24;
const DN = 1 << 25;
const AHP = 1 << 26;
const IOC = 1;
const OFC = 4;
const UFC = 8;
const IXC = 16;
const IDC = 0x80;

function run(f: () => number): [number, number] {
  fpStatus.flags = 0;
  const r = f() >>> 0;
  const flags = fpStatus.flags;
  fpStatus.flags = 0;
  return [r, flags];
}

const toS32 = (bits: number, fpscr: number, roundZero = false) => run(() => fpToFixed(bits, 32, 0, false, roundZero, fpscr));
const toU32 = (bits: number, fpscr: number, roundZero = false) => run(() => fpToFixed(bits, 32, 0, true, roundZero, fpscr));

describe('float -> integer', () => {
  it('VCVT rounds towards zero whatever FPSCR says', () => {
    expect(toS32(0x40200000, RN, true)).toEqual([2, IXC]); // 2.5
    expect(toS32(0xc0200000, RP, true)).toEqual([0xfffffffe, IXC]); // -2.5
  });
  it.each([
    ['RN', RN, 2, 4, 0xfffffffe],
    ['RP', RP, 3, 4, 0xfffffffe],
    ['RM', RM, 2, 3, 0xfffffffd],
    ['RZ', RZ, 2, 3, 0xfffffffe],
  ])('VCVTR in %s: 2.5, 3.5, -2.5', (_name, mode, a, b, c) => {
    expect(toS32(0x40200000, mode)).toEqual([a, IXC]);
    expect(toS32(0x40600000, mode)).toEqual([b, IXC]);
    expect(toS32(0xc0200000, mode)).toEqual([c, IXC]);
  });
  it('saturates out-of-range values and infinities with IOC only; NaN gives 0 with IOC', () => {
    expect(toS32(0x4f000000, RN)).toEqual([0x7fffffff, IOC]); // 2^31
    expect(toS32(0xcf000000, RN)).toEqual([0x80000000, 0]); // -2^31 fits
    expect(toS32(0xcf000001, RN)).toEqual([0x80000000, IOC]);
    expect(toS32(0xff800000, RN)).toEqual([0x80000000, IOC]);
    expect(toS32(0x7fc00000, RN)).toEqual([0, IOC]);
    expect(toS32(0xff800001, RN)).toEqual([0, IOC]);
    expect(toU32(0x4f800000, RN)).toEqual([0xffffffff, IOC]); // 2^32
    expect(toU32(0x4f7fffff, RN)).toEqual([0xffffff00, 0]);
    expect(toU32(0xbf800000, RN, true)).toEqual([0, IOC]); // -1.0
    expect(toU32(0xbf000000, RN, true)).toEqual([0, IXC]); // -0.5 truncates to 0: only inexact
    expect(toU32(0xbf000000, RM)).toEqual([0, IOC]); // -0.5 rounds to -1 in RM
  });
  it('a denormal input is 0 with IDC under FZ, else inexact', () => {
    expect(toS32(0x80000001, RM | FZ)).toEqual([0, IDC]);
    expect(toS32(0x80000001, RM)).toEqual([0xffffffff, IXC]);
  });
});

describe('fixed point', () => {
  it('scales by 2^fbits, saturates to 16 bits and sign-extends', () => {
    expect(run(() => fpToFixed(0x3fc00000, 16, 8, false, true, RN))).toEqual([0x180, 0]); // 1.5 -> 384
    expect(run(() => fpToFixed(0x43480000, 16, 8, false, true, RN))).toEqual([0x7fff, IOC]); // 200
    expect(run(() => fpToFixed(0xc3480000, 16, 8, false, true, RN))).toEqual([0xffff8000, IOC]); // -200
    expect(run(() => fpToFixed(0x477fff80, 16, 0, true, true, RN))).toEqual([0xffff, IXC]); // 65535.5
    expect(run(() => fpToFixed(0x3f000000, 32, 32, true, true, RN))).toEqual([0x80000000, 0]); // 0.5 * 2^32
  });
  it('reads only the low 16 bits of a 16-bit operand', () => {
    expect(run(() => fixedToFp(0x0000ff80, 16, 8, false, RN))).toEqual([0xbf000000, 0]); // -128 / 256
    expect(run(() => fixedToFp(0x1234ff80, 16, 8, false, RN))).toEqual([0xbf000000, 0]);
    expect(run(() => fixedToFp(0x1234ff80, 16, 8, true, RN))).toEqual([0x437f8000, 0]); // 65408 / 256 = 255.5
  });
  it('integer -> float rounds by the mode passed in: 0xffffffff as unsigned', () => {
    expect(run(() => fixedToFp(0xffffffff, 32, 0, true, RN))).toEqual([0x4f800000, IXC]);
    expect(run(() => fixedToFp(0xffffffff, 32, 0, true, RZ))).toEqual([0x4f7fffff, IXC]);
    expect(run(() => fixedToFp(0xffffffff, 32, 0, false, RN))).toEqual([0xbf800000, 0]);
    expect(run(() => fixedToFp(0xffffffff, 32, 32, true, RN))).toEqual([0x3f800000, IXC]); // 1 - 2^-32
  });
});

describe('single -> half', () => {
  it('rounds, overflows to infinity or 0x7BFF by mode', () => {
    expect(run(() => singleToHalf(0x3f800000, RN))).toEqual([0x3c00, 0]);
    expect(run(() => singleToHalf(0x477ff000, RN))).toEqual([0x7c00, OFC | IXC]); // 65520: tie, even is up
    expect(run(() => singleToHalf(0x477ff000, RZ))).toEqual([0x7bff, IXC]);
    expect(run(() => singleToHalf(0xc77ff000, RP))).toEqual([0xfbff, IXC]);
    expect(run(() => singleToHalf(0x7f800000, RN))).toEqual([0x7c00, 0]);
  });
  it('denormal halves: 2^-24 is exact, 2^-25 ties to 0 with UFC; FZ does not flush half results', () => {
    expect(run(() => singleToHalf(0x33800000, RN | FZ))).toEqual([0x0001, 0]);
    expect(run(() => singleToHalf(0x33000000, RN))).toEqual([0x0000, UFC | IXC]);
    expect(run(() => singleToHalf(0x33000000, RP))).toEqual([0x0001, UFC | IXC]);
  });
  it('keeps the NaN payload bits 21:13, quiets with IOC, or gives the half default NaN under DN', () => {
    expect(run(() => singleToHalf(0x7fc12345, RN))).toEqual([0x7e09, 0]);
    expect(run(() => singleToHalf(0xff812345, RN))).toEqual([0xfe09, IOC]);
    expect(run(() => singleToHalf(0xff812345, RN | DN))).toEqual([0x7e00, IOC]);
  });
  it('AHP: exponent 31 is a normal binade, infinities saturate and NaNs become zero, both with IOC', () => {
    expect(run(() => singleToHalf(0x477ff000, RN | AHP))).toEqual([0x7c00, IXC]); // 65536 in AHP
    // 131040 is a tie between 131008 (0x7FFF, odd) and 2^17: RN goes up and saturates (IOC, no IXC); RZ stays.
    expect(run(() => singleToHalf(0x47fff000, RN | AHP))).toEqual([0x7fff, IOC]);
    expect(run(() => singleToHalf(0x47fff000, RZ | AHP))).toEqual([0x7fff, IXC]);
    expect(run(() => singleToHalf(0x48000000, RN | AHP))).toEqual([0x7fff, IOC]); // 131072 does not fit
    expect(run(() => singleToHalf(0xff800000, RN | AHP))).toEqual([0xffff, IOC]);
    expect(run(() => singleToHalf(0xffc00000, RN | AHP))).toEqual([0x8000, IOC]);
  });
});

describe('half -> single', () => {
  it('is exact, never flushed, and quiets signalling NaNs with IOC', () => {
    expect(run(() => halfToSingle(0x0001, RN | FZ))).toEqual([0x33800000, 0]);
    expect(run(() => halfToSingle(0xfc00, RN))).toEqual([0xff800000, 0]);
    expect(run(() => halfToSingle(0x7d00, RN))).toEqual([0x7fe00000, IOC]);
    expect(run(() => halfToSingle(0x7e01, RN | DN))).toEqual([0x7fc00000, 0]);
    expect(run(() => halfToSingle(0x7c00, RN | AHP))).toEqual([0x47800000, 0]); // 65536
  });
});
