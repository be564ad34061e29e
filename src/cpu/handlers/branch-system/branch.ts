/**
 * Branches (ARM ARM DDI 0403E A7.7.12 B, A7.7.18 BL, A7.7.19 BLX, A7.7.20 BX, A7.7.21 CBZ/CBNZ) and IT
 * (A7.7.38). r[15] reads as this instruction's address + 4, which is the PC the ARM ARM adds offsets to.
 * Conditions (B<c> and IT blocks) are applied by the run loop before a handler is called.
 */
import type { Handler } from '../../insn.js';

/** B T1/T3: cond = 111x rows are other instructions or UNDEFINED; inside an IT block UNDEFINED (QEMU). */
const branchCond: Handler = (cpu, i) => {
  if (i.cond >= 14 || cpu.inIT) return false;
  cpu.branchWritePC((cpu.r[15]! + i.imm) >>> 0);
  return true;
};

const branch: Handler = (cpu, i) => {
  cpu.branchWritePC((cpu.r[15]! + i.imm) >>> 0);
  return true;
};

const branchLink: Handler = (cpu, i) => {
  cpu.r[14] = (cpu.nextPC | 1) >>> 0;
  cpu.branchWritePC((cpu.r[15]! + i.imm) >>> 0);
  return true;
};

/** BX: BXWritePC (interworking; EXC_RETURN in Handler mode). */
const branchExchange: Handler = (cpu, i) => {
  cpu.bxWritePC(cpu.r[i.m]!);
  return true;
};

/** BLX (register): BLXWritePC has no EXC_RETURN case; bit 0 clear sets EPSR.T = 0 (INVSTATE next). */
const branchLinkExchange: Handler = (cpu, i) => {
  if (i.m === 15) return false;
  const target = cpu.r[i.m]!;
  cpu.r[14] = (cpu.nextPC | 1) >>> 0;
  if (target & 1) {
    cpu.branchWritePC(target);
  } else {
    cpu.nextPC = target;
    cpu.branched = true;
    cpu.pendingInvState = true;
  }
  return true;
};

/** CBZ (op 0) / CBNZ (op 1): forward only, imm = i:imm5:'0'. */
const compareBranch: Handler = (cpu, i) => {
  if ((cpu.r[i.n] === 0) !== (i.nonzero === 1)) cpu.branchWritePC((cpu.r[15]! + i.imm) >>> 0);
  return true;
};

/** IT: ITSTATE = firstcond:mask; the run loop applies and advances it for the next instructions. */
const ifThen: Handler = (cpu, i) => {
  cpu.itstate = i.imm;
  return true;
};

export const branchHandlers: Record<string, Handler> = {
  branchCond, branch, branchLink, branchExchange, branchLinkExchange, compareBranch, ifThen,
};
