import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { lossConfigOptions, lossOverridesFromArgs } from '../../src/cli/loss-options.js';
import { defaultLossConfig, makeLossConfig } from '../../src/nn/loss/config.js';

function parse(argv: string[]) {
  const args = yargs(argv).options(lossConfigOptions()).strict().exitProcess(false).fail((msg) => { throw new Error(msg); }).parseSync();
  return makeLossConfig(lossOverridesFromArgs(args));
}

describe('loss config from the command line', () => {
  it('defaults equal defaultLossConfig', () => {
    expect(parse([])).toEqual(defaultLossConfig);
  });
  it('switches components off with --no-<flag> and sets hyper-parameters', () => {
    const cfg = parse(['--no-focal', '--no-hard-neg', '--gamma', '3', '--loss-variant', 'geometric', '--cutmix-iou', '0.4', '--w-box', '2']);
    expect(cfg.focal).toBe(false);
    expect(cfg.hardNegative).toBe(false);
    expect(cfg.fbeta).toBe(true);
    expect(cfg.gamma).toBe(3);
    expect(cfg.variant).toBe('geometric');
    expect(cfg.tau).toBe(0.4);
    expect(cfg.wBox).toBe(2);
  });
  it('names the field of a bad value', () => {
    expect(() => parse(['--alpha', '1.5'])).toThrow(/'alpha' \(--alpha\) must be <= 1/);
    expect(() => parse(['--loss-variant', 'mean'])).toThrow(/Invalid values/);
  });
});
