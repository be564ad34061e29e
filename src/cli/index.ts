/**
 * The mcusim command line: yargs with every command registered explicitly (STYLE.md §7). `main`
 * returns the exit code; user errors print one line `mcusim: <message>`, never a stack trace.
 */
import yargs, { type Argv } from 'yargs';
import type { Command } from './command.js';
import { UserError } from '../common/errors.js';
import { runCommand } from './run.js';
import { disasmCommand } from './disasm.js';
import { isaCommand } from './isa.js';
import { boardsCommand } from './boards.js';
import { datasetCommand } from './dataset.js';
import { trainCommand } from './train.js';
import { buildCommand } from './build.js';
import { checkCommand } from './check.js';
import { reportCommand } from './report.js';
import { EXIT } from '../common/exit-codes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const COMMANDS: Command<any>[] = [runCommand, buildCommand, disasmCommand, isaCommand, boardsCommand, datasetCommand, trainCommand, checkCommand, reportCommand];

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser: Argv = yargs(argv)
    .scriptName('mcusim')
    .parserConfiguration({ 'populate--': true })
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(msg, EXIT.usage);
    });
  for (const c of COMMANDS) {
    parser.command(c.command, c.describe, c.builder, async (args) => {
      exitCode = await c.handler(args);
    });
  }
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`mcusim: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`mcusim: internal error: ${(e as Error).message}\n`);
    if (process.env.MCUSIM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return EXIT.internal;
  }
}
