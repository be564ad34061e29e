/**
 * System and hint instructions (ARM ARM DDI 0403E): MRS/MSR (B5.2.2-B5.2.3, SYSm numbers of B5.1.1),
 * CPS (B5.2.1), hints NOP/YIELD/WFE/WFI/SEV/DBG and the PLD/PLI memory hints, barriers, CLREX, SVC, BKPT
 * and UDF. Privilege: Handler mode or CONTROL.nPRIV = 0; unprivileged writes are ignored and
 * unprivileged reads of the stack pointers and mask registers give 0 (as QEMU).
 */
import type { Cpu } from '../../cpu.js';
import { Fault, FaultSignal } from '../../faults.js';
import type { Handler } from '../../insn.js';

function privileged(cpu: Cpu): boolean {
  return cpu.ipsr !== 0 || (cpu.control & 1) === 0;
}

/** ExecutionPriority() > -1 when setting FAULTMASK: not in NMI (-2) or HardFault (-1). */
function mayRaiseToFaultmask(cpu: Cpu): boolean {
  return cpu.ipsr !== 2 && cpu.ipsr !== 3;
}

/** SYSm values (B5.1.1). */
const SYSM_MSP = 8;
const SYSM_PSP = 9;
const SYSM_PRIMASK = 16;
const SYSM_BASEPRI = 17;
const SYSM_BASEPRI_MAX = 18;
const SYSM_FAULTMASK = 19;
const SYSM_CONTROL = 20;

/** APSR bits N Z C V Q (mask<1>) and GE[3:0] (mask<0>, DSP extension). */
const APSR_NZCVQ = 0xf8000000;
const APSR_GE = 0x000f0000;

const moveFromSpecial: Handler = (cpu, i) => {
  if (i.d === 15) return false;
  const sysm = i.imm;
  let value = 0;
  if (sysm < 8) {
    // xPSR views: IPSR when SYSm<0>, APSR unless SYSm<2>; EPSR always reads as zero.
    if (sysm & 1) value |= cpu.ipsr & 0x1ff;
    if ((sysm & 4) === 0) value |= cpu.apsr & (APSR_NZCVQ | APSR_GE);
  } else if (sysm === SYSM_CONTROL) {
    value = cpu.control & 7;
  } else if (privileged(cpu)) {
    switch (sysm) {
      case SYSM_MSP: value = cpu.mspValue; break;
      case SYSM_PSP: value = cpu.pspValue; break;
      case SYSM_PRIMASK: value = cpu.primask & 1; break;
      case SYSM_BASEPRI:
      case SYSM_BASEPRI_MAX: value = cpu.basepri & 0xff; break;
      case SYSM_FAULTMASK: value = cpu.faultmask & 1; break;
      default: value = 0; // reserved SYSm: UNPREDICTABLE, reads as 0 (QEMU)
    }
  }
  cpu.setReg(i.d, value >>> 0);
  return true;
};

/** MSR: op = mask (bit 1 nzcvq, bit 0 g), used for the APSR views only. */
const moveToSpecial: Handler = (cpu, i) => {
  if (i.n === 15) return false;
  const sysm = i.imm;
  const value = cpu.r[i.n]!;
  if (sysm < 8) {
    if ((sysm & 4) === 0) {
      const mask = (i.msrMask & 2 ? APSR_NZCVQ : 0) | (i.msrMask & 1 ? APSR_GE : 0);
      cpu.apsr = ((cpu.apsr & ~mask) | (value & mask)) >>> 0;
    }
    return true;
  }
  if (!privileged(cpu)) return true;
  switch (sysm) {
    case SYSM_MSP: cpu.setMsp(value); break;
    case SYSM_PSP: cpu.setPsp(value); break;
    case SYSM_PRIMASK: cpu.primask = value & 1; break;
    case SYSM_BASEPRI: cpu.basepri = value & cpu.basepriMask; break;
    case SYSM_BASEPRI_MAX: {
      // Only raises the masking: a non-zero value below the current BASEPRI, or any when BASEPRI is 0.
      const v = value & cpu.basepriMask;
      if (v !== 0 && (v < cpu.basepri || cpu.basepri === 0)) cpu.basepri = v;
      break;
    }
    case SYSM_FAULTMASK:
      // Setting needs ExecutionPriority() > -1; clearing is always allowed (see the report's note).
      if ((value & 1) === 0 || mayRaiseToFaultmask(cpu)) cpu.faultmask = value & 1;
      break;
    case SYSM_CONTROL: {
      // nPRIV and FPCA always; SPSEL only in Thread mode.
      const spsel = cpu.ipsr === 0 ? value & 2 : cpu.control & 2;
      cpu.setControl((value & 5) | spsel);
      break;
    }
    default: return true; // reserved SYSm: UNPREDICTABLE, ignored (QEMU)
  }
  cpu.exceptionCheck = true; // a lowered mask may let a pending exception in
  return true;
};

/** CPSIE (op 0) / CPSID (op 1); imm = I:F. */
const changeProcessorState: Handler = (cpu, i) => {
  if (!privileged(cpu)) return true;
  const affectI = (i.imm & 2) !== 0;
  const affectF = (i.imm & 1) !== 0;
  if (i.disable === 0) {
    if (affectI) cpu.primask = 0;
    if (affectF) cpu.faultmask = 0;
  } else {
    if (affectI) cpu.primask = 1;
    if (affectF && mayRaiseToFaultmask(cpu)) cpu.faultmask = 1;
  }
  cpu.exceptionCheck = true;
  return true;
};

/** NOP, YIELD, DBG, unallocated hints, PLD/PLI/PLDW: no architectural effect here. */
const hint: Handler = () => true;

const waitForInterrupt: Handler = (cpu) => {
  cpu.sleeping = true;
  return true;
};

/** WFE: consumes a latched event, else sleeps until one (the run loop wakes on events). */
const waitForEvent: Handler = (cpu) => {
  if (cpu.eventRegister) cpu.eventRegister = 0;
  else cpu.sleeping = true;
  return true;
};

const sendEvent: Handler = (cpu) => {
  cpu.eventRegister = 1;
  return true;
};

/** DSB/DMB/ISB: memory is sequentially consistent and decoded code is invalidated on writes. */
const barrier: Handler = () => true;

const clearExclusive: Handler = (cpu) => {
  cpu.exclusiveAddress = -1;
  return true;
};

const supervisorCall: Handler = (cpu) => {
  cpu.exceptions.supervisorCall();
  return true;
};

/** BKPT: semihosting (0xAB) and debuggers answer through onBreakpoint; otherwise a DebugMonitor/HardFault. */
const breakpoint: Handler = (cpu, i) => {
  if (!cpu.onBreakpoint(cpu, i.imm)) throw new FaultSignal(Fault.DEBUGEVT);
  return true;
};

const permanentlyUndefined: Handler = () => false;

export const systemHandlers: Record<string, Handler> = {
  moveFromSpecial, moveToSpecial, changeProcessorState, hint, waitForInterrupt, waitForEvent, sendEvent,
  barrier, clearExclusive, supervisorCall, breakpoint, permanentlyUndefined,
};
