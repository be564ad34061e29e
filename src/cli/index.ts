/**
 * The mcusim command line: yargs with every command registered explicitly (STYLE.md §7). `main`
 * returns the exit code; user errors print one line `mcusim: <message>`, never a stack trace.
 */
import yargs, { type Argv } from 'yargs';
import { commandsFor, type CommandModule } from './command-loader.js';
import { UserError } from '../common/errors.js';
import { EXIT } from '../common/exit-codes.js';

/**
 * Every command: its module, loaded only when a start needs it (src/cli/command-loader.ts), and the
 * name of its Command export. A new command is one line here; keep heavy imports (simulator,
 * trainer, renderers) out of the top of its module's import graph where you can, or in its handler
 * (`handler: async (a) => (await import('../x/run-x.js')).runX(a)`).
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  [() => import('./run.js'), 'runCommand'],
  [() => import('./build.js'), 'buildCommand'],
  [() => import('./disasm.js'), 'disasmCommand'],
  [() => import('./isa.js'), 'isaCommand'],
  [() => import('./boards.js'), 'boardsCommand'],
  [() => import('./dataset.js'), 'datasetCommand'],
  [() => import('./train.js'), 'trainCommand'],
  [() => import('./check.js'), 'checkCommand'],
  [() => import('./report.js'), 'reportCommand'],
  [() => import('./eval.js'), 'evalCommand'],
  [() => import('./search.js'), 'searchCommand'],
  [() => import('./worker.js'), 'workerCommand'],
];

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
  for (const c of await commandsFor(argv, COMMAND_MODULES, new URL('./commands.json', import.meta.url))) {
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
