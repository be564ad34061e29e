// The ablation runner on a tiny detector: one table row per variant, each variant's switched-off
// component really reaches `train` (recorded options), and the JSON records those same configs.
import { describe, expect, it } from 'vitest';
import { ablationVariants, defaultLossConfig, type LossConfig } from '../../../src/nn/loss/config.js';
import { DEFAULT_INPUT_TRANSFORM } from '../../../src/nn/model/serialize.js';
import { cutmixConfigFrom } from '../../../src/nn/augment/cutmix.js';
import { train, type TrainOptions } from '../../../src/nn/train/loop.js';
import { ablationJson, ablationMarkdown, mergeAblationFiles, runAblation, selectVariants, type AblationRun, type AblationSchedule } from '../../../src/nn/train/ablation.js';
import { tinyConfig, tinyFrames } from './tiny-config.js';

// the components each ablation row must switch off, written out by hand from PAPER.md's list
const EXPECTED_OFF: Record<string, Array<keyof LossConfig>> = {
  'all': [],
  'no-focal': ['focal'],
  'no-fbeta': ['fbeta'],
  'no-conf': ['conf'],
  'no-hard-neg': ['hardNegative'],
  'no-hard-pos': ['hardPositive'],
  'no-cutmix': ['cutmix'],
  'geometric': ['conf'],
  'baseline': ['focal', 'fbeta', 'conf', 'hardNegative', 'hardPositive', 'cutmix'],
};
const SWITCHES: Array<keyof LossConfig> = ['focal', 'fbeta', 'conf', 'hardNegative', 'hardPositive', 'cutmix'];

describe('train --ablation', () => {
  it('trains every variant with its own loss config and tabulates one row each', async () => {
    const base: TrainOptions = {
      config: tinyConfig('relu'), epochs: 1, batchSize: 4, lr: 3e-3, weightDecay: 1e-4, warmupEpochs: 0,
      threads: 1, seed: 3, frames: { kind: 'list', train: tinyFrames(8, 11), val: tinyFrames(6, 12) },
      loss: defaultLossConfig, augment: { flip: true, cutmix: cutmixConfigFrom(defaultLossConfig) },
      inputTransform: DEFAULT_INPUT_TRANSFORM,
    };
    const seen: TrainOptions[] = [];
    const progress: string[] = [];
    const runs = await runAblation(base, ablationVariants(), {
      onVariant: (k, n, v) => progress.push(`${k + 1}/${n} ${v.name}`),
    }, (options, hooks) => {
      seen.push(options);
      return train(options, hooks);
    });

    const names = Object.keys(EXPECTED_OFF);
    expect(runs.map((r) => r.name)).toEqual(names);
    expect(progress).toEqual(names.map((n, i) => `${i + 1}/9 ${n}`));
    expect(seen).toHaveLength(9);
    for (let i = 0; i < names.length; i++) {
      const o = seen[i]!;
      for (const s of SWITCHES) expect(o.loss[s], `${names[i]}: ${s}`).toBe(!EXPECTED_OFF[names[i]!]!.includes(s));
      expect(o.loss.variant).toBe(names[i] === 'geometric' ? 'geometric' : 'final');
      // CutMix is applied by the trainer's augmentation, so the switch must reach it too
      expect(o.augment.cutmix === null).toBe(!o.loss.cutmix);
      // identical seed, frames and schedule; no per-epoch validation on the held-out frames
      expect([o.seed, o.epochs, o.batchSize, o.lr, o.frames.kind === 'list' && o.frames.train]).toEqual(
        [3, 1, 4, 3e-3, base.frames.kind === 'list' && base.frames.train]);
      expect(o.frames.kind === 'list' && o.frames.val.length).toBe(0);
    }
    // every model is evaluated on all 6 held-out frames (tinyFrames puts 1-2 people in each)
    for (const r of runs) {
      expect(r.metrics.frames).toBe(6);
      expect(r.metrics.groundTruthBoxes).toBeGreaterThanOrEqual(6);
      expect(Number.isFinite(r.finalTrainLoss)).toBe(true);
    }

    const schedule: AblationSchedule = {
      config: 'tiny', epochs: 1, batchSize: 4, lr: 3e-3, seed: 3, trainFrames: 8, heldOutFrames: 6, threads: 1,
    };
    const table = ablationMarkdown(runs, schedule).split('\n').filter((l) => l.startsWith('| '));
    expect(table).toHaveLength(2 + 9);
    expect(table[0]).toBe('| variant | mAP@0.5 | F1 (IoU>=0.5) | recall, overlapping people (IoU>=0.5) | FP per empty frame | count MAE |');
    expect(table.slice(2).map((l) => l.split(' | ')[0]!.slice(2))).toEqual(names);

    const json = JSON.parse(ablationJson(runs, schedule)) as { runs: Array<{ name: string; loss: LossConfig; metrics: { mAP50: number | null } }> };
    expect(json.runs.map((r) => r.name)).toEqual(names);
    expect(json.runs.map((r) => r.loss)).toEqual(seen.map((o) => JSON.parse(JSON.stringify(o.loss))));
    expect(json.runs.find((r) => r.name === 'no-focal')!.loss.focal).toBe(false);
    expect(json.runs.find((r) => r.name === 'all')!.loss.focal).toBe(true);
  }, 20_000);

  it('--variants picks variants by name and rejects unknown ones with the known list', () => {
    expect(selectVariants(ablationVariants(), 'no-cutmix, all').map((v) => v.name)).toEqual(['all', 'no-cutmix']);
    expect(selectVariants(ablationVariants(), undefined)).toHaveLength(9);
    expect(() => selectVariants(ablationVariants(), 'all,no-fcoal')).toThrow(/--variants: unknown variant 'no-fcoal' \(known: all, no-focal,/);
  });

  it('--merge joins split runs in the standard order and refuses mismatched schedules or repeated variants', () => {
    const schedule: AblationSchedule = { config: 'c', epochs: 20, batchSize: 32, lr: 0.01, seed: 1, trainFrames: 4096, heldOutFrames: 512, threads: 1 };
    const run = (name: string, mAP50: number): AblationRun => ({
      name, describe: name, loss: defaultLossConfig, finalTrainLoss: 1, seconds: 1, metrics: { mAP50, fpPerEmptyFrame: Number.NaN } as never,
    });
    const a = { path: 'a.json', text: ablationJson([run('no-cutmix', 0.6), run('all', 0.5)], schedule) };
    const b = { path: 'b.json', text: ablationJson([run('baseline', 0.4), run('no-focal', 0.52)], schedule) };
    const merged = mergeAblationFiles([b, a]);
    expect(merged.runs.map((r) => r.name)).toEqual(['all', 'no-focal', 'no-cutmix', 'baseline']);
    expect(merged.runs[0]!.metrics.mAP50).toBe(0.5);
    expect(merged.runs[0]!.metrics.fpPerEmptyFrame).toBeNaN(); // null in JSON comes back as "undefined metric"
    const other = { path: 'c.json', text: ablationJson([run('geometric', 0.3)], { ...schedule, epochs: 5 }) };
    expect(() => mergeAblationFiles([a, other])).toThrow("c.json: schedule.epochs is 5 but 20 in a.json");
    expect(() => mergeAblationFiles([a, { ...a, path: 'a2.json' }])).toThrow("a2.json: variant 'no-cutmix' appears twice");
    expect(() => mergeAblationFiles([{ path: 'x.json', text: '{' }])).toThrow(/^x.json: not JSON/);
  });
});
