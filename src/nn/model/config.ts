/**
 * Detector architecture config (models/*.json): input size, channel width per backbone/FPN/head
 * stage, attention and SPPF kernels, anchors and classes. Validation names the file and the field
 * of the first problem, e.g. `models/x.json: backbone.stage2.width: must be a positive integer`.
 */
import { readFileSync } from 'node:fs';

export type AnchorSizes = Array<[number, number]>;

export interface DetectorConfig {
  name: string;
  input: { width: number; height: number; channels: number };
  classes: string[];
  activation: 'relu' | 'relu6' | 'leaky';
  /** Scales every width below (rounded, at least 1); the architecture search edits the widths. */
  widthMultiplier: number;
  backbone: { stage1: { width: number }; stage2: { width: number }; stage3: { width: number }; stage4: { width: number } };
  attention: { channelReduction: number; spatialKernel: number };
  sppf: { poolKernel: number };
  fpn: { width: number };
  head: { width: number };
  anchors: { perLocation: number; p2_out: AnchorSizes; p3_out: AnchorSizes };
}

export class ConfigError extends Error {}

type Json = Record<string, unknown>;

class Checker {
  constructor(private readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new ConfigError(`${this.file}: ${field}: ${problem}`);
  }

  object(v: unknown, field: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'must be an object');
    return v as Json;
  }

  positiveInt(v: unknown, field: string, max = 4096): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) this.fail(field, 'must be a positive integer');
    if (v > max) this.fail(field, `must be at most ${max}`);
    return v;
  }

  oddKernel(v: unknown, field: string): number {
    const k = this.positiveInt(v, field, 15);
    if (k % 2 === 0) this.fail(field, 'must be odd');
    return k;
  }

  positiveNumber(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.fail(field, 'must be a positive number');
    return v;
  }

  string(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(field, 'must be a non-empty string');
    return v;
  }

  /** Rejects keys this config format does not know, so typos do not pass silently. */
  known(o: Json, field: string, keys: string[]): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.fail(field ? `${field}.${k}` : k, `unknown field (expected one of ${keys.join(', ')})`);
    }
  }

  widthStage(v: unknown, field: string): { width: number } {
    const o = this.object(v, field);
    this.known(o, field, ['width']);
    return { width: this.positiveInt(o.width, `${field}.width`) };
  }

  anchorSizes(v: unknown, field: string, count: number): AnchorSizes {
    if (!Array.isArray(v)) this.fail(field, 'must be an array of [width, height] pairs');
    if (v.length !== count) this.fail(field, `must list anchors.perLocation = ${count} sizes, got ${v.length}`);
    return v.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) this.fail(`${field}[${i}]`, 'must be a [width, height] pair');
      return [this.positiveNumber(pair[0], `${field}[${i}][0]`), this.positiveNumber(pair[1], `${field}[${i}][1]`)];
    });
  }
}

export function validateDetectorConfig(raw: unknown, file: string): DetectorConfig {
  const c: Checker = new Checker(file);
  const o = c.object(raw, '(top level)');
  c.known(o, '', ['name', 'description', 'input', 'classes', 'activation', 'widthMultiplier', 'backbone', 'attention', 'sppf', 'fpn', 'head', 'anchors']);
  const input = c.object(o.input, 'input');
  c.known(input, 'input', ['width', 'height', 'channels']);
  const width = c.positiveInt(input.width, 'input.width');
  const height = c.positiveInt(input.height, 'input.height');
  if (width % 8 !== 0) c.fail('input.width', 'must be a multiple of 8 (three 2x poolings)');
  if (height % 8 !== 0) c.fail('input.height', 'must be a multiple of 8 (three 2x poolings)');
  const channels = c.positiveInt(input.channels, 'input.channels', 16);
  const classList: unknown = o.classes;
  if (!Array.isArray(classList) || classList.length === 0) c.fail('classes', 'must be a non-empty array of class names');
  const classes = classList.map((n: unknown, i: number) => c.string(n, `classes[${i}]`));
  const act: unknown = o.activation ?? 'relu';
  if (act !== 'relu' && act !== 'relu6' && act !== 'leaky') c.fail('activation', 'must be one of relu, relu6, leaky');
  const widthMultiplier = o.widthMultiplier === undefined ? 1 : c.positiveNumber(o.widthMultiplier, 'widthMultiplier');
  const bb = c.object(o.backbone, 'backbone');
  c.known(bb, 'backbone', ['stage1', 'stage2', 'stage3', 'stage4']);
  const backbone = {
    stage1: c.widthStage(bb.stage1, 'backbone.stage1'),
    stage2: c.widthStage(bb.stage2, 'backbone.stage2'),
    stage3: c.widthStage(bb.stage3, 'backbone.stage3'),
    stage4: c.widthStage(bb.stage4, 'backbone.stage4'),
  };
  const att = c.object(o.attention, 'attention');
  c.known(att, 'attention', ['channelReduction', 'spatialKernel']);
  const sppf = c.object(o.sppf, 'sppf');
  c.known(sppf, 'sppf', ['poolKernel']);
  const anchors = c.object(o.anchors, 'anchors');
  c.known(anchors, 'anchors', ['perLocation', 'p2_out', 'p3_out']);
  const perLocation = c.positiveInt(anchors.perLocation, 'anchors.perLocation', 16);
  return {
    name: c.string(o.name, 'name'),
    input: { width, height, channels },
    classes,
    activation: act,
    widthMultiplier,
    backbone,
    attention: {
      channelReduction: c.positiveInt(att.channelReduction, 'attention.channelReduction', 64),
      spatialKernel: c.oddKernel(att.spatialKernel, 'attention.spatialKernel'),
    },
    sppf: { poolKernel: c.oddKernel(sppf.poolKernel, 'sppf.poolKernel') },
    fpn: c.widthStage(o.fpn, 'fpn'),
    head: c.widthStage(o.head, 'head'),
    anchors: {
      perLocation,
      p2_out: c.anchorSizes(anchors.p2_out, 'anchors.p2_out', perLocation),
      p3_out: c.anchorSizes(anchors.p3_out, 'anchors.p3_out', perLocation),
    },
  };
}

/** Reads and validates a config file; every failure is one line naming the file. */
export function loadDetectorConfig(file: string): DetectorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return validateDetectorConfig(raw, file);
}

/** A width after the multiplier. */
export function scaledWidth(config: DetectorConfig, width: number): number {
  return Math.max(1, Math.round(width * config.widthMultiplier));
}
