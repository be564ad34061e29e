/**
 * The reference manuals' wait-state rule (RM0383 §3.4 Table 5, RM0351 §3.3.3 Table 9, collected in
 * isa/TIMING.md §9.1): the FLASH_ACR.LATENCY a given HCLK needs at the
 * board's supply. Data lives in the board profile; this only picks the row and the column.
 */
import type { FlashTiming, WaitStateRow } from './types.js';

export interface SupplyState {
  vddV: number;
  /** L4 VCORE range from PWR_CR1.VOS (1 or 2); ignored by F4 tables. */
  vcoreRange?: number;
}

export function waitStateRow(flash: FlashTiming, supply: SupplyState): WaitStateRow | undefined {
  const rows = flash.waitStates.rows;
  if (flash.waitStates.selector === 'vcore-range') return rows.find((r) => r.vcoreRange === (supply.vcoreRange ?? 1));
  return rows.find((r) => supply.vddV >= r.vddMinV! && supply.vddV <= r.vddMaxV!);
}

/**
 * Fewest wait states that let the flash keep up with `hclkHz`, or undefined when no latency does
 * (HCLK above the chip's limit for that supply, or a supply outside every row).
 */
export function waitStatesRequired(flash: FlashTiming, hclkHz: number, supply: SupplyState): number | undefined {
  const row = waitStateRow(flash, supply);
  if (!row) return undefined;
  const n = row.maxHclkHz.findIndex((max) => hclkHz <= max);
  return n < 0 ? undefined : n;
}
