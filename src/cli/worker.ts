/**
 * `mcusim worker --queue redis://HOST:PORT [--concurrency N] [--lock-ms MS]`: runs the search's
 * candidate jobs from the Redis queue that `mcusim search --queue` fills (src/search/queue.ts), on
 * this machine, until Ctrl-C/SIGTERM (it finishes the jobs in hand first). One line per job on
 * stderr. A worker killed mid-job loses nothing: the job returns to the queue when its lock expires.
 */
import { availableParallelism } from 'node:os';
import type { Command } from './command.js';
import { exitCodesEpilogue } from '../common/exit-codes.js';
import { positiveInteger } from './flags.js';
import { UserError } from '../common/errors.js';

interface WorkerArgs {
  queue?: string;
  concurrency?: number;
  lockMs: number;
}

export const workerCommand: Command<WorkerArgs> = {
  command: 'worker',
  describe: 'Run `mcusim search --queue` candidate jobs (fine-tune + score) from a Redis queue',
  builder: (y) =>
    y
      .option('queue', { type: 'string', describe: 'the Redis of the search: redis://HOST:PORT' })
      .option('concurrency', { type: 'number', describe: 'jobs at once, each in its own thread (default: the cores)' })
      .option('lock-ms', {
        type: 'number', default: 30_000,
        describe: 'a job this worker holds returns to the queue this long after the worker dies',
      })
      .epilogue(`Runs until Ctrl-C or SIGTERM. ${exitCodesEpilogue('worker', '0 stopped')}`) as never,
  handler: async (args) => {
    if (args.queue === undefined) throw new UserError('name the queue: --queue redis://HOST:PORT');
    const concurrency = args.concurrency === undefined ? availableParallelism() : positiveInteger(args.concurrency, 'concurrency');
    const lockMs = positiveInteger(args.lockMs, 'lock-ms');
    const { startQueueWorker } = await import('../search/queue-worker.js');
    const log = (line: string): void => void process.stderr.write(`mcusim worker: ${line}\n`);
    const worker = await startQueueWorker({ url: args.queue, concurrency, lockMs, log });
    const stop = (): void => {
      log('stopping after the jobs in hand');
      void worker.close();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await worker.closed;
    return 0;
  },
};
