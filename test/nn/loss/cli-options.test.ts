/**
 * The session-5 loss/matching options as `mcusim train` parses them (src/cli/loss-options.ts): the
 * defaults are the measured winners (reports/ablation-session5.md), and PAPER.md's variant stays one
 * pair of flags away.
 */
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { lossConfigOptions, lossOverridesFromArgs } from '../../../src/cli/loss-options.js';
import { makeLossConfig } from '../../../src/nn/loss/config.js';

function parse(argv: string[]) {
  const args = yargs(argv).options(lossConfigOptions()).strict().exitProcess(false).fail((msg) => { throw new Error(msg); }).parseSync();
  return makeLossConfig(lossOverridesFromArgs(args));
}

describe('quality focal and matching options', () => {
  it('default to quality focal targets on ATSS-matched anchors', () => {
    const cfg = parse([]);
    expect([cfg.qualityFocal, cfg.matching, cfg.atssTopK]).toEqual([true, 'atss', 9]);
  });
  it("--no-quality-focal --matching iou gives PAPER.md's 0/1 targets on IoU-matched anchors", () => {
    const cfg = parse(['--no-quality-focal', '--matching', 'iou', '--pos-iou', '0.5', '--neg-iou', '0.4']);
    expect([cfg.qualityFocal, cfg.matching, cfg.positiveIou, cfg.negativeIou]).toEqual([false, 'iou', 0.5, 0.4]);
  });
  it('refuses an unknown matching and a non-integer top-k, naming them', () => {
    expect(() => parse(['--matching', 'centre'])).toThrow(/Invalid values/);
    expect(() => parse(['--atss-top-k', '2.5'])).toThrow(/'atssTopK' \(--atss-top-k\) must be an integer/);
  });
});
