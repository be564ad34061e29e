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
  /** VCVT{R}.{S,U}32.F32 Sd, Sm: signed result when i.signed; VCVT rounds towards zero (i.roundZero), VCVTR by FPSCR. */
  fpCvtToInt: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fpToFixed(s[i.m]!, 32, 0, i.signed === 0, i.roundZero === 1, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  /** VCVT.F32.{S,U}32 Sd, Sm: signed operand when i.signed. */
  fpCvtFromInt: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    s[i.d] = fixedToFp(s[i.m]!, 32, 0, i.signed === 0, cpu.fpscr);
    commitFlags(cpu);
    return true;
  },
  /**
   * VCVT.<type>.F32 Sd, Sd, #fbits and back (i.toFixed, i.signed, i.size32 from op, U, sx), imm = imm4:i,
   * fbits = size - imm.
   * To fixed rounds towards zero, from fixed to nearest (the ARM ARM's round_zero / round_nearest), not
   * by FPSCR.RMode.
   * size 16 with imm4:i > 16 is UNPREDICTABLE: we make it UNDEFINED.
   */
  fpCvtFixed: (cpu, i) => {
    if (i.double !== 0) return false;
    const size = i.size32 === 1 ? 32 : 16;
    const fracBits = size - i.imm;
    if (fracBits < 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    const unsigned = i.signed === 0;
    if (i.toFixed === 1) s[i.d] = fpToFixed(s[i.d]!, size, fracBits, unsigned, true, cpu.fpscr);
    else s[i.d] = fixedToFp(s[i.d]!, size, fracBits, unsigned, cpu.fpscr & ~(3 << RMODE_SHIFT));
    commitFlags(cpu);
    return true;
  },
  /** VCVTB/VCVTT: i.toHalf converts single -> half into a halfword of Sd, else a halfword of Sm -> single; VCVTT (i.topHalf) the top one. */
  fpCvtHalf: (cpu, i) => {
    if (i.double !== 0) return false;
    fpCheck(cpu);
    const s = cpu.sBits;
    const lowBit = i.topHalf === 1 ? 16 : 0;
    if (i.toHalf === 1) {
      const half = singleToHalf(s[i.m]!, cpu.fpscr);
      s[i.d] = ((s[i.d]! & ~(0xffff << lowBit)) | (half << lowBit)) >>> 0;
    } else {
      s[i.d] = halfToSingle((s[i.m]! >>> lowBit) & 0xffff, cpu.fpscr);
    }
    commitFlags(cpu);
    return true;
  },
};
