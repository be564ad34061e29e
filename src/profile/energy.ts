/**
 * Energy from the board profile's run-mode supply current (datasheet figures, cited in the board
 * JSON's `power` block): E = V * I(f) * cycles / f, with I interpolated linearly in frequency between
 * the datasheet's rows (run-mode current is close to linear in f). Null when the board has no figures.
 */
import type { Board } from '../mcu/boards/types.js';
import type { EnergyReport } from '../report/schema.js';
import { UserError } from '../common/errors.js';

export interface RunCurrentRow { hz: number; milliamps: number }
export interface BoardPower { supplyVolts: number; runCurrent: RunCurrentRow[]; source: string }

/** The board's `power` block, or null when absent; a malformed one is named in one line. */
export function boardPower(board: Board): BoardPower | null {
  const p = board.power as Partial<BoardPower> | undefined;
  if (p === undefined) return null;
  const rowsOk = Array.isArray(p.runCurrent) && p.runCurrent.length > 0 &&
    p.runCurrent.every((r) => typeof r?.hz === 'number' && r.hz > 0 && typeof r.milliamps === 'number' && r.milliamps >= 0);
  if (typeof p.supplyVolts !== 'number' || !rowsOk || typeof p.source !== 'string') {
    throw new UserError(`board ${board.name}: "power" needs supplyVolts, runCurrent [{ hz, milliamps }, ...] and source`);
  }
  return p as BoardPower;
}

export function runCurrentMilliamps(p: BoardPower, hz: number): number {
  const rows = [...p.runCurrent].sort((a, b) => a.hz - b.hz);
  if (hz <= rows[0]!.hz) return rows[0]!.milliamps * (rows.length === 1 ? hz / rows[0]!.hz : 1);
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!, b = rows[i]!;
    if (hz <= b.hz) return a.milliamps + ((b.milliamps - a.milliamps) * (hz - a.hz)) / (b.hz - a.hz);
  }
  return rows[rows.length - 1]!.milliamps;
}

export function energyReport(board: Board, clockHz: number, cycles: number, frameCycles: number | null): EnergyReport | null {
  const p = boardPower(board);
  if (!p || clockHz <= 0) return null;
  const mA = runCurrentMilliamps(p, clockHz);
  const uj = (c: number) => p.supplyVolts * (mA / 1000) * (c / clockHz) * 1e6;
  return {
    supplyVolts: p.supplyVolts, runCurrentMilliamps: mA, source: p.source,
    totalMicrojoules: uj(cycles), perFrameMicrojoules: frameCycles === null ? null : uj(frameCycles),
  };
}
