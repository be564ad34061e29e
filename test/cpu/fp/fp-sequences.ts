/**
 * Random FP programs for the QEMU sequence test: register transfers in every form (core <-> S, pairs,
 * D halves), loads and stores (VLDR/VSTR, VLDM/VSTM with and without writeback, VPUSH/VPOP),
 * FPSCR moves that change the rounding mode mid-program, compares into APSR, and arithmetic on random
 * registers. Programs use r0-r7 freely, r8 as the base of a 32-word buffer and r9 = r8 + 64 as a
 * writeback base that every program leaves where it found it; the stack stays balanced.
 */
import { makeRng } from './fp-cases.js';

/** Words of state per program: S0-S31, r0-r7, FPSCR, APSR, the 32-word buffer. */
export const STATE_WORDS = 74;

export interface FpProgram {
  asm: string;
  /** S0-S31, r0-r7, FPSCR, APSR, buffer[32] (STATE_WORDS words). */
  state: Uint32Array;
}

const ARITH3 = ['vadd', 'vsub', 'vmul', 'vnmul', 'vdiv', 'vmla', 'vmls', 'vnmla', 'vnmls', 'vfma', 'vfms', 'vfnma', 'vfnms'];
const ARITH2 = ['vsqrt.f32', 'vabs.f32', 'vneg.f32', 'vcvt.s32.f32', 'vcvtr.u32.f32', 'vcvt.f32.s32', 'vcvt.f32.u32',
  'vcvtb.f16.f32', 'vcvtt.f32.f16', 'vcmp.f32', 'vcmpe.f32'];
const IMMEDIATES = ['1.0', '-2.5', '0.125', '31.0', '-0.1875'];
const SPECIAL = [0, 0x80000000, 0x7f800000, 0x7fc00001, 0x7f800001, 0x00000001, 0x00800000, 0x7f7fffff, 0x3f800000];

export function makePrograms(count: number, length: number, seed: number): FpProgram[] {
  const rng = makeRng(seed);
  const below = (n: number) => rng() % n;
  const s = () => `s${below(32)}`;
  const r = () => `r${below(8)}`;
  const twoCore = (): [string, string] => {
    const a = below(8);
    return [`r${a}`, `r${(a + 1 + below(7)) % 8}`];
  };
  const sList = (max: number) => {
    const n = 1 + below(max);
    const first = below(33 - n);
    return { n, text: n === 1 ? `s${first}` : `s${first}-s${first + n - 1}` };
  };
  const dList = (max: number) => {
    const n = 1 + below(max);
    const first = below(17 - n);
    return { n, text: n === 1 ? `d${first}` : `d${first}-d${first + n - 1}` };
  };
  const sameSize = (n: number, bank: 32 | 16) => {
    const first = below(bank + 1 - n);
    const p = bank === 32 ? 's' : 'd';
    return n === 1 ? `${p}${first}` : `${p}${first}-${p}${first + n - 1}`;
  };
  /** VMOV.32 Dd[x], Rt / VMOV.32 Rt, Dn[x] (gas rejects them for fpv4-sp-d16): T1 encodings by hand. */
  const scalar = (toCore: boolean) => {
    const dReg = below(16);
    const x = below(2);
    const t = below(8);
    const hw1 = 0xee00 | (x << 5) | (toCore ? 0x10 : 0) | dReg;
    const hw2 = (t << 12) | 0x0b10;
    return `.inst.w 0x${(((hw1 << 16) | hw2) >>> 0).toString(16)}`;
  };

  function instruction(): string[] {
    switch (below(20)) {
      case 0: return [`vmov.f32 ${s()}, ${s()}`];
      case 1: return [`vmov ${s()}, ${r()}`];
      case 2: return [`vmov ${r()}, ${s()}`];
      case 3: { const x = below(31); const [a, b] = twoCore(); return [below(2) ? `vmov s${x}, s${x + 1}, ${a}, ${b}` : `vmov ${a}, ${b}, s${x}, s${x + 1}`]; }
      case 4: { const [a, b] = twoCore(); const dReg = `d${below(16)}`; return [below(2) ? `vmov ${dReg}, ${a}, ${b}` : `vmov ${a}, ${b}, ${dReg}`]; }
      case 5: return [scalar(below(2) === 1)];
      case 6: return [`${below(2) ? 'vldr' : 'vstr'} ${s()}, [r8, #${4 * below(32)}]`];
      case 7: return [`${below(2) ? 'vldr' : 'vstr'} d${below(16)}, [r8, #${8 * below(16)}]`];
      case 8: { const l = below(2) ? sList(8) : dList(4); return [`${below(2) ? 'vldmia' : 'vstmia'} r8, {${l.text}}`]; }
      case 9: {
        // Down then up through r9 with writeback: r9 ends where it started.
        const single = below(2) === 1;
        const l = single ? sList(8) : dList(4);
        const back = sameSize(l.n, single ? 32 : 16);
        return below(2) ? [`vstmdb r9!, {${l.text}}`, `vldmia r9!, {${back}}`] : [`vldmdb r9!, {${l.text}}`, `vstmia r9!, {${back}}`];
      }
      case 10: {
        const single = below(2) === 1;
        const l = single ? sList(6) : dList(3);
        return [`vpush {${l.text}}`, `vpop {${sameSize(l.n, single ? 32 : 16)}}`];
      }
      case 11: return [`vmov.f32 ${s()}, #${IMMEDIATES[below(IMMEDIATES.length)]}`];
      case 12: case 13: case 14: {
        const op = ARITH3[below(ARITH3.length)]!;
        return [`${op}.f32 ${s()}, ${s()}, ${s()}`];
      }
      case 15: case 16: {
        const op = ARITH2[below(ARITH2.length)]!;
        return [`${op} ${s()}, ${op.startsWith('vcmp') && below(3) === 0 ? '#0.0' : s()}`];
      }
      case 17: return ['vmrs APSR_nzcv, fpscr'];
      case 18: return [`vmrs ${r()}, fpscr`];
      default: return [`vmsr fpscr, ${r()}`];
    }
  }

  const programs: FpProgram[] = [];
  for (let p = 0; p < count; p++) {
    const lines: string[] = [];
    while (lines.length < length) lines.push(...instruction());
    const state = new Uint32Array(STATE_WORDS);
    for (let k = 0; k < STATE_WORDS; k++) state[k] = below(4) === 0 ? SPECIAL[below(SPECIAL.length)]! : rng();
    state[40] = (((rng() & 3) << 22) | (below(2) << 24) | (below(3) === 0 ? 1 << 25 : 0) | (below(2) << 26)) >>> 0;
    state[41] = (rng() & 0xf8000000) >>> 0; // NZCVQ
    programs.push({ asm: lines.join('\n'), state });
  }
  return programs;
}
