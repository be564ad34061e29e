/**
 * Puts a fault into words: the PC and the function it is in, the registers, and the fault status
 * registers decoded bit by bit (ARMv7-M ARM B3.2.15-B3.2.17 CFSR, HFSR, MMFAR, BFAR).
 */
import type { Cpu } from '../cpu/cpu.js';
import type { ExceptionUnit } from '../cpu/exceptions.js';

const CFSR_WORDS: [bit: number, text: string][] = [
  [0, 'IACCVIOL: instruction access violation'], [1, 'DACCVIOL: data access violation'],
  [3, 'MUNSTKERR: MemManage fault on unstacking'], [4, 'MSTKERR: MemManage fault on stacking'],
  [5, 'MLSPERR: MemManage fault during lazy FP state preservation'], [7, 'MMARVALID: MMFAR holds the address'],
  [8, 'IBUSERR: bus error on instruction fetch'], [9, 'PRECISERR: precise data bus error'],
  [10, 'IMPRECISERR: imprecise data bus error'], [11, 'UNSTKERR: bus fault on unstacking'],
  [12, 'STKERR: bus fault on stacking'], [13, 'LSPERR: bus fault during lazy FP state preservation'],
  [15, 'BFARVALID: BFAR holds the address'],
  [16, 'UNDEFINSTR: undefined instruction'], [17, 'INVSTATE: invalid state (EPSR.T = 0, e.g. a branch to an even address)'],
  [18, 'INVPC: invalid EXC_RETURN on exception return'], [19, 'NOCP: coprocessor access (FPU not enabled in CPACR)'],
  [24, 'UNALIGNED: unaligned access with CCR.UNALIGN_TRP or to an alignment-checked instruction'],
  [25, 'DIVBYZERO: divide by zero with CCR.DIV_0_TRP'],
];
const HFSR_WORDS: [bit: number, text: string][] = [
  [1, 'VECTTBL: bus fault on a vector table read'],
  [30, 'FORCED: a configurable fault escalated to HardFault'],
  [31, 'DEBUGEVT: debug event (BKPT with no debugger)'],
];

export interface FaultReport {
  pc: number;
  function?: string;
  registers: Record<string, number>;
  cfsr: number;
  hfsr: number;
  mmfar?: number;
  bfar?: number;
  decoded: string[];
}

const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

export function describeFault(cpu: Cpu, exc: ExceptionUnit, symbolAt: (a: number) => string | undefined): FaultReport {
  const registers: Record<string, number> = {};
  for (let k = 0; k < 13; k++) registers[`r${k}`] = cpu.r[k]!;
  registers.sp = cpu.r[13]!;
  registers.lr = cpu.r[14]!;
  registers.pc = cpu.pc;
  registers.xpsr = cpu.xpsr;
  const decoded = [
    ...CFSR_WORDS.filter(([b]) => (exc.cfsr >>> b) & 1).map(([, t]) => t),
    ...HFSR_WORDS.filter(([b]) => (exc.hfsr >>> b) & 1).map(([, t]) => t),
  ];
  return {
    pc: cpu.pc,
    function: symbolAt(cpu.pc),
    registers,
    cfsr: exc.cfsr >>> 0,
    hfsr: exc.hfsr >>> 0,
    mmfar: exc.cfsr & (1 << 7) ? exc.mmfar : undefined,
    bfar: exc.cfsr & (1 << 15) ? exc.bfar : undefined,
    decoded,
  };
}

/** CFSR and HFSR with the names of their set bits: `CFSR=0x00010000 (UNDEFINSTR) HFSR=0x00000000`. */
export function statusRegistersSummary(cfsr: number, hfsr: number): string {
  const names = (words: [number, string][], v: number) => words.filter(([b]) => (v >>> b) & 1).map(([, t]) => t.split(':')[0]).join(' ');
  const part = (reg: string, words: [number, string][], v: number) => `${reg}=${hex(v)}${v ? ` (${names(words, v)})` : ''}`;
  return `${part('CFSR', CFSR_WORDS, cfsr)} ${part('HFSR', HFSR_WORDS, hfsr)}`;
}

/** The status registers with the names of their set bits, for a one-line message: `CFSR=0x00010000 (UNDEFINSTR) HFSR=...`. */
export function faultStatusSummary(f: FaultReport): string {
  const address = `${f.bfar !== undefined ? ` BFAR=${hex(f.bfar)}` : ''}${f.mmfar !== undefined ? ` MMFAR=${hex(f.mmfar)}` : ''}`;
  return `${statusRegistersSummary(f.cfsr, f.hfsr)}${address}`;
}

export function formatFault(f: FaultReport): string[] {
  const lines = [`PC ${hex(f.pc)}${f.function ? ` in ${f.function}` : ''}`];
  const regs = Object.entries(f.registers).map(([k, v]) => `${k.padStart(4)}=${hex(v)}`);
  for (let k = 0; k < regs.length; k += 4) lines.push(regs.slice(k, k + 4).join(' '));
  lines.push(`CFSR=${hex(f.cfsr)} HFSR=${hex(f.hfsr)}${f.bfar !== undefined ? ` BFAR=${hex(f.bfar)}` : ''}${f.mmfar !== undefined ? ` MMFAR=${hex(f.mmfar)}` : ''}`);
  for (const d of f.decoded) lines.push(`  ${d}`);
  return lines;
}
