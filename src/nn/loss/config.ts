/**
 * Loss and sampling configuration: every switch and hyper-parameter of PAPER.md's composite loss, the
 * matching thresholds and CutMix, described as data (`LOSS_CONFIG_FIELDS`) so the CLI can register
 * one option per field and validation can name the offending field.
 */
import type { Variances } from '../detect/types.js';

export type LossVariant = 'final' | 'geometric';
/** Anchor assignment: 'iou' = fixed IoU thresholds (SSD, PAPER.md); 'atss' = adaptive per box (match.ts). */
export type MatchingStrategy = 'iou' | 'atss';

export interface LossConfig {
  /** Classification term: focal loss when on, plain BCE (= 2 x focal at alpha 0.5, gamma 0) when off. */
  focal: boolean;
  /** Soft F-beta term combined with the classification term (sqrt of the product). */
  fbeta: boolean;
  /** Weighted confidence BCE term (a on positives, b on negatives). */
  conf: boolean;
  /** Hard negative mining; off = every negative anchor is used. */
  hardNegative: boolean;
  /** Hard positive mining; off = every positive counts once. */
  hardPositive: boolean;
  /** CutMix for detection with the IoU constraint (applied by the trainer, see augment/cutmix.ts). */
  cutmix: boolean;
  /** Confidence target on positives = IoU of the predicted box with its ground truth (iou-target.ts). */
  iouScore: boolean;
  /**
   * Classification target on positives = the predicted box's IoU, with quality focal loss
   * (quality-focal.ts); off = PAPER.md's 0/1 focal target.
   */
  qualityFocal: boolean;
  /** 'final' = PAPER.md's Final formula; 'geometric' = the earlier geometric-mean combination. */
  variant: LossVariant;
  matching: MatchingStrategy;
  /** ATSS: candidate anchors per box and output scale, nearest centres first. */
  atssTopK: number;
  alpha: number;
  gamma: number;
  /** Huber threshold, in encoded (variance-scaled) offset units. */
  delta: number;
  /** Confidence loss weight on positives (trades recall). */
  a: number;
  /** Confidence loss weight on negatives (trades precision). */
  b: number;
  beta: number;
  wCls: number;
  wBox: number;
  negPosRatio: number;
  hardPosRatio: number;
  /** CutMix: paste objects while an image has fewer than M. */
  M: number;
  /** CutMix: a pasted box must have IoU < tau with every box already in the image. */
  tau: number;
  /** CutMix: shift pasted pixels to the target's background level (off = PAPER.md's exact copy). */
  cutmixMatchBackground: boolean;
  /** CutMix: reject a paste covering more than this share of an existing box (1 = PAPER.md, no check). */
  cutmixMaxCover: number;
  /** Floor inside the square roots of the combination. */
  eps: number;
  numClasses: number;
  positiveIou: number;
  negativeIou: number;
  variances: Variances;
}

export const defaultLossConfig: Readonly<LossConfig> = Object.freeze({
  focal: true,
  fbeta: true,
  conf: true,
  hardNegative: true,
  hardPositive: true,
  // off by default: with CutMix as PAPER.md specifies, mAP@0.5 fell 0.61 -> 0.51 and FP per empty
  // frame rose 0.29 -> 0.71 on two seeds (reports/ablation.md); --cutmix switches it back on
  cutmix: false,
  // on by default: the confidence ranks detections by placement; +0.06-0.12 mAP@0.5 on validation
  // seed 777 at the same schedule and frames (README "Thermal data and the trainer");
  // --no-iou-score gives the paper's plain confidence targets
  iouScore: true,
  // on by default, with ATSS below: on validation seed 777 (300 frames per case, 16 x 8,192 frames)
  // quality focal loss alone gained 0.023-0.047 mAP@0.5 in all four lens/mount cases and cut FP per
  // empty frame by 0.08-0.42; ATSS alone 0.034-0.073 (most on the 110° side view's thin people);
  // both, with animals among the distractors, 0.049-0.102 (reports/ablation-session5.md).
  // --no-quality-focal --matching iou gives PAPER.md's 0/1 targets on IoU-matched anchors
  qualityFocal: true,
  variant: 'final',
  matching: 'atss',
  atssTopK: 9,
  alpha: 0.25,
  gamma: 2,
  delta: 1,
  a: 1,
  b: 1,
  beta: 2,
  wCls: 1,
  wBox: 1,
  negPosRatio: 3,
  hardPosRatio: 0.5,
  M: 6,
  tau: 0.3,
  cutmixMatchBackground: false,
  cutmixMaxCover: 1,
  eps: 1e-6,
  numClasses: 1,
  positiveIou: 0.4,
  negativeIou: 0.3,
  variances: [0.1, 0.2] as Variances,
});

