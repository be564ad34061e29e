// `mcusim train` in-process: a one-epoch run writes the weights file and per-epoch metrics JSON;
// bad configs and flags fail with one line naming the file/field or flag.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { trainCommand, type TrainArgs } from '../../../src/cli/train.js';
import { UserError } from '../../../src/common/errors.js';
import { fromWeightsFile, type WeightsFile } from '../../../src/nn/model/serialize.js';

async function runTrain(argv: string[]): Promise<number> {
  const args = await yargs(['train', ...argv]).command(trainCommand.command, trainCommand.describe, trainCommand.builder).strict().parseAsync();
  return trainCommand.handler(args as unknown as Parameters<typeof trainCommand.handler>[0]);
}

async function errorOf(argv: string[]): Promise<string> {
  try {
    await runTrain(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('mcusim train', () => {
  it('trains, writes the weights and the metrics of every epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-train-cli-'));
    const out = join(dir, 'w.weights.json'), json = join(dir, 'metrics.json');
    const stdout: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => stdout.push(String(chunk)) > 0) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runTrain(['--epochs', '2', '--train-frames', '8', '--val-frames', '4', '--batch-size', '4', '--threads', '1', '-o', out, '--json', json]);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    expect(stdout.join('')).toBe(`${out}\n`);
    const metrics = JSON.parse(readFileSync(json, 'utf8')) as { epochs: Array<{ epoch: number; trainLoss: number; val: { mAP50: number } }> };
    expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(metrics.epochs.every((e) => Number.isFinite(e.trainLoss) && typeof e.val.mAP50 === 'number')).toBe(true);
    const weights = JSON.parse(readFileSync(out, 'utf8')) as WeightsFile;
    expect(weights.config.name).toBe('detector-default');
    expect(fromWeightsFile(weights, out).model.parameterCount()).toBeGreaterThan(20_000);
  }, 120_000);

  it('names the file and field of a malformed config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcusim-train-cli-'));
    const bad = JSON.parse(readFileSync('models/detector-default.json', 'utf8'));
    bad.backbone.stage2.width = -3;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    expect(await errorOf(['--config', file])).toBe(`${file}: backbone.stage2.width: must be a positive integer`);
    writeFileSync(file, '{"name": ');
    expect(await errorOf(['--config', file])).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}: not valid JSON`));
  });

  it('rejects bad flags with the flag name', async () => {
    expect(await errorOf(['--epochs', '0'])).toBe('--epochs: must be a positive integer, got 0');
    expect(await errorOf(['--alpha', '3'])).toMatch(/alpha/);
    expect(await errorOf(['--threads', '1.5'])).toBe('--threads: must be a positive integer, got 1.5');
  });

  it('documents every option in --help', async () => {
    const help = await yargs(['train']).command(trainCommand.command, trainCommand.describe, trainCommand.builder).getHelp();
    for (const flag of ['--config', '--epochs', '--data', '--out', '--json', '--resume', '--checkpoint', '--threads', '--no-cutmix']) {
      expect(help.includes(flag) || (flag === '--no-cutmix' && help.includes('--cutmix'))).toBe(true);
    }
  });
});

export type { TrainArgs };
