/** `mcusim boards`: the board profiles mcusim knows, with memory, clock and flash timing. */
import Table from 'cli-table3';
import chalk from 'chalk';
import type { Command } from './command.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { listBoards, loadBoard, DEFAULT_BOARD } from '../mcu/boards/load.js';

interface BoardsArgs {
  json: boolean;
}

/** A size as people read it: whole MiB, KiB and bytes (mps2-an386's RAM is `24 MiB + 16 KiB`). */
export function formatSize(bytes: number): string {
  const parts: string[] = [];
  const mib = Math.floor(bytes / (1 << 20));
  const kib = Math.floor((bytes % (1 << 20)) / 1024);
  if (mib) parts.push(`${mib} MiB`);
  if (kib) parts.push(`${kib} KiB`);
  if (bytes % 1024 || parts.length === 0) parts.push(`${bytes % 1024} bytes`);
  return parts.join(' + ');
}

export const boardsCommand: Command<BoardsArgs> = {
  command: 'boards',
  describe: 'List the board profiles (memory, clocks, flash wait states)',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'machine-readable output' }).epilogue(exitCodesEpilogue('boards', '0 ok')) as never,
  handler: async (args) => {
    const boards = listBoards().map((name) => loadBoard(name));
    if (args.json) {
      process.stdout.write(JSON.stringify(boards, null, 2) + '\n');
      return 0;
    }
    // Colour through chalk only, which leaves it out when stdout is not a terminal (`mcusim boards | cat`).
    const table = new Table({
      head: ['board', 'chip', 'max clock', 'flash', 'RAM', 'flash line', 'QEMU machine'].map((h) => chalk.bold(h)),
      style: { head: [], border: [] },
    });
    for (const b of boards) {
      const flash = b.memory.filter((m) => m.kind === 'flash').reduce((s, m) => s + m.size, 0);
      const ram = b.memory.filter((m) => m.kind !== 'flash').reduce((s, m) => s + m.size, 0);
      table.push([
        b.name + (b.name === DEFAULT_BOARD ? ' (default)' : ''), b.chip, `${b.clocks.maxHz / 1e6} MHz`,
        flash ? formatSize(flash) : '-', formatSize(ram), b.flash ? `${b.flash.lineBits} bit` : 'no wait states', b.qemuMachine ?? '-',
      ]);
    }
    process.stdout.write(table.toString() + '\n');
    return 0;
  },
};
