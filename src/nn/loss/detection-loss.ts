/**
 * The composite detection loss of PAPER.md, over a head output [N, A, 4 + C] (layout in detect/types.ts).
 *
 * Sample sets per batch: P = positive anchors, HN = hard negatives (all negatives when mining is off),
 * HP = hard positives (a subset of P; empty when mining is off). Ignored anchors are never used.
 * Class-channel terms see the selection S = P u HN with weight 1 per anchor plus 1 more for a hard
 * positive, so the weights sum to N_sel = N_pos + N_hardneg + N_hardpos: dividing the weighted sums
 * by N_sel is PAPER.md's "normalised by the number of positive, hard-negative and hard-positive samples".
 *   L_cls_pos   = sum_S w FL / N_sel          (FL = focal, or plain BCE with focal off)
 *   L_fbeta_pos = 1 - soft F_beta over S, weighted the same way
 *   L_conf_pos  = sum_S w conf / N_sel
 *   L_box_pos   = sum_P Huber(offset - target) / N_pos   (4 offsets summed per anchor)
 * 'final':     L_cls = sqrt(L_cls_pos L_fbeta_pos + eps) (just L_cls_pos with fbeta off);
 *              L = w_cls L_cls + w_box L_box_pos + L_conf_pos (conf term only when on).
 * 'geometric': L_cls = sqrt(max(FL over P, FL over HN, eps)) - each mean over its own weights -,
 *              L_f1  = sqrt(max(L_fbeta(P) L_fbeta_bg(HN), eps)), where the hard-negative factor is the
 *              F-beta of the background class (targets and probabilities complemented; the person
 *              F-beta of a set with no person is constantly 0 and would teach nothing),
 *              L = w_cls sqrt(max(L_cls L_f1, eps)) + w_box L_box_pos (+ L_conf_pos when conf is on).
 * With iouScore the confidence term's positive targets are the predicted boxes' IoU (iou-target.ts);
 * with qualityFocal the classification term's are too (quality focal loss, quality-focal.ts; plain
 * BCE with those soft targets when focal is off). The F-beta term keeps 0/1 targets: it counts people.
 * Masks and IoU targets are constants for the gradient (as in SSD); everything else is differentiated exactly.
 */
import type { Box } from '../data/types.js';
import type { AnchorSet } from '../detect/types.js';
import { batchSizeOf } from '../detect/postprocess.js';
import { POSITIVE, NEGATIVE } from '../detect/match.js';
import { validateLossConfig, type LossConfig } from './config.js';
import { buildTargets } from './targets.js';
import { focalLoss } from './focal.js';
import { qualityFocalLoss } from './quality-focal.js';
import { confidenceLoss } from './confidence.js';
import { iouAwareTargets } from './iou-target.js';
import { huberLoss } from './huber.js';
import { softFbetaLoss } from './fbeta.js';
import { hardNegativeMask, hardPositiveMask } from './mining.js';

export interface LossCounts {
  positives: number;
  negatives: number;
  ignored: number;
  hardNegatives: number;
  hardPositives: number;
  /** Negatives that entered the loss (= hardNegatives with mining on, all negatives off). */
  negativesUsed: number;
  /** N_pos + N_negativesUsed + N_hardPositives: the normaliser of the class-channel terms. */
  normaliser: number;
}

export interface LossResult {
  total: number;
  terms: Record<string, number>;
  /** dL/d(head output), same layout and length as the head output. */
  grad: Float32Array;
  counts: LossCounts;
  /** Per (image, anchor) masks, for inspection and tests. */
  hardNegativeMask: Uint8Array;
  hardPositiveMask: Uint8Array;
}

/**
 * Classification term (focal, or BCE when focal is off; quality focal loss with soft targets when
 * qualityFocal is on); writes grad and per-element loss.
 */
function classificationTerm(cfg: LossConfig, x: Float64Array, y: Float64Array, w: Float64Array, grad?: Float64Array, per?: Float64Array): number {
  if (cfg.qualityFocal && cfg.focal) return qualityFocalLoss(x, y, w, cfg.alpha, cfg.gamma, grad, per);
  // BCE takes soft targets as they are
  return cfg.focal ? focalLoss(x, y, w, cfg.alpha, cfg.gamma, grad, per) : confidenceLoss(x, y, w, 1, 1, grad, per);
}

/** sqrt(max(u, eps)) and its derivative (0 where the floor is active). */
function sqrtFloor(u: number, eps: number): [number, number] {
  if (u > eps) { const r = Math.sqrt(u); return [r, 0.5 / r]; }
  return [Math.sqrt(eps), 0];
}

