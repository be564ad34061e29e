import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { datasetCommand } from '../../../src/cli/dataset.js';
import { UserError } from '../../../src/common/errors.js';
import { loadDataset } from '../../../src/nn/data/dataset-load.js';
import { readFrameFile } from '../../../src/nn/data/frame-file.js';
import { generateFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';

const work = mkdtempSync(join(tmpdir(), 'mcusim-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `mcusim <argv>` through yargs with only the dataset command; returns exit code and stdout. */
async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  let code = -1;
  try {
    await yargs(argv)
      .command({
        command: datasetCommand.command,
        describe: datasetCommand.describe,
        builder: datasetCommand.builder,
        handler: async (args) => {
          code = await datasetCommand.handler(args as never);
        },
      })
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync();
  } finally {
    spy.mockRestore();
  }
  return { code, stdout: out };
}

describe('mcusim dataset', () => {
  const dir = join(work, 'ds');

  it('generate writes a loadable dataset whose frames equal generateFrame(seed, index)', async () => {
    const { code, stdout } = await run(['dataset', 'generate', '--out', dir, '--count', '10', '--seed', '4', '--split', 'train=0.6,val=0.2,test=0.2', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ sensor: 'mlx90640', seed: 4, frames: 10, splits: { train: 6, val: 2, test: 2 } });
    const data = loadDataset(dir);
    const config = resolveGeneratorConfig({});
    expect(Array.from(data.frames[7].celsius)).toEqual(Array.from(generateFrame(config, 4, 7).celsius));
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(dir).sort()).toEqual(['annotations.json', 'test.f32', 'train.f32', 'val.f32']);
  });

  it('inspect --json reports counts, histogram and temperature statistics', async () => {
    const { code, stdout } = await run(['dataset', 'inspect', dir, '--json']);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    const data = loadDataset(dir);
    expect(stats.frames).toBe(10);
    expect(stats.framesPerSplit).toEqual({ train: 6, val: 2, test: 2 });
    const histogram = [0, 0, 0, 0, 0, 0, 0];
    for (const f of data.frames) histogram[Math.min(6, f.boxes.length)]++;
    expect(stats.peoplePerFrame).toEqual(histogram);
    const all = data.frames.flatMap((f) => Array.from(f.celsius));
    expect(stats.celsius.min).toBe(Math.min(...all));
    expect(stats.celsius.max).toBe(Math.max(...all));
  });

  it('inspect without --json prints a table', async () => {
    const { stdout } = await run(['dataset', 'inspect', dir]);
    expect(stdout).toContain('people per frame');
    expect(stdout).toContain('overlapping boxes');
  });

  it('export-frames writes the chosen split as TFRM, quantised to 0.01 °C', async () => {
    const bin = join(work, 'frames.bin');
    const { code } = await run(['dataset', 'export-frames', dir, '--split', 'train', '--count', '3', '--start', '1', '-o', bin]);
    expect(code).toBe(0);
    const file = readFrameFile(bin);
    const data = loadDataset(dir, { split: 'train' });
    expect(file.frames).toHaveLength(3);
    file.frames.forEach((f, k) => {
      const src = data.frames[k + 1].celsius;
      f.forEach((v, p) => {
        if (Math.round(v * 100) !== Math.round(src[p] * 100)) throw new Error(`frame ${k} pixel ${p}: ${v} vs ${src[p]}`);
      });
    });
  });

  it('bad input gives one-line UserErrors', async () => {
    await expect(run(['dataset', 'export-frames', dir, '--split', 'test', '--count', '5', '-o', join(work, 'x.bin')]))
      .rejects.toThrow(`--count: split 'test' of ${dir} has 2 frames, cannot take 5 from frame 0`);
    await expect(run(['dataset', 'generate', '--out', join(work, 'y'), '--split', 'train=0.5'])).rejects.toThrow('--split: fractions must sum to 1, got 0.5');
    await expect(run(['dataset', 'generate'])).rejects.toThrow('dataset generate: --out DIR is required');
    await expect(run(['dataset', 'inspect', join(work, 'nope')])).rejects.toThrow(`${join(work, 'nope', 'annotations.json')}: file not found`);
    await expect(run(['dataset', 'inspect', join(work, 'nope')])).rejects.toBeInstanceOf(UserError);
    expect(existsSync(join(work, 'y'))).toBe(false);
  });

  it('--help lists the actions and options', async () => {
    let help = '';
    await yargs(['dataset', '--help'])
      .command({ command: datasetCommand.command, describe: datasetCommand.describe, builder: datasetCommand.builder, handler: async () => {} })
      .exitProcess(false)
      .parseAsync(['dataset', '--help'], {}, (_err, _argv, output) => {
        help = output;
      });
    for (const word of ['generate', 'inspect', 'export-frames', '--sensor', '--seed', '--split', '--count', '--json']) expect(help).toContain(word);
  });
});
