/**
 * FPSCR layout of FPv4-SP (ARMv7-M ARM DDI 0403E §A2.5.3, Cortex-M4 TRM §7.3.x) and the cumulative
 * exception flags the FP operations raise. The operations in this folder work on raw bits and OR
 * their exception bits into `fpStatus.flags`; the instruction handler moves them into FPSCR.
 */

export const FPSCR_IOC = 1 << 0;
export const FPSCR_DZC = 1 << 1;
export const FPSCR_OFC = 1 << 2;
export const FPSCR_UFC = 1 << 3;
export const FPSCR_IXC = 1 << 4;
export const FPSCR_IDC = 1 << 7;
export const FPSCR_FZ = 1 << 24;
export const FPSCR_DN = 1 << 25;
export const FPSCR_AHP = 1 << 26;
/** FPSCR.RMode, bits 23:22. */
export const RMODE_SHIFT = 22;
export const ROUND_NEAREST = 0;
export const ROUND_PLUS_INF = 1;
export const ROUND_MINUS_INF = 2;
export const ROUND_ZERO = 3;

/**
 * Bits that exist on the Cortex-M4: N Z C V, AHP, DN, FZ, RMode and the six cumulative flags. The
 * trap enables (15:8 except IDE), Len and Stride are not implemented and read as zero (TRM §7.2.4).
 */
export const FPSCR_WRITABLE_MASK = 0xf7c0009f;

/** FPDefaultNaN for single precision (ARM ARM A2.5.4). */
export const DEFAULT_NAN32 = 0x7fc00000;
/** FPDefaultNaN for half precision. */
export const DEFAULT_NAN16 = 0x7e00;

/** Exception flags raised by the last operations, waiting to be ORed into FPSCR. */
export const fpStatus = { flags: 0 };

export function rmodeOf(fpscr: number): number {
  return (fpscr >>> RMODE_SHIFT) & 3;
}
