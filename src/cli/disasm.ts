/** `mcusim disasm`: disassemble an ELF function, an address range or raw opcodes with isa/'s tables. */
import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { readElf } from '../elf/index.js';
import { thumbDecoder } from '../cpu/decoder.js';
import { disassemble } from '../cpu/disassemble.js';

interface DisasmArgs {
  input: string;
  symbol?: string;
  count: number;
  json: boolean;
}

export const disasmCommand: Command<DisasmArgs> = {
  command: 'disasm <input>',
  describe: 'Disassemble a function of an ELF (or hex opcodes like 0xbf00,0xf1000001) with the simulator\'s decoder',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'ELF file, or comma-separated hex opcodes' })
      .option('symbol', { type: 'string', describe: 'function to disassemble (default: the reset handler\'s function, else .text)' })
      .option('count', { type: 'number', default: 64, describe: 'instructions at most' })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object per instruction' })
      .epilogue(exitCodesEpilogue('disasm', '0 ok')) as never,
  handler: async (args) => {
    const decoder = thumbDecoder();
    let bytes: Uint8Array;
    let address = 0;
    if (/^0x[0-9a-f]+(,0x[0-9a-f]+)*$/i.test(args.input)) {
      const parts: number[] = [];
      for (const h of args.input.split(',')) {
        const v = parseInt(h, 16);
        if (h.length > 6) parts.push(v >>> 16 & 0xff, v >>> 24 & 0xff, v & 0xff, v >>> 8 & 0xff);
        else parts.push(v & 0xff, v >>> 8);
      }
      bytes = Uint8Array.from(parts);
    } else {
      let file: Uint8Array;
      try {
        file = new Uint8Array(readFileSync(args.input));
      } catch {
        throw new UserError(`${args.input}: cannot read`);
      }
      const image = readElf(file, args.input);
      const sym = args.symbol
        ? image.symbols.find((s) => s.name === args.symbol)
        : image.symbols.find((s) => s.name === 'Reset_Handler' || s.name === 'main');
      if (args.symbol && !sym) throw new UserError(`${args.input}: no symbol '${args.symbol}'`);
      const text = image.sections.find((s) => s.name === '.text');
      address = sym ? sym.value : text?.addr ?? 0;
      const size = sym && sym.size > 0 ? sym.size : args.count * 4;
      const seg = image.segments.find((s) => address >= s.vaddr && address < s.vaddr + s.filesz);
      if (!seg) throw new UserError(`${args.input}: address 0x${address.toString(16)} is not in a loaded segment`);
      bytes = seg.data.subarray(address - seg.vaddr, Math.min(seg.filesz, address - seg.vaddr + size));
    }
    const lines = disassemble(decoder, bytes, address).slice(0, args.count);
    for (const l of lines) {
      if (args.json) process.stdout.write(JSON.stringify(l) + '\n');
      else {
        const op = l.size === 4 ? `${(l.opcode >>> 16).toString(16).padStart(4, '0')} ${(l.opcode & 0xffff).toString(16).padStart(4, '0')}` : `${l.opcode.toString(16).padStart(4, '0')}     `;
        process.stdout.write(`${l.address.toString(16).padStart(8, '0')}:  ${op}  ${l.mnemonic.padEnd(8)} ${l.encoding.padEnd(3)} ${l.operands}\n`);
      }
    }
    return 0;
  },
};
