/**
 * Channel pruning of a trained detector (network slimming, Liu et al. 2017; NetAdapt, Yang et al.
 * 2018): the config's six widths (backbone stages 1-4, FPN, head) shrink, and the smaller model
 * inherits the weights of the channels it keeps, chosen by importance. Never retrained from scratch.
 *
 * The detector (src/nn/model/detector.ts) is seen as channel spaces: one per set of feature maps
 * that share an index (stage3's conv and depthwise outputs are one space; the SPPF's hidden maps
 * are another; each FPN lateral is its own). Every conv is a site: its input is a concatenation of
 * spaces (in concat order, as the forward pass builds it) and its output is one space, or the
 * spaces it passes through channel by channel (depthwise). Pruning keeps a subset of every space
 * and slices each parameter along its input and output channel axes; nothing else is special.
 *
 * What makes the pruned forward equal the original with those channels removed (the test):
 * - a removed channel's contribution to every conv that reads it disappears with its input slice;
 * - spatial attention averages over channels, so its mean input is rescaled by C/C' (the weight
 *   on the mean map times C'/C) to keep the kept channels' share unchanged; its max over channels
 *   is unchanged by removing an all-zero channel because ReLU outputs are >= 0 (exact for relu and
 *   relu6; with leaky activations the max may move);
 * - the CBAM hidden width (channels / reduction) and the SPPF hidden widths (cin / 2) follow from
 *   the stage widths, so they are pruned too, by their own importance.
 */
import { Tensor } from '../nn/tensor.js';
import { Detector } from '../nn/model/detector.js';
import { scaledWidth, type DetectorConfig } from '../nn/model/config.js';

/** The six widths the search edits, as channel counts (widthMultiplier already applied). */
export interface StageWidths {
  stage1: number;
  stage2: number;
  stage3: number;
  stage4: number;
  fpn: number;
  head: number;
}

export const STAGES = ['stage1', 'stage2', 'stage3', 'stage4', 'fpn', 'head'] as const;
export type Stage = (typeof STAGES)[number];

export function detectorWidths(config: DetectorConfig): StageWidths {
  const w = (n: number): number => scaledWidth(config, n);
  const b = config.backbone;
  return {
    stage1: w(b.stage1.width), stage2: w(b.stage2.width), stage3: w(b.stage3.width), stage4: w(b.stage4.width),
    fpn: w(config.fpn.width), head: w(config.head.width),
  };
}

/** The config with these widths and multiplier 1 (the widths are exact channel counts). */
export function configWithWidths(config: DetectorConfig, widths: StageWidths, name = config.name): DetectorConfig {
  return {
    ...config, name, widthMultiplier: 1,
    backbone: {
      stage1: { width: widths.stage1 }, stage2: { width: widths.stage2 },
      stage3: { width: widths.stage3 }, stage4: { width: widths.stage4 },
    },
    fpn: { width: widths.fpn }, head: { width: widths.head },
  };
}

type SpaceName =
  | 's1' | 'cbamHidden' | 's2' | 'sppf2Hidden' | 'p1' | 's3' | 'sppf3Hidden' | 'p2' | 's4'
  | 'l1' | 'l2' | 'l3' | 'hp2' | 'hp3';

/** Channel count of every space for these widths (the formulas of detector.ts and blocks.ts). */
function spaceSizes(w: StageWidths, config: DetectorConfig): Record<SpaceName, number> {
  return {
    s1: w.stage1, cbamHidden: Math.max(1, Math.round(w.stage1 / config.attention.channelReduction)),
    s2: w.stage2, sppf2Hidden: Math.max(1, w.stage2 >> 1), p1: w.stage2,
    s3: w.stage3, sppf3Hidden: Math.max(1, (w.stage3 + w.stage2) >> 1), p2: w.stage3,
    s4: w.stage4, l1: w.fpn, l2: w.fpn, l3: w.fpn, hp2: w.head, hp3: w.head,
  };
}

/**
 * Every conv of the detector: parameter prefix, input spaces in concat order ('fixed' = not
 * pruned: the frame, the attention maps, the head outputs), output spaces. A depthwise conv has
 * `depthwise: true` and maps its `out` spaces channel by channel.
 */
interface Site {
  prefix: string;
  in: SpaceName[] | 'fixed';
  out: SpaceName[] | 'fixed';
  depthwise?: boolean;
}

const FUSED: SpaceName[] = ['l1', 'l2', 'l3'];
/** fpnP3's input: concat(down(fused), l3). */
const FUSED_P3: SpaceName[] = ['l1', 'l2', 'l3', 'l3'];

