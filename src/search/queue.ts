/**
 * The search's proposals on a BullMQ queue in Redis (issue 17, point 4), for machines beyond this
 * one: the coordinator (`mcusim search --queue redis://HOST:PORT`) enqueues each ProposalJob and
 * awaits its result; `mcusim worker --queue URL` (src/search/queue-worker.ts) runs them on any
 * machine with the function the thread pool runs (runProposalJob). The job id is a content hash of
 * the job, so a candidate enqueued twice (a rerun, two coordinators) is evaluated once: BullMQ keeps
 * completed jobs and `add` with a known id returns the existing job. A worker that dies holding a job
 * stops renewing its lock; BullMQ's stalled-job check moves the job back to the waiting list.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../common/errors.js';
import { EXIT } from '../common/exit-codes.js';
import type { ProposalJob, ProposalResult } from './proposal-job.js';

export const PROPOSAL_QUEUE = 'mcusim-proposals';
export const PROPOSAL_JOB_NAME = 'proposal';

/** `redis://[:password@]host[:port][/db]` as ioredis connection options; a UserError (exit 2) otherwise. */
export function parseQueueUrl(url: string): RedisOptions & { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue: not a URL, expected redis://HOST:PORT, got ${url}`);
  }
  if (u.protocol !== 'redis:' || u.hostname === '') throw new UserError(`--queue: expected redis://HOST:PORT, got ${url}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UserError(`--queue: the path must be a database number, got ${url}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''), port,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
  };
}

/**
 * One PING before BullMQ connects. Written by hand (a TCP socket and the RESP inline command)
 * because ioredis, under BullMQ, reconnects forever when the server is down: a wrong host or port
 * would hang the command instead of ending it with one line. A password-protected server answers
 * NOAUTH, which still proves a Redis is there (BullMQ then authenticates).
 */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<void> {
  const { host, port } = parseQueueUrl(url);
  const fail = (why: string): UserError => new UserError(`cannot reach Redis at ${host}:${port}: ${why}`, EXIT.queueUnreachable);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    let answer = '';
    const done = (error?: UserError): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(fail(`no answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (!answer.includes('\r\n')) return;
      done(/^(\+PONG|-NOAUTH)/.test(answer) ? undefined : fail(`not a Redis server (answered ${JSON.stringify(answer.trim().slice(0, 60))})`));
    });
    socket.on('error', (e: NodeJS.ErrnoException) => done(fail(e.code ?? e.message)));
    socket.on('end', () => done(fail('connection closed')));
  });
}

/**
 * A Redis client for one BullMQ object (each holds its own: workers and event listeners block on
 * theirs). BullMQ needs a client instance under ESM, and unlimited retries per request so a short
 * network loss delays jobs instead of failing them. The caller closes it (BullMQ does not close a
 * client it was given).
 */
export function redisClient(url: string): Redis {
  return new Redis({ ...parseQueueUrl(url), maxRetriesPerRequest: null });
}

/** The job id: a hash of the job's content (weights, setup, frames, seed), the same on every machine. */
export function proposalJobId(job: ProposalJob): string {
  return `proposal-${createHash('sha256').update(JSON.stringify(job)).digest('hex').slice(0, 40)}`;
}

/** The coordinator's side: same interface as ProposalPool (src/search/worker-pool.ts). */
export class ProposalQueue {
  private constructor(
    private readonly queue: Queue<ProposalJob, ProposalResult>,
    private readonly events: QueueEvents,
    private readonly clients: Redis[],
  ) {}

  static async open(url: string): Promise<ProposalQueue> {
    await probeRedis(url);
    const clients = [redisClient(url), redisClient(url)];
    const queue = new Queue<ProposalJob, ProposalResult>(PROPOSAL_QUEUE, { connection: clients[0]! });
    const events = new QueueEvents(PROPOSAL_QUEUE, { connection: clients[1]! });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new ProposalQueue(queue, events, clients);
  }

  /** Enqueues every job (known ids are not run again) and awaits each; `onDone` sees each as it finishes. */
  async runAll(jobs: ProposalJob[], onDone: (index: number, result: ProposalResult) => void): Promise<ProposalResult[]> {
    return Promise.all(jobs.map(async (data, i) => {
      const job = await this.queue.add(PROPOSAL_JOB_NAME, data, {
        jobId: proposalJobId(data),
        // Completed jobs stay (they are the per-candidate results); a failed one is removed so that
        // a rerun tries it again.
        removeOnComplete: false, removeOnFail: true,
      });
      const result = (await job.waitUntilFinished(this.events)) as ProposalResult;
      onDone(i, result);
      return result;
    }));
  }

  async close(): Promise<void> {
    await Promise.all([this.events.close(), this.queue.close()]);
    this.clients.forEach((c) => c.disconnect());
  }
}
