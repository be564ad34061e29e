/**
 * The search's proposals on a BullMQ queue (src/search/queue.ts, `mcusim worker`): a real Redis
 * (Debian's redis-server, installed by .ci/install-toolchain; bound to 127.0.0.1 on a free port, no
 * persistence), two `mcusim worker` processes, one SIGKILLed in the middle of its first job. Every
 * job must complete exactly once (one "finished" line over both workers, the killed job re-run by
 * the other after BullMQ's stalled-job check), with results equal to running the same job in this
 * process, and enqueuing the same jobs again must return the stored results without running them.
 * The jobs are real proposals (runProposalJob: fine-tune + held-out score) kept tiny: 16 frames.
 * Then the whole `mcusim search --queue` path on the same Redis, with tiny fine-tunes and a budget
 * of 92 % of the shipped model's measured latency: every proposal runs on a worker process, the
 * chosen model and the uniform baseline are measured under the budget, the model is saved.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromWeightsFile, readWeightsFile, toWeightsFile } from '../../src/nn/model/serialize.js';
import { detectorWidths, pruneDetector } from '../../src/search/prune.js';
import { readState } from '../../src/search/state.js';
import { latencyFrames, measureFirmware } from '../../src/search/latency.js';
import type { ParetoRow, SearchResults } from '../../src/search/results.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { DEFAULT_MODEL } from '../../src/codegen/firmware-build.js';
import { SAMPLE_FRAMES } from '../../src/cli/build.js';
import { PROPOSAL_RECIPE, setupFromWeightsFile } from '../../src/search/fine-tune.js';
import { runProposalJob, type ProposalJob } from '../../src/search/proposal-job.js';
import { probeRedis, proposalJobId, ProposalQueue } from '../../src/search/queue.js';
import { EXIT } from '../../src/common/exit-codes.js';
import { runCli } from '../nn/eval/cli-harness.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A child process whose stderr lines are kept, and a wait for a line matching a pattern. */
class Proc {
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  exited = false;
  constructor(readonly child: ChildProcess) {
    let buffer = '';
    const onData = (d: Buffer): void => {
      buffer += d.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => !(w.re.test(line) && (w.resolve(line), true)));
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.on('exit', () => (this.exited = true));
  }
  waitFor(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${this.lines.join('\n')}`)), timeoutMs);
      this.waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

const procs: Proc[] = [];
let url = '';

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: run `bash .ci/install-toolchain` (it installs Debian\'s redis-server)');
  }
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  const redis = new Proc(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  procs.push(redis);
  for (let i = 0; ; i++) {
    try {
      await probeRedis(url, 500);
      break;
    } catch (e) {
      if (i > 50 || redis.exited) throw new Error(`redis-server did not start: ${(e as Error).message}\n${redis.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}, 30_000);

afterAll(async () => {
  // Workers first, then Redis (a worker losing Redis would only log errors).
  for (const p of procs.slice(1)) await p.stop();
  await procs[0]?.stop();
});

const worker = (): Proc => {
  const p = new Proc(spawn(process.execPath, [BIN, 'worker', '--queue', url, '--concurrency', '1', '--lock-ms', '2000'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  procs.push(p);
  return p;
};

function tinyJobs(): ProposalJob[] {
  const file = readWeightsFile('models/detector-default.weights.json');
  const setup = setupFromWeightsFile(file);
  const base = fromWeightsFile(file, 'shipped').model;
  const job = (stage4: number, seed: number): ProposalJob => ({
    weights: toWeightsFile(pruneDetector(base, { stage1: 8, stage2: 16, stage3: 24, stage4, fpn: 16, head: 32 }).model, setup.inputTransform, false),
    setup, fineTuneFrames: 16, recipe: { ...PROPOSAL_RECIPE, recalibrationFrames: 16 }, seed, evalFrames: 8,
  });
  return [job(24, 3), job(16, 4), job(28, 5), job(20, 6), job(24, 7)];
}

/** A CLI run in a child process without blocking this event loop (the workers' output keeps flowing). */
function runAsync(argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

const finishedIds = (ps: Proc[]): string[] => ps.flatMap((p) => p.lines.flatMap((l) => /finished (\S+)/.exec(l)?.[1] ?? []));
const startedIds = (ps: Proc[]): string[] => ps.flatMap((p) => p.lines.flatMap((l) => /started (\S+)/.exec(l)?.[1] ?? []));

describe('proposals on a Redis queue', () => {
  it('two workers, one killed mid-job: every job completes once, with the in-process results; a rerun runs nothing', async () => {
    const jobs = tinyJobs();
    const ids = jobs.map(proposalJobId);
    expect(new Set(ids).size).toBe(jobs.length);
    const [a, b] = [worker(), worker()];
    await Promise.all([a.waitFor(/waiting for jobs/, 60_000), b.waitFor(/waiting for jobs/, 60_000)]);

    const queue = await ProposalQueue.open(url);
    try {
      const seen: number[] = [];
      const running = queue.runAll(jobs, (i) => seen.push(i));
      const killedOn = /started (\S+)/.exec(await a.waitFor(/started /))![1]!;
      await a.stop('SIGKILL');
      const results = await running;

      expect(a.lines.some((l) => l.includes(`finished ${killedOn}`))).toBe(false);
      expect(b.lines.some((l) => l.includes(`started ${killedOn}`))).toBe(true); // re-queued by the stalled check
      expect(finishedIds([a, b]).sort()).toEqual([...ids].sort()); // each exactly once
      expect(seen.sort()).toEqual(jobs.map((_, i) => i));

      for (const [i, job] of jobs.entries()) {
        const direct = await runProposalJob(job);
        expect(results[i]!.accuracy).toEqual(direct.accuracy);
        expect(results[i]!.weights.tensors).toEqual(direct.weights.tensors);
      }
      expect(results[0]!.weights.tensors).not.toEqual(jobs[0]!.weights.tensors); // fine-tuned, not echoed

      // Same jobs again (a resumed coordinator): the stored results, no job started anywhere.
      const startedBefore = startedIds([a, b]).length;
      const again = await queue.runAll(jobs, () => {});
      expect(again.map((r) => r.accuracy)).toEqual(results.map((r) => r.accuracy));
      await new Promise((r) => setTimeout(r, 500));
      expect(startedIds([a, b]).length).toBe(startedBefore);
    } finally {
      await queue.close();
    }
  }, 120_000);

  it('`mcusim search --queue` end to end: the proposals run on a worker, the chosen model and the uniform baseline fit the budget, the model is saved', async () => {
    // Budget: 92 % of the shipped model's measured latency, so one step reaches it (whatever model is shipped).
    const out = mkdtempSync(join(tmpdir(), 'mcusim-search-queue-'));
    try {
      const board = loadBoard('stm32f411re');
      const start = await measureFirmware(DEFAULT_MODEL, board, latencyFrames(SAMPLE_FRAMES, join(out, 'frame.bin')));
      const budgetMs = Number((start.latencyMs * 0.92).toFixed(2));
      const w = worker();
      await w.waitFor(/waiting for jobs/, 60_000);
      const workers = procs.slice(1);
      const finishedBefore = finishedIds(workers).length;
      const saved = join(out, 'models/picked');
      const r = await runAsync([
        BIN, 'search', '--queue', url, '--latency-ms', String(budgetMs), '--out', join(out, 'run'), '--save-model', saved,
        '--fine-tune-frames', '16', '--final-fine-tune-frames', '32', '--eval-frames', '16',
      ]);
      expect(r.status, r.stderr).toBe(0);

      const state = readState(join(out, 'run/search-state.json'))!;
      const proposals = state.candidates.filter((c) => c.kind === 'proposal');
      expect(proposals.length).toBeGreaterThan(0);
      // Every proposal was evaluated by a worker process (its job id logged as finished there), none here.
      expect(finishedIds(workers).length - finishedBefore).toBe(proposals.length);

      const results = JSON.parse(readFileSync(join(out, 'run/search-results.json'), 'utf8')) as SearchResults;
      const row = (id: string | null): ParetoRow => results.rows.find((x) => x.id === id)!;
      expect(results.chosen).toBe('final');
      expect(row('final').latencyMeasured).toBe(true);
      expect(row('final').latencyMs).toBeLessThanOrEqual(budgetMs);
      expect(row('final').fits).toBe(true);
      // The uniform baseline at the same budget, built and simulated, with as many fine-tune frames.
      expect(results.uniform).toMatch(/^uniform-/);
      expect(row(results.uniform).fits).toBe(true);
      expect(row(results.uniform).latencyMs).toBeLessThanOrEqual(budgetMs);
      const final = state.candidates.find((c) => c.id === 'final')!;
      expect(state.candidates.find((c) => c.id === results.uniform)!.fineTuneFrames).toBe(final.fineTuneFrames);
      expect(r.stdout).toContain(`chosen final vs uniform scaling ${results.uniform}`);

      // The saved model: loadable, named after its file, the chosen widths, the chosen firmware beside the run.
      const file = readWeightsFile(`${saved}.weights.json`);
      const { model } = fromWeightsFile(file, saved);
      expect(model.config.name).toBe('picked');
      expect(detectorWidths(model.config)).toEqual(final.widths);
      expect(JSON.parse(readFileSync(`${saved}.json`, 'utf8'))).toEqual(file.config);
      expect(existsSync(join(out, 'run/chosen.elf'))).toBe(true);
      expect(r.stdout).toContain(`chosen: ${saved}.weights.json`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('an unreachable Redis ends `mcusim worker` and `mcusim search --queue` with one line and exit 40; a bad URL exits 2', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const oneLine = (s: string): string[] => s.trim().split('\n').filter((l) => l.startsWith('mcusim: '));
    for (const argv of [['worker', '--queue', closed], ['search', '--latency-ms', '5', '--queue', closed]]) {
      const r = await runCli(argv);
      expect(r.code).toBe(EXIT.queueUnreachable);
      expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^mcusim: cannot reach Redis at 127\.0\.0\.1:\d+: ECONNREFUSED$/)]);
    }
    const bad = await runCli(['worker', '--queue', 'http://127.0.0.1:1']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/--queue: expected redis:\/\/HOST:PORT/);
    const help = spawnSync(process.execPath, [BIN, 'worker', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--concurrency/);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`${EXIT.queueUnreachable} Redis unreachable`);
  }, 120_000);
});
