/**
 * `mcusim eval` end to end through the real command line (src/cli/index.ts main): exit codes and
 * one-line errors, the JSON report against the library's own evaluation paths (float:
 * evaluateFloat, int8: evaluateInt8 of src/nn/quant), breakdowns, the sheet, plain text on a pipe.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';
import { loadDataset } from '../../../src/nn/data/dataset-load.js';
import { fromWeightsFile, readWeightsFile } from '../../../src/nn/model/serialize.js';
import { evaluateFloat, evaluateInt8, quantizeDetector } from '../../../src/nn/quant/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sample = `${root}models/datasets/sample`;
const weights = `${root}models/detector-default.weights.json`;
const work = mkdtempSync(join(tmpdir(), 'mcusim-eval-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = runCli;

describe('mcusim eval: errors', () => {
  const oneLine = (s: string) => s.trimEnd().split('\n');
  it('missing dataset, malformed model, conflicting or missing source: exit 2 with one line', async () => {
    const missing = await cli(['eval', '--data', join(work, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toEqual([`mcusim: ${join(work, 'nowhere', 'annotations.json')}: file not found`]);

    const badJson = join(work, 'bad.weights.json');
    writeFileSync(badJson, '{"format": "mcusim-detector-weights", ');
    const bad = await cli(['eval', '--data', sample, '--model', badJson]);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toHaveLength(1);
    expect(bad.stderr).toMatch(new RegExp(`^mcusim: ${badJson}: not valid JSON`));

    const notWeights = join(work, 'other.json');
    writeFileSync(notWeights, '{"format": "something-else"}');
    const other = await cli(['eval', '--data', sample, '--model', notWeights]);
    expect([other.code, oneLine(other.stderr)]).toEqual([2, [`mcusim: ${notWeights}: format: not an mcusim detector weights file (version 1)`]]);

    const broken = join(work, 'broken', 'annotations.json');
    rmSync(join(work, 'broken'), { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(join(work, 'broken'));
    writeFileSync(broken, JSON.stringify({ info: { format: 'mcusim-thermal-dataset', version: 1, sensor: 'x' }, images: [], annotations: [], categories: [] }));
    const malformed = await cli(['eval', '--data', join(work, 'broken')]);
    expect([malformed.code, oneLine(malformed.stderr)]).toEqual([2, [`mcusim: ${broken}: categories: must be a non-empty list`]]);

    const small = join(work, 'small');
    const { importRecordings } = await import('../../../src/nn/data/import.js');
    const csv = join(work, 'small.csv');
    writeFileSync(csv, `${new Array(192).fill('21.5').join(',')}\n`);
    importRecordings({ inputs: [csv], labels: undefined, out: small, sensor: 'mlx90641', width: 16, height: 12, split: 'test', firstIndex: 0, tags: [] });
    // unlabelled frames only: nothing to evaluate
    expect((await cli(['eval', '--data', small])).stderr).toBe(`mcusim: ${small}: no labelled frames in split 'test' (1 frames, 1 unlabelled)\n`);
    const labels = join(work, 'small-labels.json');
    writeFileSync(labels, JSON.stringify({ images: [{ id: 0, file_name: 'f0.png' }], annotations: [], categories: [{ id: 1, name: 'person' }] }));
    importRecordings({ inputs: [csv], labels, out: small, sensor: 'mlx90641', width: 16, height: 12, split: 'test', firstIndex: 0, tags: [] });
    const size = await cli(['eval', '--data', small]);
    expect([size.code, size.stderr]).toEqual([2, `mcusim: ${small}: frame 0 is 16x12, the model ${weights} takes 32x24\n`]);

    expect((await cli(['eval'])).code).toBe(2);
    expect((await cli(['eval', '--data', sample, '--synthetic'])).stderr).toBe('mcusim: eval: give either --data DIR or --synthetic, not both\n');
    expect((await cli(['eval', '--data', sample, '--by', 'colour'])).code).toBe(2);
  });
});

describe('mcusim eval: reports', () => {
  it('float: JSON equals evaluateFloat on the same frames; breakdowns partition the boxes; sheet; no colour on a pipe', async () => {
    const json = join(work, 'r.json'), sheet = join(work, 's.png');
    const r = await cli(['eval', '--data', sample, '--split', 'all', '--by', 'size', 'count', 'mount', '--json', json, '--sheet', sheet, '--sheet-count', '4']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toMatch(/mAP@0\.5/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const data = loadDataset(sample);
    const { model, inputTransform } = fromWeightsFile(readWeightsFile(weights), weights);
    const oracle = evaluateFloat(model, inputTransform, data.frames);
    expect(report.all.mAP50).toBeCloseTo(oracle.mAP50, 12);
    expect(report.all.f1Iou).toEqual(oracle.f1Iou);
    expect(report.all.countMAE).toBeCloseTo(oracle.countMAE, 12);
    // the sample holds 3 difficult boxes (visible area < 2 px² or fraction < 0.3)
    const difficult = data.frames.flatMap((f) => f.boxes).filter((b) => b.difficult).length;
    expect([report.boxes, report.difficultBoxes, report.counted.groundTruthBoxes]).toEqual([161, difficult, 161 - difficult]);
    expect(difficult).toBe(3);
    for (const kind of ['size', 'count', 'mount']) {
      expect(report.breakdowns[kind].reduce((s: number, row: { metrics: { groundTruthBoxes: number } }) => s + row.metrics.groundTruthBoxes, 0)).toBe(161);
    }
    expect(report.breakdowns.count.reduce((s: number, row: { frames: number }) => s + row.frames, 0)).toBe(64);
    const errs = report.worstFrames.map((w: { falsePositives: number; falseNegatives: number }) => w.falsePositives + w.falseNegatives);
    expect(errs).toEqual([...errs].sort((a: number, b: number) => b - a));
    const png = PNG.sync.read(readFileSync(sheet));
    expect([png.width, png.height]).toEqual([8 + 4 * (256 + 8), 8 + 30 + 248]);
  });

  it('--int8: the int8 host reference, equal to evaluateInt8', async () => {
    const json = join(work, 'i8.json');
    const r = await cli(['eval', '--data', sample, '--split', 'test', '--int8', '--json', json, '--quiet']);
    expect([r.code, r.stdout]).toEqual([0, '']);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.model.int8).toBe(true);
    const frames = loadDataset(sample, { split: 'test' }).frames;
    const oracle = evaluateInt8(quantizeDetector(weights), frames);
    expect(report.all.mAP50).toBeCloseTo(oracle.mAP50, 12);
    expect(report.all.f1Iou).toEqual(oracle.f1Iou);
  }, 120_000);

  it('--synthetic generates the frames on the fly', async () => {
    const json = join(work, 'syn.json');
    const r = await cli(['eval', '--synthetic', '--sensor', 'mlx90640-wide', '--mount', 'overhead', '--count', '12', '--seed', '7', '--by', 'mount', '--json', json, '--quiet']);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.data.synthetic).toEqual({ sensor: 'mlx90640-wide', mount: 'overhead', count: 12, seed: 7 });
    expect(report.frames).toBe(12);
    expect(report.breakdowns.mount.map((row: { group: string }) => row.group)).toEqual(['overhead']);
  });
});
