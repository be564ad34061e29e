import type { Argv, ArgumentsCamelCase } from 'yargs';

/**
 * One CLI command, one file in src/cli (STYLE.md §7). The handler parses nothing itself (yargs did),
 * calls into src/, renders through src/report and returns the process exit code; it never calls
 * process.exit, so commands can be tested in-process.
 */
export interface Command<A = Record<string, unknown>> {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv<A>;
  handler: (args: ArgumentsCamelCase<A>) => Promise<number>;
}
