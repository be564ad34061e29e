/**
 * VCVT handlers (ARMv7-M ARM DDI 0403E §A7.7.x): float <-> 32-bit integer (VCVT rounds towards zero,
 * VCVTR and int->float use FPSCR.RMode), float <-> fixed point (16/32-bit, fbits; to fixed rounds
 * towards zero), and single <-> half in the bottom or top half of Sd (VCVTB/VCVTT).
 */
import type { Handler } from '../../insn.js';
import { fixedToFp, fpToFixed, halfToSingle, singleToHalf } from '../../fp/convert.js';
import { RMODE_SHIFT } from '../../fp/fpscr.js';
import { commitFlags, fpCheck } from './common.js';

export const fpConvertHandlers: Record<string, Handler> = {
  /** VCVT{R}.{S,U}32.F32 Sd, Sm. op bit 0: round towards zero (VCVT); op bit 1: signed result. */
  fpCvtToInt: (cpu, i) => {
    if (i.imm2 !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpToFixed(s[i.m]!, 32, 0, (i.op & 2) === 0, (i.op & 1) !== 0, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  /** VCVT.F32.{S,U}32 Sd, Sm. op 1: signed operand. */
  fpCvtFromInt: (cpu, i) => {
    if (i.imm2 !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fixedToFp(s[i.m]!, 32, 0, i.op === 0, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  /**
   * VCVT.<type>.F32 Sd, Sd, #fbits and back. op = to_fixed:U:sx, imm = imm4:i, fbits = size - imm.
   * To fixed rounds towards zero, from fixed to nearest (the ARM ARM's round_zero / round_nearest), not
   * by FPSCR.RMode.
   * size 16 with imm4:i > 16 is UNPREDICTABLE: we make it UNDEFINED.
   */
  fpCvtFixed: (cpu, i) => {
    if (i.imm2 !== 0) return false;
    const size = (i.op & 1) !== 0 ? 32 : 16;
    const fracBits = size - i.imm;
    if (fracBits < 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    const unsigned = (i.op & 2) !== 0;
    if ((i.op & 4) !== 0) s[i.d] = fpToFixed(s[i.d]!, size, fracBits, unsigned, true, cpu.fpscr);
    else s[i.d] = fixedToFp(s[i.d]!, size, fracBits, unsigned, cpu.fpscr & ~(3 << RMODE_SHIFT));
    commitFlags(cpu);
    return true;
  },
  /** VCVTB/VCVTT: op 1 converts single -> half into Sd[imm+15:imm]; op 0 converts Sm[imm+15:imm] -> single. */
  fpCvtHalf: (cpu, i) => {
    if (i.imm2 !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    const lowBit = i.imm;
    if (i.op === 1) {
      const half = singleToHalf(s[i.m]!, cpu.fpscr);
      s[i.d] = ((s[i.d]! & ~(0xffff << lowBit)) | (half << lowBit)) >>> 0;
    } else {
      s[i.d] = halfToSingle((s[i.m]! >>> lowBit) & 0xffff, cpu.fpscr);
    }
    commitFlags(cpu);
    return true;
  },
};