const SITES: Site[] = [
  { prefix: 'backbone.stage1.conv', in: 'fixed', out: ['s1'] },
  { prefix: 'backbone.stage1.cbam.channel.squeeze', in: ['s1'], out: ['cbamHidden'] },
  { prefix: 'backbone.stage1.cbam.channel.expand', in: ['cbamHidden'], out: ['s1'] },
  { prefix: 'backbone.stage1.cbam.spatial.conv', in: 'fixed', out: 'fixed' },
  { prefix: 'backbone.stage2.conv', in: ['s1'], out: ['s2'] },
  { prefix: 'backbone.stage2.sppf.reduce', in: ['s2'], out: ['sppf2Hidden'] },
  { prefix: 'backbone.stage2.sppf.fuse', in: ['sppf2Hidden', 'sppf2Hidden', 'sppf2Hidden', 'sppf2Hidden'], out: ['p1'] },
  { prefix: 'backbone.stage3.conv', in: ['p1'], out: ['s3'] },
  { prefix: 'backbone.stage3.depthwise', in: 'fixed', out: ['s3'], depthwise: true },
  { prefix: 'backbone.stage3.attention.conv', in: 'fixed', out: 'fixed' },
  { prefix: 'backbone.stage3.sppf.reduce', in: ['s3', 'p1'], out: ['sppf3Hidden'] },
  { prefix: 'backbone.stage3.sppf.fuse', in: ['sppf3Hidden', 'sppf3Hidden', 'sppf3Hidden', 'sppf3Hidden'], out: ['p2'] },
  { prefix: 'backbone.stage4.conv', in: ['p2'], out: ['s4'] },
  { prefix: 'backbone.stage4.depthwise', in: 'fixed', out: ['s4'], depthwise: true },
  { prefix: 'backbone.stage4.attention.conv', in: 'fixed', out: 'fixed' },
  { prefix: 'fpn.lateral1', in: ['p1'], out: ['l1'] },
  { prefix: 'fpn.lateral2', in: ['p2'], out: ['l2'] },
  { prefix: 'fpn.lateral3', in: ['s4', 'p2'], out: ['l3'] },
  { prefix: 'fpn.p2', in: 'fixed', out: FUSED, depthwise: true },
  { prefix: 'fpn.p3', in: 'fixed', out: FUSED_P3, depthwise: true },
  { prefix: 'head.p2.spread.depthwise', in: 'fixed', out: FUSED, depthwise: true },
  { prefix: 'head.p2.spread.pointwise', in: FUSED, out: ['hp2'] },
  { prefix: 'head.p2.predict.depthwise', in: 'fixed', out: ['hp2'], depthwise: true },
  { prefix: 'head.p2.predict.pointwise', in: ['hp2'], out: 'fixed' },
  { prefix: 'head.p3.spread.depthwise', in: 'fixed', out: FUSED_P3, depthwise: true },
  { prefix: 'head.p3.spread.pointwise', in: FUSED_P3, out: ['hp3'] },
  { prefix: 'head.p3.predict.depthwise', in: 'fixed', out: ['hp3'], depthwise: true },
  { prefix: 'head.p3.predict.pointwise', in: ['hp3'], out: 'fixed' },
];

/** Spatial attentions and the space whose channel mean they take (input channel 0 is the mean map). */
const MEAN_POOLS: Array<{ prefix: string; space: SpaceName }> = [
  { prefix: 'backbone.stage1.cbam.spatial.conv', space: 's1' },
  { prefix: 'backbone.stage3.attention.conv', space: 's3' },
  { prefix: 'backbone.stage4.attention.conv', space: 's4' },
];

/** The site owning a parameter or buffer name (longest prefix), and the rest of the name. */
function siteOf(name: string): { site: Site; leaf: string } {
  let best: Site | undefined;
  for (const s of SITES) {
    if (name.startsWith(`${s.prefix}.`) && (!best || s.prefix.length > best.prefix.length)) best = s;
  }
  if (!best) throw new Error(`prune: no site for parameter ${name} (detector.ts changed? update SITES)`);
  return { site: best, leaf: name.slice(best.prefix.length + 1) };
}

type Kept = Record<SpaceName, number[]>;

/** Indices into the concatenation of `spaces` (sizes `sizes`) of the kept channels. */
function concatIndices(spaces: SpaceName[], kept: Kept, sizes: Record<SpaceName, number>): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const s of spaces) {
    for (const k of kept[s]) out.push(offset + k);
    offset += sizes[s];
  }
  return out;
}

