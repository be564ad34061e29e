/** `mcusim boards`: the board profiles mcusim knows, with memory, clock and flash timing. */
import Table from 'cli-table3';
import type { Command } from './command.js';
import { listBoards, loadBoard, DEFAULT_BOARD } from '../mcu/boards/load.js';

interface BoardsArgs {
  json: boolean;
}

const kb = (bytes: number) => (bytes >= 1 << 20 ? `${bytes / (1 << 20)} MB` : `${bytes / 1024} KB`);

export const boardsCommand: Command<BoardsArgs> = {
  command: 'boards',
  describe: 'List the board profiles (memory, clocks, flash wait states)',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'machine-readable output' }).epilogue('Exit codes: 0 ok.') as never,
  handler: async (args) => {
    const boards = listBoards().map((name) => loadBoard(name));
    if (args.json) {
      process.stdout.write(JSON.stringify(boards, null, 2) + '\n');
      return 0;
    }
    const table = new Table({ head: ['board', 'chip', 'max clock', 'flash', 'RAM', 'flash line', 'QEMU machine'] });
    for (const b of boards) {
      const flash = b.memory.filter((m) => m.kind === 'flash').reduce((s, m) => s + m.size, 0);
      const ram = b.memory.filter((m) => m.kind !== 'flash').reduce((s, m) => s + m.size, 0);
      table.push([
        b.name + (b.name === DEFAULT_BOARD ? ' (default)' : ''), b.chip, `${b.clocks.maxHz / 1e6} MHz`,
        flash ? kb(flash) : '-', kb(ram), b.flash ? `${b.flash.lineBits} bit` : 'no wait states', b.qemuMachine ?? '-',
      ]);
    }
    process.stdout.write(table.toString() + '\n');
    return 0;
  },
};
