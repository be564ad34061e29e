/**
 * LossConfig <-> command-line options, from LOSS_CONFIG_FIELDS (options as data, STYLE.md §7): the
 * one place `mcusim train` gets its loss options from. The option records are plain objects in
 * yargs' `.options()` shape:
 *   builder: (y) => y.options(lossConfigOptions())   ...   makeLossConfig(lossOverridesFromArgs(args))
 * Booleans default to on and are switched off with --no-<flag> (yargs' boolean negation).
 */
import { LOSS_CONFIG_FIELDS, defaultLossConfig, type LossConfig } from '../nn/loss/config.js';

export interface LossCliOption {
  type: 'boolean' | 'number' | 'string';
  describe: string;
  default: boolean | number | string;
  group: string;
  choices?: string[];
}

export function lossConfigOptions(base: LossConfig = defaultLossConfig): Record<string, LossCliOption> {
  const out: Record<string, LossCliOption> = {};
  for (const f of LOSS_CONFIG_FIELDS) {
    const value = base[f.key] as boolean | number | string;
    out[f.flag] = {
      type: f.kind === 'boolean' ? 'boolean' : f.kind === 'choice' ? 'string' : 'number',
      describe: f.describe,
      default: value,
      group: 'Loss, matching and CutMix (default: PAPER.md terms, CutMix off, IoU-aware score and quality focal target on, ATSS matching; PAPER.md: --no-quality-focal --matching iou):',
      ...(f.choices ? { choices: [...f.choices] } : {}),
    };
  }
  return out;
}

/** Picks the loss fields out of parsed arguments (keyed by flag); absent ones are left to the defaults. */
export function lossOverridesFromArgs(args: Record<string, unknown>): Partial<LossConfig> {
  const out: Record<string, unknown> = {};
  for (const f of LOSS_CONFIG_FIELDS) {
    if (args[f.flag] !== undefined) out[f.key] = args[f.flag];
  }
  return out as Partial<LossConfig>;
}
