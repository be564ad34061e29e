/**
 * FP data-processing handlers (ARMv7-M ARM DDI 0403E §A6.4, single precision): VADD, VSUB, VMUL,
 * VNMUL, VDIV, VSQRT, VABS, VNEG, chained VMLA/VMLS/VNMLA/VNMLS (product rounded, then the sum),
 * fused VFMA/VFMS/VFNMA/VFNMS (one rounding), VCMP/VCMPE. FPNeg flips the sign bit of NaNs too, as
 * the pseudo-code negates operands before NaN processing. insn.double holds the encoding's sz bit:
 * double precision is UNDEFINED on FPv4-SP.
 */
import type { Handler } from '../../insn.js';
import { fpAdd, fpCompare, fpDiv, fpMul, fpMulAdd, fpSqrt, fpSub } from '../../fp/arith.js';
import { commitFlags, fpCheck, negate } from './common.js';

/** insn.op of the multiply-accumulate lines: which of the four sign variants. */
const MAC_PLAIN = 0; // VMLA / VFMA: d + n*m
const MAC_NEG_PRODUCT = 1; // VMLS / VFMS: d - n*m
const MAC_NEG_BOTH = 2; // VNMLA / VFNMA: -d - n*m

export const fpArithHandlers: Record<string, Handler> = {
  /** Encodings that exist only with double precision (insn.double = sz = 1 in the others). */
  fpUndefined: () => false,
  fpAdd: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpAdd(s[i.n]!, s[i.m]!, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  fpSub: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpSub(s[i.n]!, s[i.m]!, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  fpMul: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpMul(s[i.n]!, s[i.m]!, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  fpNmul: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = negate(fpMul(s[i.n]!, s[i.m]!, cpu.fpscr));
    commitFlags(cpu);
    return true;
  },
  fpDiv: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpDiv(s[i.n]!, s[i.m]!, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  fpSqrt: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpSqrt(s[i.m]!, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  fpAbs: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    cpu.sBits[i.d] = cpu.sBits[i.m]! & 0x7fffffff;
    return true;
  },
  fpNeg: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    cpu.sBits[i.d] = negate(cpu.sBits[i.m]!);
    return true;
  },
  /** VMLA, VMLS, VNMLA, VNMLS: FPAdd(+-d, +-FPMul(n, m)), two roundings. */
  fpMacChained: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    const fpscr = cpu.fpscr;
    const product = fpMul(s[i.n]!, s[i.m]!, fpscr);
    const d = s[i.d]!;
    switch (i.op) {
      case MAC_PLAIN: s[i.d] = fpAdd(d, product, fpscr); break;
      case MAC_NEG_PRODUCT: s[i.d] = fpAdd(d, negate(product), fpscr); break;
      case MAC_NEG_BOTH: s[i.d] = fpAdd(negate(d), negate(product), fpscr); break;
      default: s[i.d] = fpAdd(negate(d), product, fpscr);
    }
    commitFlags(cpu);
    return true;
  },
  /** VFMA, VFMS, VFNMA, VFNMS: FPMulAdd(+-d, +-n, m), one rounding. */
  fpMacFused: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    const fpscr = cpu.fpscr;
    const d = s[i.d]!;
    const n = s[i.n]!;
    const m = s[i.m]!;
    switch (i.op) {
      case MAC_PLAIN: s[i.d] = fpMulAdd(d, n, m, fpscr); break;
      case MAC_NEG_PRODUCT: s[i.d] = fpMulAdd(d, negate(n), m, fpscr); break;
      case MAC_NEG_BOTH: s[i.d] = fpMulAdd(negate(d), negate(n), m, fpscr); break;
      default: s[i.d] = fpMulAdd(negate(d), n, m, fpscr);
    }
    commitFlags(cpu);
    return true;
  },
  /** VCMP / VCMPE (signalNan 1) Sd, Sm: FPSCR.NZCV. */
  fpCmp: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const nzcv = fpCompare(cpu.sBits[i.d]!, cpu.sBits[i.m]!, i.signalNan === 1, cpu.fpscr);
    cpu.fpscr = ((cpu.fpscr & 0x0fffffff) | (nzcv << 28)) >>> 0;
    commitFlags(cpu);
    return true;
  },
  /** VCMP{E} Sd, #0.0 */
  fpCmpZero: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const nzcv = fpCompare(cpu.sBits[i.d]!, 0, i.signalNan === 1, cpu.fpscr);
    cpu.fpscr = ((cpu.fpscr & 0x0fffffff) | (nzcv << 28)) >>> 0;
    commitFlags(cpu);
    return true;
  },
};