type FieldKind = 'boolean' | 'number' | 'integer' | 'choice';

export interface LossConfigField {
  key: keyof LossConfig;
  /** CLI flag name (kebab-case); booleans take --no-<flag> to switch off. */
  flag: string;
  kind: FieldKind;
  describe: string;
  min?: number;
  max?: number;
  /** Whether min/max are exclusive. */
  openMin?: boolean;
  /** The allowed values of a 'choice' field. */
  choices?: readonly string[];
}

export const LOSS_CONFIG_FIELDS: ReadonlyArray<LossConfigField> = [
  { key: 'focal', flag: 'focal', kind: 'boolean', describe: 'focal classification loss (off: plain BCE)' },
  { key: 'fbeta', flag: 'fbeta', kind: 'boolean', describe: 'soft F-beta term' },
  { key: 'conf', flag: 'conf', kind: 'boolean', describe: 'weighted confidence BCE term' },
  { key: 'hardNegative', flag: 'hard-neg', kind: 'boolean', describe: 'hard negative mining (off: all negatives)' },
  { key: 'hardPositive', flag: 'hard-pos', kind: 'boolean', describe: 'hard positive mining' },
  { key: 'cutmix', flag: 'cutmix', kind: 'boolean', describe: 'CutMix with the IoU constraint' },
  { key: 'iouScore', flag: 'iou-score', kind: 'boolean', describe: "confidence target on positives = the predicted box's IoU (score ranks by placement)" },
  { key: 'qualityFocal', flag: 'quality-focal', kind: 'boolean', describe: "classification target on positives = the predicted box's IoU (quality focal loss; off: 0/1 target)" },
  { key: 'variant', flag: 'loss-variant', kind: 'choice', choices: ['final', 'geometric'], describe: "loss combination: 'final' or 'geometric'" },
  { key: 'matching', flag: 'matching', kind: 'choice', choices: ['iou', 'atss'], describe: "anchor assignment: 'iou' (fixed --pos-iou/--neg-iou) or 'atss' (adaptive IoU threshold per box)" },
  { key: 'atssTopK', flag: 'atss-top-k', kind: 'integer', describe: 'ATSS: candidate anchors per box and output scale', min: 1 },
  { key: 'alpha', flag: 'alpha', kind: 'number', describe: 'focal alpha (positives; 1-alpha for negatives)', min: 0, max: 1 },
  { key: 'gamma', flag: 'gamma', kind: 'number', describe: 'focal gamma', min: 0, max: 10 },
  { key: 'delta', flag: 'delta', kind: 'number', describe: 'Huber threshold', min: 0, openMin: true },
  { key: 'a', flag: 'conf-a', kind: 'number', describe: 'confidence weight on positives (recall)', min: 0 },
  { key: 'b', flag: 'conf-b', kind: 'number', describe: 'confidence weight on negatives (precision)', min: 0 },
  { key: 'beta', flag: 'beta', kind: 'number', describe: 'F-beta beta (>1 favours recall)', min: 0, openMin: true },
  { key: 'wCls', flag: 'w-cls', kind: 'number', describe: 'classification weight', min: 0 },
  { key: 'wBox', flag: 'w-box', kind: 'number', describe: 'box regression weight', min: 0 },
  { key: 'negPosRatio', flag: 'neg-pos-ratio', kind: 'number', describe: 'hard negatives per positive', min: 0, openMin: true },
  { key: 'hardPosRatio', flag: 'hard-pos-ratio', kind: 'number', describe: 'share of positives mined as hard', min: 0, max: 1, openMin: true },
  { key: 'M', flag: 'cutmix-max-objects', kind: 'integer', describe: 'CutMix: max objects per image', min: 1 },
  { key: 'tau', flag: 'cutmix-iou', kind: 'number', describe: 'CutMix: max IoU of a pasted box with existing ones', min: 0, max: 1, openMin: true },
  { key: 'cutmixMatchBackground', flag: 'cutmix-match-background', kind: 'boolean', describe: 'CutMix: shift pasted pixels to the target background level' },
  { key: 'cutmixMaxCover', flag: 'cutmix-max-cover', kind: 'number', describe: 'CutMix: max share of an existing box a paste may cover (1 = no check)', min: 0, max: 1, openMin: true },
  { key: 'eps', flag: 'loss-eps', kind: 'number', describe: 'floor inside the square roots', min: 0, openMin: true },
  { key: 'numClasses', flag: 'num-classes', kind: 'integer', describe: 'object classes (1 = person)', min: 1 },
  { key: 'positiveIou', flag: 'pos-iou', kind: 'number', describe: 'anchor IoU for a positive (--matching iou; ATSS sets its own per box)', min: 0, max: 1, openMin: true },
  { key: 'negativeIou', flag: 'neg-iou', kind: 'number', describe: 'anchor IoU below which an anchor is negative', min: 0, max: 1 },
];