/**
 * Importance of every channel of every space: the sum over the convs producing it of
 * log(|BatchNorm scale| / mean |scale| of that conv), or the filter's L1 norm (with |bias|) where
 * the conv has no BatchNorm; with `consumers`, plus the same over the convs reading it (the L1 norm
 * of the weights that read the channel). A sum of logs is a product: a channel any producer
 * silences scores -Infinity. Magnitudes are normalised per conv so convs of different gain weigh alike.
 */
export function channelImportance(model: Detector, consumers = true): Record<SpaceName, Float64Array> {
  const sizes = spaceSizes(detectorWidths(model.config), model.config);
  const score = Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, new Float64Array(n)])) as Record<SpaceName, Float64Array>;
  const params = new Map(model.parameters().map((p) => [p.name, p.tensor]));
  const buffers = new Map(model.buffers().map((b) => [b.name, b.data]));
  for (const site of SITES) {
    if (site.out === 'fixed') continue;
    const magnitude = producerMagnitude(site.prefix, params, buffers);
    const mean = magnitude.reduce((s, v) => s + v, 0) / magnitude.length || 1;
    let offset = 0;
    for (const space of site.out) {
      for (let k = 0; k < sizes[space]; k++) score[space][k] += Math.log(magnitude[offset + k]! / mean);
      offset += sizes[space];
    }
  }
  if (consumers) addConsumerImportance(model, score, sizes, params);
  return score;
}

/**
 * Consumer importance: a channel its own conv makes strong may still be read weakly by every
 * partner (the SPPF, the FPN laterals, the next stage, the head's predictor), and their input
 * weights say so. Measured on the one-lens model of commit 0af0ff8, one-shot cuts (mAP@0.5 on 256 held-out frames after
 * BatchNorm recalibration / after a 512-frame fine-tune), producers only -> producers and consumers:
 * head 32 -> 16 0.103/0.113 -> 0.512/0.502; stage 2 16 -> 8 0.177/0.382 -> 0.382/0.374; stage 3 24 -> 16
 * 0.431/0.462 -> 0.447/0.482; FPN 16 -> 8 0.350/0.398 -> 0.388/0.390; stage 4 32 -> 16 0.502/0.473 ->
 * 0.514/0.486; widths 8/8/8/32/8/32 0.069/0.143 -> 0.092/0.199.
 *
 * Adds, for every conv reading a space (not depthwise: those pass channels through), log(L1 norm of
 * the weights reading the channel / mean over the conv's inputs); a space read twice in one conv
 * (the SPPF's pooled copies) sums its copies first.
 */
function addConsumerImportance(model: Detector, score: Record<SpaceName, Float64Array>, sizes: Record<SpaceName, number>, params: Map<string, Tensor>): void {
  for (const site of SITES) {
    if (site.in === 'fixed' || site.depthwise) continue;
    const weight = params.get(`${site.prefix}.conv.weight`) ?? params.get(`${site.prefix}.weight`)!;
    const [kh, kw, cin, cout] = weight.shape as [number, number, number, number];
    const read = new Float64Array(cin);
    for (let tap = 0; tap < kh * kw; tap++) {
      for (let ci = 0; ci < cin; ci++) {
        const row = (tap * cin + ci) * cout;
        for (let co = 0; co < cout; co++) read[ci] += Math.abs(weight.data[row + co]!);
      }
    }
    const mean = read.reduce((a, v) => a + v, 0) / cin || 1;
    const perSpace = new Map<SpaceName, Float64Array>();
    let offset = 0;
    for (const space of site.in) {
      const sum = perSpace.get(space) ?? new Float64Array(sizes[space]);
      for (let k = 0; k < sizes[space]; k++) sum[k] += read[offset + k]! / mean;
      perSpace.set(space, sum);
      offset += sizes[space];
    }
    for (const [space, sum] of perSpace) {
      const copies = site.in.filter((x) => x === space).length;
      for (let k = 0; k < sizes[space]; k++) score[space][k] += Math.log(sum[k]! / copies);
    }
  }
}

