/**
 * DSP saturating arithmetic, ARM ARM DDI 0403E A7.7: QADD, QSUB, QDADD, QDSUB (SignedSatQ to 32 bits) and
 * SSAT16/USAT16 (each halfword saturated to i.imm2 bits). Saturation sets the sticky APSR.Q; nothing here
 * clears it. Sums are exact in doubles (|x| < 2^34) before saturating.
 */
import type { Cpu } from '../../cpu.js';
import type { Handler } from '../../insn.js';

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** SignedSatQ(x, 32): sets Q when x is out of range. */
function saturate32(cpu: Cpu, x: number): number {
  if (x > INT32_MAX) { cpu.q = 1; return INT32_MAX; }
  if (x < INT32_MIN) { cpu.q = 1; return INT32_MIN; }
  return x;
}

/** SignedSatQ(x, bits) of one halfword, as 16 result bits; sets Q when clipped. */
function signedSatHalf(cpu: Cpu, x: number, bits: number): number {
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  if (x > max) { cpu.q = 1; x = max; } else if (x < min) { cpu.q = 1; x = min; }
  return x & 0xffff;
}

/** UnsignedSatQ(x, bits) of one halfword, as 16 result bits; sets Q when clipped. */
function unsignedSatHalf(cpu: Cpu, x: number, bits: number): number {
  const max = 2 ** bits - 1;
  if (x > max) { cpu.q = 1; x = max; } else if (x < 0) { cpu.q = 1; x = 0; }
  return x & 0xffff;
}

export const saturateHandlers: Record<string, Handler> = {
  /** QADD: SignedSatQ(R[m] + R[n], 32). */
  qadd: (cpu, i) => {
    cpu.setReg(i.d, saturate32(cpu, (cpu.r[i.m]! | 0) + (cpu.r[i.n]! | 0)) >>> 0);
    return true;
  },
  /** QSUB: SignedSatQ(R[m] - R[n], 32). */
  qsub: (cpu, i) => {
    cpu.setReg(i.d, saturate32(cpu, (cpu.r[i.m]! | 0) - (cpu.r[i.n]! | 0)) >>> 0);
    return true;
  },
  /** QDADD: SignedSatQ(R[m] + SignedSatQ(2 * R[n], 32), 32); either saturation sets Q. */
  qdadd: (cpu, i) => {
    const doubled = saturate32(cpu, 2 * (cpu.r[i.n]! | 0));
    cpu.setReg(i.d, saturate32(cpu, (cpu.r[i.m]! | 0) + doubled) >>> 0);
    return true;
  },
  /** QDSUB: SignedSatQ(R[m] - SignedSatQ(2 * R[n], 32), 32). */
  qdsub: (cpu, i) => {
    const doubled = saturate32(cpu, 2 * (cpu.r[i.n]! | 0));
    cpu.setReg(i.d, saturate32(cpu, (cpu.r[i.m]! | 0) - doubled) >>> 0);
    return true;
  },
  /** SSAT16: both signed halfwords of R[n] saturated to saturate_to = i.imm2 (1..32) bits. */
  ssat16: (cpu, i) => {
    const x = cpu.r[i.n]!;
    const low = signedSatHalf(cpu, (x << 16) >> 16, i.imm2);
    const high = signedSatHalf(cpu, (x | 0) >> 16, i.imm2);
    cpu.setReg(i.d, ((high << 16) | low) >>> 0);
    return true;
  },
  /** USAT16: both signed halfwords of R[n] saturated to [0, 2^i.imm2 - 1] (i.imm2 = 0..31). */
  usat16: (cpu, i) => {
    const x = cpu.r[i.n]!;
    const low = unsignedSatHalf(cpu, (x << 16) >> 16, i.imm2);
    const high = unsignedSatHalf(cpu, (x | 0) >> 16, i.imm2);
    cpu.setReg(i.d, ((high << 16) | low) >>> 0);
    return true;
  },
};