function checkField(f: LossConfigField, v: unknown): void {
  const name = `loss config '${f.key}' (--${f.flag})`;
  if (f.kind === 'boolean') {
    if (typeof v !== 'boolean') throw new Error(`${name} must be true or false, got ${JSON.stringify(v)}`);
    return;
  }
  if (f.kind === 'choice') {
    const choices = f.choices ?? [];
    if (typeof v !== 'string' || !choices.includes(v)) throw new Error(`${name} must be ${choices.map((c) => `'${c}'`).join(' or ')}, got ${JSON.stringify(v)}`);
    return;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  if (f.kind === 'integer' && !Number.isInteger(v)) throw new Error(`${name} must be an integer, got ${v}`);
  if (f.min !== undefined && (f.openMin ? v <= f.min : v < f.min)) throw new Error(`${name} must be ${f.openMin ? '>' : '>='} ${f.min}, got ${v}`);
  if (f.max !== undefined && v > f.max) throw new Error(`${name} must be <= ${f.max}, got ${v}`);
}

/** Throws an Error naming the first invalid field. */
export function validateLossConfig(cfg: LossConfig): void {
  for (const f of LOSS_CONFIG_FIELDS) checkField(f, cfg[f.key]);
  if (cfg.negativeIou > cfg.positiveIou) {
    throw new Error(`loss config 'negativeIou' (${cfg.negativeIou}) must not exceed 'positiveIou' (${cfg.positiveIou})`);
  }
  const v = cfg.variances;
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] > 0) || !(v[1] > 0)) {
    throw new Error(`loss config 'variances' must be two positive numbers, got ${JSON.stringify(v)}`);
  }
}

/** Defaults overridden by `overrides`; unknown keys are an error (a typo must not silently do nothing). */
export function makeLossConfig(overrides: Record<string, unknown> = {}): LossConfig {
  const known = new Set<string>([...LOSS_CONFIG_FIELDS.map((f) => f.key as string), 'variances']);
  for (const k of Object.keys(overrides)) {
    if (!known.has(k)) throw new Error(`loss config has no field '${k}'`);
  }
  const cfg = { ...defaultLossConfig, ...overrides } as LossConfig;
  validateLossConfig(cfg);
  return cfg;
}

export interface AblationVariant {
  name: string;
  describe: string;
  config: LossConfig;
}

/**
 * The ablation set: everything on, then each component switched off alone, the earlier geometric
 * combination (as PAPER.md writes it, so without the confidence term), and a plain baseline
 * (BCE + Huber on all anchors, no mining, no CutMix).
 */
export function ablationVariants(base: LossConfig = defaultLossConfig): AblationVariant[] {
  const v = (name: string, describe: string, o: Partial<LossConfig>): AblationVariant => {
    // the ablation starts from PAPER.md's full setting, CutMix included, whatever the default
    const config = { ...base, cutmix: true, ...o };
    validateLossConfig(config);
    return { name, describe, config };
  };
  return [
    v('all', 'all components on', {}),
    v('no-focal', 'plain BCE instead of focal', { focal: false }),
    v('no-fbeta', 'without the soft F-beta term', { fbeta: false }),
    v('no-conf', 'without the confidence term', { conf: false }),
    v('no-hard-neg', 'all negatives instead of hard negative mining', { hardNegative: false }),
    v('no-hard-pos', 'without hard positive mining', { hardPositive: false }),
    v('no-cutmix', 'without CutMix', { cutmix: false }),
    v('geometric', 'earlier geometric-mean combination (no confidence term)', { variant: 'geometric', conf: false }),
    v('baseline', 'BCE + Huber, all anchors, no mining, no CutMix', {
      focal: false, fbeta: false, conf: false, hardNegative: false, hardPositive: false, cutmix: false,
    }),
  ];
}