function producerMagnitude(prefix: string, params: Map<string, Tensor>, buffers: Map<string, Float32Array>): Float64Array {
  const gamma = params.get(`${prefix}.bn.gamma`);
  if (gamma) {
    const variance = buffers.get(`${prefix}.bn.runningVar`)!;
    return Float64Array.from(gamma.data, (g, c) => Math.abs(g) / Math.sqrt(variance[c]! + 1e-5));
  }
  const weight = params.get(`${prefix}.conv.weight`) ?? params.get(`${prefix}.weight`)!;
  const bias = params.get(`${prefix}.conv.bias`) ?? params.get(`${prefix}.bias`);
  const cout = weight.shape[3]!;
  const m = new Float64Array(cout);
  for (let i = 0; i < weight.size; i++) m[i % cout] += Math.abs(weight.data[i]!);
  if (bias) for (let c = 0; c < cout; c++) m[c] += Math.abs(bias.data[c]!);
  return m;
}

/** The `count` most important channels of a space, in their original order. */
function topChannels(score: Float64Array, count: number): number[] {
  const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]! || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}

export interface PruneResult {
  model: Detector;
  /** Kept channel indices of every space of the original model. */
  kept: Record<string, number[]>;
}

/**
 * A smaller detector with these widths whose every parameter is sliced from `source` (the channels
 * of highest importance kept). `source` is left unchanged; both must be in the same training mode
 * for their forwards to compare.
 */
export function pruneDetector(source: Detector, widths: StageWidths, name?: string): PruneResult {
  const from = detectorWidths(source.config);
  for (const s of STAGES) {
    if (!Number.isInteger(widths[s]) || widths[s] < 1 || widths[s] > from[s]) {
      throw new RangeError(`prune: ${s} width ${widths[s]} must be an integer in 1..${from[s]}`);
    }
  }
  const config = configWithWidths(source.config, widths, name);
  const oldSizes = spaceSizes(from, source.config);
  const newSizes = spaceSizes(widths, config);
  const score = channelImportance(source);
  const kept = Object.fromEntries(
    (Object.keys(oldSizes) as SpaceName[]).map((s) => [s, topChannels(score[s], newSizes[s])]),
  ) as Kept;

  const model = new Detector(config);
  model.setTraining(source.training);
  const srcParams = new Map(source.parameters().map((p) => [p.name, p.tensor]));
  const srcBuffers = new Map(source.buffers().map((b) => [b.name, b.data]));
  for (const p of model.parameters()) {
    const src = srcParams.get(p.name)!;
    p.tensor.data.set(sliceParameter(src, siteOf(p.name).site, kept, oldSizes));
  }
  for (const b of model.buffers()) {
    const { site } = siteOf(b.name);
    const out = site.out === 'fixed' ? null : concatIndices(site.out, kept, oldSizes);
    const src = srcBuffers.get(b.name)!;
    b.data.set(out ? out.map((i) => src[i]!) : src);
  }
  const params = new Map(model.parameters().map((p) => [p.name, p.tensor]));
  for (const { prefix, space } of MEAN_POOLS) rescaleMeanInput(params.get(`${prefix}.weight`)!, newSizes[space] / oldSizes[space]);
  return { model, kept };
}

/** A weight [kh, kw, cinPerGroup, cout] sliced on both channel axes; a vector on its only axis. */
function sliceParameter(src: Tensor, site: Site, kept: Kept, sizes: Record<SpaceName, number>): Float32Array {
  const out = site.out === 'fixed' ? null : concatIndices(site.out, kept, sizes);
  if (src.shape.length === 1) return out ? Float32Array.from(out, (i) => src.data[i]!) : src.data;
  const [kh, kw, cin, cout] = src.shape as [number, number, number, number];
  const inIdx = site.depthwise || site.in === 'fixed' ? Array.from({ length: cin }, (_, i) => i) : concatIndices(site.in, kept, sizes);
  const outIdx = out ?? Array.from({ length: cout }, (_, i) => i);
  const result = new Float32Array(kh * kw * inIdx.length * outIdx.length);
  let n = 0;
  for (let tap = 0; tap < kh * kw; tap++) {
    for (const ci of inIdx) {
      const row = (tap * cin + ci) * cout;
      for (const co of outIdx) result[n++] = src.data[row + co]!;
    }
  }
  return result;
}

/** Multiplies a spatial attention's weights on its mean-over-channels input (channel 0) by `ratio`. */
function rescaleMeanInput(weight: Tensor, ratio: number): void {
  const [kh, kw, cin, cout] = weight.shape as [number, number, number, number];
  for (let tap = 0; tap < kh * kw; tap++) {
    for (let co = 0; co < cout; co++) weight.data[tap * cin * cout + co] *= ratio;
  }
}