function sumPerAnchor(per: Float64Array, C: number): Float64Array {
  const out = new Float64Array(per.length / C);
  for (let k = 0; k < out.length; k++) for (let c = 0; c < C; c++) out[k] += per[k * C + c];
  return out;
}

function expand(anchorWeights: Float64Array, C: number): Float64Array {
  if (C === 1) return anchorWeights;
  const out = new Float64Array(anchorWeights.length * C);
  for (let k = 0; k < anchorWeights.length; k++) out.fill(anchorWeights[k], k * C, k * C + C);
  return out;
}

function total(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

export function detectionLoss(headOutput: Float32Array | Float64Array, batchTargets: ReadonlyArray<ReadonlyArray<Box>>, anchors: AnchorSet, cfg: LossConfig): LossResult {
  validateLossConfig(cfg);
  const C = cfg.numClasses, stride = 4 + C, A = anchors.count;
  const batch = batchSizeOf(headOutput, anchors, C);
  if (batchTargets.length !== batch) throw new Error(`detectionLoss: head output holds ${batch} images but ${batchTargets.length} target lists were given`);
  const t = buildTargets(anchors, batchTargets, cfg);
  const nA = batch * A;

  // Gather class logits [N*A, C] and box offsets [N*A, 4] from the interleaved head rows.
  const logits = new Float64Array(nA * C), offsets = new Float64Array(nA * 4);
  for (let k = 0; k < nA; k++) {
    for (let j = 0; j < 4; j++) offsets[k * 4 + j] = headOutput[k * stride + j];
    for (let c = 0; c < C; c++) logits[k * C + c] = headOutput[k * stride + 4 + c];
  }
  const isPos = new Uint8Array(nA), isNeg = new Uint8Array(nA);
  for (let k = 0; k < nA; k++) { isPos[k] = t.label[k] === POSITIVE ? 1 : 0; isNeg[k] = t.label[k] === NEGATIVE ? 1 : 0; }
  const ones = new Float64Array(nA * C).fill(1);
  // IoU of each positive's predicted box: the confidence target with iouScore, the class target with qualityFocal.
  const iouTarget = cfg.qualityFocal || (cfg.conf && cfg.iouScore)
    ? iouAwareTargets(t.classTarget, offsets, t.boxTarget, isPos, anchors, C, cfg.variances)
    : t.classTarget;
  const clsTarget = cfg.qualityFocal ? iouTarget : t.classTarget;

  // Mining scores: confidence loss of negatives, classification loss of positives (summed over classes).
  let hn: Uint8Array = isNeg;
  if (cfg.hardNegative) {
    const per = new Float64Array(nA * C);
    confidenceLoss(logits, t.classTarget, ones, cfg.a, cfg.b, undefined, per);
    hn = hardNegativeMask(sumPerAnchor(per, C), isNeg, t.positives, cfg.negPosRatio);
  }
  let hp: Uint8Array = new Uint8Array(nA);
  if (cfg.hardPositive) {
    const per = new Float64Array(nA * C);
    classificationTerm(cfg, logits, clsTarget, ones, undefined, per);
    hp = hardPositiveMask(sumPerAnchor(per, C), isPos, cfg.hardPosRatio);
  }
  const wPosA = new Float64Array(nA), wNegA = new Float64Array(nA), wSelA = new Float64Array(nA);
  let nHn = 0, nHp = 0;
  for (let k = 0; k < nA; k++) {
    wPosA[k] = isPos[k] ? 1 + hp[k] : 0;
    wNegA[k] = hn[k] ? 1 : 0;
    wSelA[k] = wPosA[k] + wNegA[k];
    nHn += hn[k];
    nHp += hp[k];
  }
  const wSel = expand(wSelA, C), wPos = expand(wPosA, C), wNeg = expand(wNegA, C);
  const nSel = Math.max(total(wSelA), 1);

  const gLogit = new Float64Array(nA * C);
  const terms: Record<string, number> = {};
  const addScaled = (g: Float64Array, s: number) => { for (let i = 0; i < g.length; i++) gLogit[i] += s * g[i]; };

  // Box term on positives.
  const wBoxEl = new Float64Array(nA * 4);
  for (let k = 0; k < nA; k++) if (isPos[k]) wBoxEl.fill(1, k * 4, k * 4 + 4);
  const gBox = new Float64Array(nA * 4);
  const nPosNorm = Math.max(t.positives, 1);
  const lBox = huberLoss(offsets, t.boxTarget, wBoxEl, cfg.delta, gBox) / nPosNorm;
  terms.box = lBox;
  let totalLoss = cfg.wBox * lBox;

  if (cfg.variant === 'final') {
    const gCls = new Float64Array(nA * C);
    const lCls = classificationTerm(cfg, logits, clsTarget, wSel, gCls) / nSel;
    terms.cls = lCls;
    if (cfg.fbeta) {
      const gF = new Float64Array(nA * C);
      const lF = softFbetaLoss(logits, t.classTarget, wSel, cfg.beta, cfg.eps, gF);
      const comb = Math.sqrt(lCls * lF + cfg.eps);
      terms.fbeta = lF;
      terms.clsCombined = comb;
      totalLoss += cfg.wCls * comb;
      addScaled(gCls, (cfg.wCls * lF) / (2 * comb * nSel));
      addScaled(gF, (cfg.wCls * lCls) / (2 * comb));
    } else {
      terms.clsCombined = lCls;
      totalLoss += cfg.wCls * lCls;
      addScaled(gCls, cfg.wCls / nSel);
    }
  } else {
    const nP = Math.max(total(wPosA), 1), nN = Math.max(total(wNegA), 1);
    const gCp = new Float64Array(nA * C), gCn = new Float64Array(nA * C);
    const lCp = classificationTerm(cfg, logits, clsTarget, wPos, gCp) / nP;
    const lCn = classificationTerm(cfg, logits, clsTarget, wNeg, gCn) / nN;
    const [lCls, dCls] = sqrtFloor(lCp * lCn, cfg.eps);
    terms.clsPos = lCp;
    terms.clsHardNeg = lCn;
    terms.cls = lCls;
    // Chain factors from L_cls to its two factors; filled in below once the outer combination is known.
    let outerCls = cfg.wCls;
    if (cfg.fbeta) {
      const gFp = new Float64Array(nA * C), gFn = new Float64Array(nA * C);
      const lFp = softFbetaLoss(logits, t.classTarget, wPos, cfg.beta, cfg.eps, gFp);
      const negLogits = logits.map((v) => -v), bgTarget = t.classTarget.map((v) => 1 - v);
      const lFn = softFbetaLoss(negLogits, bgTarget, wNeg, cfg.beta, cfg.eps, gFn); // grad w.r.t. -x
      const [lF1, dF1] = sqrtFloor(lFp * lFn, cfg.eps);
      const [comb, dComb] = sqrtFloor(lCls * lF1, cfg.eps);
      terms.fbetaPos = lFp;
      terms.fbetaHardNeg = lFn;
      terms.fbeta = lF1;
      terms.clsCombined = comb;
      totalLoss += cfg.wCls * comb;
      outerCls = cfg.wCls * dComb * lF1;
      const outerF1 = cfg.wCls * dComb * lCls * dF1;
      addScaled(gFp, outerF1 * lFn);
      addScaled(gFn, -outerF1 * lFp);
    } else {
      terms.clsCombined = lCls;
      totalLoss += cfg.wCls * lCls;
    }
    addScaled(gCp, (outerCls * dCls * lCn) / nP);
    addScaled(gCn, (outerCls * dCls * lCp) / nN);
  }

  if (cfg.conf) {
    const gConf = new Float64Array(nA * C);
    const confTarget = cfg.iouScore ? iouTarget : t.classTarget;
    const lConf = confidenceLoss(logits, confTarget, wSel, cfg.a, cfg.b, gConf) / nSel;
    terms.conf = lConf;
    totalLoss += lConf;
    addScaled(gConf, 1 / nSel);
  }
  terms.total = totalLoss;

  const grad = new Float32Array(headOutput.length);
  for (let k = 0; k < nA; k++) {
    for (let j = 0; j < 4; j++) grad[k * stride + j] = (cfg.wBox * gBox[k * 4 + j]) / nPosNorm;
    for (let c = 0; c < C; c++) grad[k * stride + 4 + c] = gLogit[k * C + c];
  }
  const negativesUsed = cfg.hardNegative ? nHn : t.negatives;
  return {
    total: totalLoss,
    terms,
    grad,
    counts: {
      positives: t.positives, negatives: t.negatives, ignored: t.ignored,
      hardNegatives: cfg.hardNegative ? nHn : 0, hardPositives: nHp, negativesUsed,
      normaliser: t.positives + negativesUsed + nHp,
    },
    hardNegativeMask: hn,
    hardPositiveMask: hp,
  };
}
