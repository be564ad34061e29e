// Issue 16 point 4: what the trainer trains on. Synthetic frames mix the lenses and are fresh every
// epoch; the schedules and defaults of `mcusim train` (CutMix off, both lenses) reach the trainer;
// IoU-aware confidence targets are the IoU of the predicted box, checked against boxes by hand.
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { trainCommand, type TrainArgs } from '../../../src/cli/train.js';
import { trainOptionsFromArgs } from '../../../src/cli/train-options.js';
import { UserError } from '../../../src/common/errors.js';
import { generateFrame, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';
import { buildAnchors, encodeBox } from '../../../src/nn/detect/index.js';
import { detectionLoss, defaultLossConfig, confidenceLoss } from '../../../src/nn/loss/index.js';
import { iouAwareTargets } from '../../../src/nn/loss/iou-target.js';
import { openFrameSource } from '../../../src/nn/train/frames.js';

async function optionsOf(argv: string[]) {
  const args = await yargs(['train', ...argv]).command(trainCommand.command, trainCommand.describe, trainCommand.builder).strict().parseAsync();
  return trainOptionsFromArgs(args as unknown as TrainArgs);
}

describe('synthetic training frames', () => {
  const spec = { kind: 'synthetic' as const, seed: 5, trainFrames: 6, valFrames: 2, sensors: ['mlx90640', 'mlx90640-wide'] };

  it('take frame i through the (i mod n)-th lens, as the generator renders it', () => {
    const source = openFrameSource(spec);
    const narrow = resolveGeneratorConfig({ sensor: 'mlx90640' }), wide = resolveGeneratorConfig({ sensor: 'mlx90640-wide' });
    for (const i of [0, 1, 2, 3]) {
      const expected = generateFrame(i % 2 === 0 ? narrow : wide, 5, i);
      expect(source.train(i).celsius).toEqual(expected.celsius);
      expect(source.train(i).boxes).toEqual(expected.boxes);
    }
  });

  it('are new every epoch when fresh, the same set otherwise', () => {
    const fresh = openFrameSource({ ...spec, fresh: true }), fixed = openFrameSource(spec);
    expect([0, 1, 2].map((e) => fresh.trainIndex(e, 4))).toEqual([4, 10, 16]);
    expect([0, 1, 2].map((e) => fixed.trainIndex(e, 4))).toEqual([4, 4, 4]);
    expect(fresh.train(fresh.trainIndex(1, 4)).celsius).not.toEqual(fresh.train(fresh.trainIndex(0, 4)).celsius);
    // a frame is a pure function of (seed, index): two workers render the same pixels
    expect(fresh.train(10).celsius).toEqual(openFrameSource({ ...spec, fresh: true }).train(10).celsius);
  });

  it('refuse lenses of different frame sizes in one batch stream', () => {
    expect(() => openFrameSource({ ...spec, sensors: ['mlx90640', 'lepton'] })).toThrow(/differ in size/);
  });
});

describe('mcusim train defaults and schedules', () => {
  it('trains on both lenses, fresh frames, without CutMix unless asked', async () => {
    const o = await optionsOf([]);
    expect(o.frames).toMatchObject({ kind: 'synthetic', sensors: ['mlx90640', 'mlx90640-wide'], fresh: true, trainFrames: 4096 });
    expect([o.epochs, o.loss.cutmix, o.augment.cutmix, o.calibrateScore]).toEqual([20, false, null, true]);
    const paper = await optionsOf(['--cutmix', '--no-fresh-frames', '--sensors', 'mlx90640']);
    expect(paper.augment.cutmix).not.toBeNull();
    expect(paper.frames).toMatchObject({ sensors: ['mlx90640'], fresh: false });
  });

  it('takes epochs and frames from --schedule, explicit flags winning', async () => {
    expect(await optionsOf(['--schedule', 'quick']).then((o) => [o.epochs, o.frames.kind === 'synthetic' && o.frames.trainFrames])).toEqual([12, 4096]);
    expect(await optionsOf(['--schedule', 'full']).then((o) => [o.epochs, o.frames.kind === 'synthetic' && o.frames.trainFrames])).toEqual([40, 8192]);
    expect(await optionsOf(['--schedule', 'full', '--epochs', '3']).then((o) => o.epochs)).toBe(3);
  });

  it('--calibrate-from names an unreadable weights file in one line', async () => {
    const args = await yargs(['train', '--calibrate-from', '/nonexistent/w.json', '-o', '/tmp/never.json'])
      .command(trainCommand.command, trainCommand.describe, trainCommand.builder).strict().parseAsync();
    await expect(trainCommand.handler(args as unknown as Parameters<typeof trainCommand.handler>[0])).rejects.toThrow(UserError);
    await expect(trainCommand.handler(args as unknown as Parameters<typeof trainCommand.handler>[0])).rejects.toThrow(/^\/nonexistent\/w\.json: cannot read \(ENOENT\)$/);
  });

  it('names an unknown lens in one line', async () => {
    await expect(optionsOf(['--sensors', 'mlx90640,flir'])).rejects.toThrow(UserError);
    await expect(optionsOf(['--sensors', 'mlx90640,flir'])).rejects.toThrow("--sensors: unknown sensor 'flir' (choose mlx90640, mlx90640-wide)");
  });
});

describe('IoU-aware confidence targets', () => {
  // one scale, one 4x4 anchor per cell of a 2x1 grid on an 8x4 input: anchors centred at (2,2) and (6,2)
  const anchors = buildAnchors({ inputWidth: 8, inputHeight: 4, scales: [{ name: 'p', featureWidth: 2, featureHeight: 1, sizes: [[4, 4]] }] });
  const v = defaultLossConfig.variances;

  it('are the IoU of the predicted box with its ground truth on positives, 0 elsewhere', () => {
    const box = { x: 0, y: 0, w: 4, h: 4 };
    const target = new Float64Array(8), pred = new Float64Array(8);
    encodeBox(anchors, 0, box, target, 0, v);
    // prediction shifted 1 px right: intersection 3x4 = 12, union 16 + 16 - 12 = 20 -> IoU 0.6
    encodeBox(anchors, 0, { ...box, x: 1 }, pred, 0, v);
    const out = iouAwareTargets(Float64Array.of(1, 0), pred, target, Uint8Array.of(1, 0), anchors, 1, v);
    expect(out[0]).toBeCloseTo(0.6, 12);
    expect(out[1]).toBe(0);
    // a perfect prediction keeps the target 1
    expect(iouAwareTargets(Float64Array.of(1, 0), target, target, Uint8Array.of(1, 0), anchors, 1, v)[0]).toBeCloseTo(1, 12);
  });

  it('reach the confidence term of the loss when --iou-score is on', () => {
    const boxes = [[{ x: 0, y: 0, w: 4, h: 4, cls: 0 }]];
    const head = Float64Array.of(0, 0, 0, 0, 0.3, 5, 5, 0, 0, -2); // anchor 0: centred 4x4 box -> IoU 1 with the ground truth
    head[0] = 2.5; // dx = 2.5 * 0.1 * 4 = 1 px: IoU 0.6
    const cfg = { ...defaultLossConfig, fbeta: false, hardNegative: false, hardPositive: false, focal: false, conf: true, iouScore: false };
    const plain = detectionLoss(head, boxes, anchors, cfg), aware = detectionLoss(head, boxes, anchors, { ...cfg, iouScore: true });
    expect(plain.counts.positives).toBe(1);
    const confAt = (y: number) => confidenceLoss([0.3, -2], [y, 0], [1, 1], cfg.a, cfg.b) / 2;
    expect(plain.terms.conf).toBeCloseTo(confAt(1), 12);
    expect(aware.terms.conf).toBeCloseTo(confAt(0.6), 12);
    // the box term is untouched
    expect(aware.terms.box).toBe(plain.terms.box);
  });
});
