/**
 * Errors every part may throw. The library reports bad input (a file, a config, a dataset) with a
 * UserError; the command line prints `mcusim: <message>` and exits with its code. Lives below
 * everything so that no library module has to reach up to src/cli for it.
 */
import { EXIT } from './exit-codes.js';

/** Bad user input: one line naming the problem, and the exit code (src/common/exit-codes.ts). */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
  }
}
